/**
 * The console on a phone (390×844): nothing widens the page, every control of the users list, the Sign In
 * As dialog and the banner is on screen, and the header says whose account you are in. Screenshots of
 * each screen go to this test's folder under test-results/.
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import {
  banner,
  expectInsideViewport,
  expectNoPageOverflow,
  openSignInAs,
  searchUsers,
  signIn,
  siteHeader,
  startImpersonation,
  stopImpersonation,
  uniqueReason,
  userRow,
} from "./support/flows";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const target = SAMPLE_USERS.radia;

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}-390x844.png`), fullPage: true });
}

test("at 390 px the users list, the dialog and the banner fit the screen with every control on it", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect(siteHeader(page)).toContainText(ADMIN_NAME);
  await expectInsideViewport(page, siteHeader(page).getByRole("button", { name: "Sign out" }));

  await page.goto("/admin/users");
  await expectNoPageOverflow(page);
  for (const control of [page.getByLabel("Search"), page.getByLabel("Role", { exact: true }), page.getByLabel("Status"), page.getByRole("button", { name: "Search", exact: true })]) {
    await expectInsideViewport(page, control);
  }
  await screenshot(page, "users-list");

  await searchUsers(page, target.email);
  await expectNoPageOverflow(page);
  // The email is one line, not broken every few characters (the table scrolls inside its own box instead).
  const email = userRow(page, target.email).getByRole("cell", { name: target.email });
  const lines = await email.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });
  expect(lines, "lines the email is broken into").toBe(1);

  const dialog = await openSignInAs(page, target.email);
  await expectNoPageOverflow(page);
  await expectInsideViewport(page, dialog.getByRole("heading", { name: `Sign in as ${target.name}` }));
  await expectInsideViewport(page, dialog.getByLabel("Reason"));
  await expectInsideViewport(page, dialog.getByRole("button", { name: "Start impersonation" }));
  await expectInsideViewport(page, dialog.getByRole("link", { name: "Cancel" }));
  await screenshot(page, "dialog");

  await startImpersonation(page, dialog, { reason: uniqueReason("Phone check") });
  await expectNoPageOverflow(page);
  await expectInsideViewport(page, banner(page));
  await expectInsideViewport(page, banner(page).getByRole("button", { name: "Stop Impersonation" }));
  // The header names whose account this is, on a phone too.
  await expect(siteHeader(page)).toContainText(target.name);
  await expect(siteHeader(page)).toContainText(`impersonated by ${ADMIN_NAME}`);
  await expect(siteHeader(page).getByText(target.name)).toBeVisible();
  await screenshot(page, "banner");

  await page.goto("/account");
  await expectNoPageOverflow(page);
  await stopImpersonation(page);
});

test("at 390 px the audit log, the live impersonations, a user's page and the admin landing do not widen the page", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  for (const path of ["/admin", "/admin/audit", "/admin/impersonations", "/account", "/"]) {
    await page.goto(path);
    await expectNoPageOverflow(page);
    await screenshot(page, path === "/" ? "home" : path.slice(1).replaceAll("/", "-"));
  }
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  await userRow(page, target.email).getByRole("link", { name: target.name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(target.name);
  await expectNoPageOverflow(page);
  await expectInsideViewport(page, page.getByRole("link", { name: "Sign In As" }));
  await screenshot(page, "user-page");
});
