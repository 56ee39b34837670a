/**
 * On the short server (12-second impersonations): once the time is up, the next request returns the browser
 * to the admin's own session, without the banner, and the audit log records `impersonation.expire`.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_USERS, SHORT_IMPERSONATION_TTL_S } from "./support/constants";
import { auditRow, banner, openSignInAs, searchUsers, signIn, startImpersonation, uniqueReason, whoAmI } from "./support/flows";

const target = SAMPLE_USERS.grace;

test("an impersonation past its TTL returns the browser to the admin and is audited as expired", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, target.email);

  const reason = uniqueReason("Expiry check");
  const dialog = await openSignInAs(page, target.email);
  // This server asks for the password on every start (step-up window 0).
  await startImpersonation(page, dialog, { reason, password: ADMIN_PASSWORD });
  const during = await whoAmI(page);
  expect(during.body).toMatchObject({ user: { email: target.email }, isImpersonating: true });
  const expiresAt = Date.parse(during.body!.impersonation!.expiresAt);
  expect(expiresAt - Date.now()).toBeLessThanOrEqual(SHORT_IMPERSONATION_TTL_S * 1000);

  // Still impersonating before the deadline: the twin of the expiry below.
  await page.goto("/");
  await expect(banner(page)).toBeVisible();

  // Wait past the hard expiry (never slid by activity), then navigate.
  await page.waitForTimeout(Math.max(0, expiresAt - Date.now()) + 1_500);
  await page.goto("/");
  await expect(banner(page)).toHaveCount(0);
  // Not silently the admin's own account: the page says whose impersonation ended, and when.
  const notice = page.getByRole("status").filter({ hasText: `Your impersonation of ${target.name} ended at` });
  await expect(notice).toContainText("its time ran out");
  await expect(notice.locator("time")).toHaveText(/^\d{2}:\d{2} UTC$/);
  const after = await whoAmI(page);
  expect(after.body).toMatchObject({ user: { email: ADMIN_EMAIL }, isImpersonating: false, originalUser: null });

  await page.goto("/admin/audit");
  await expect(auditRow(page, "impersonation.expire", reason)).toHaveCount(1);
  await expect(auditRow(page, "impersonation.stop", reason)).toHaveCount(0);
});
