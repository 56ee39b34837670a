/**
 * The core console flow with JavaScript switched off: every step is a plain link or an HTML form post, so
 * the console keeps working (and stays audited) in a locked-down or script-blocking browser.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import {
  accessDenied,
  auditRow,
  banner,
  bannerSecondsLeft,
  openSignInAs,
  searchUsers,
  signIn,
  snap,
  startImpersonation,
  stopImpersonation,
  uniqueReason,
  whoAmI,
} from "./support/flows";

test.use({ javaScriptEnabled: false });

const target = SAMPLE_USERS.alan;

test("without JavaScript an admin signs in as a user, is refused the console, stops, and the audit log shows both events", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, target.email);

  const reason = uniqueReason("No-JS support call");
  const dialog = await openSignInAs(page, target.email);
  await snap(page, "confirm-dialog-nojs");
  await startImpersonation(page, dialog, { reason, ticket: "SUP-42" });

  const bannerRegion = banner(page);
  await expect(bannerRegion).toContainText("You are signed in as");
  await expect(bannerRegion).toContainText(target.name);
  await expect(bannerRegion).toContainText("impersonated by");
  await expect(bannerRegion).toContainText(ADMIN_NAME);
  // Server-rendered time left: present and plausible even though nothing ticks it.
  expect(await bannerSecondsLeft(page)).toBeGreaterThan(0);
  await snap(page, "banner-nojs");

  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(target.name);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email }, isImpersonating: true });

  await page.goto("/admin/users");
  // The 403 page's content, not its HTTP status: Next 16 answers a page-level forbidden() either with 403 and an
  // empty document that only JavaScript fills in, or (as this UI does, to work without JavaScript) with the
  // message in the HTML and status 200. The admin API's 403 JSON is asserted in plain-user.spec.ts.
  await expect(accessDenied(page)).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);

  await page.goto("/");
  await stopImpersonation(page);
  await expect(page).toHaveURL(/\/admin\/users(\?|$)/);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: ADMIN_EMAIL }, isImpersonating: false });

  await page.goto("/admin/audit");
  await expect(auditRow(page, "impersonation.start", reason)).toHaveCount(1);
  await expect(auditRow(page, "impersonation.stop", reason)).toHaveCount(1);
  await snap(page, "audit-nojs");
});
