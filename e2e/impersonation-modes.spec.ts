/**
 * Impersonation modes in Chromium: a read-only impersonation says so on the banner and refuses a change with
 * a message on the page (a tab opened before the impersonation, without JavaScript, still shows the admin's
 * own password form); the user
 * grants support access that can make changes on /account; then a write impersonation starts and says so.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { banner, openSignInAs, searchUsers, signIn, startImpersonation, stopImpersonation, uniqueReason, whoAmI } from "./support/flows";

const target = SAMPLE_USERS.radia;

test("read-only refuses a change with a message; the user grants write on /account; a write impersonation starts", async ({ page, browser }) => {
  // Without JavaScript nothing refreshes a tab behind the admin's back: a tab opened before the impersonation
  // keeps the admin's own password form, and posting it acts as the impersonation.
  const noScript = await browser.newContext({ javaScriptEnabled: false, baseURL: test.info().project.use.baseURL });
  const admin = await noScript.newPage();
  await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  const staleTab = await noScript.newPage();
  await staleTab.goto("/account");
  await expect(staleTab.getByLabel("Current password")).toBeVisible();

  await admin.goto("/admin/users");
  await searchUsers(admin, target.email);
  let dialog = await openSignInAs(admin, target.email);
  await expect(dialog.getByLabel(/Can make changes/)).toBeDisabled();
  await expect(dialog.getByLabel(/Read-only/)).toBeChecked();
  await startImpersonation(admin, dialog, { reason: uniqueReason("Read-only look"), password: ADMIN_PASSWORD });
  await expect(banner(admin).getByTestId("impersonation-mode")).toHaveText("read-only");
  expect((await whoAmI(admin)).body).toMatchObject({ user: { email: target.email }, impersonation: { mode: "read" } });

  await staleTab.getByLabel("Current password").fill(ADMIN_PASSWORD);
  await staleTab.getByLabel("New password").fill("a-new-password-nobody-may-set-9");
  await staleTab.getByRole("button", { name: "Change password" }).click();
  await expect(staleTab.locator('[data-code="IMPERSONATION_READ_ONLY"]')).toBeVisible();
  await expect(staleTab.getByText("This is a read-only impersonation")).toBeVisible();
  await expect(banner(staleTab)).toBeVisible(); // still the impersonation, on a page, not an error screen
  await stopImpersonation(admin);
  await noScript.close();

  // The user grants write access from their own browser.
  const userContext = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const userPage = await userContext.newPage();
  await signIn(userPage, target.email, SAMPLE_PASSWORD);
  await userPage.goto("/account");
  const access = userPage.getByRole("region", { name: "Support access" });
  await access.getByLabel("Can make changes").check();
  await access.getByLabel("For").selectOption("1h");
  await access.getByRole("button", { name: "Grant access" }).click();
  await expect(userPage.getByText("Support access granted.")).toBeVisible();
  await expect(userPage.getByRole("region", { name: "Support access" }).getByRole("listitem").filter({ hasText: "Can make changes" })).toBeVisible();
  await userContext.close();

  // The admin (signed in again: the password was never changed) starts a write impersonation.
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  await expect(page.getByRole("row").filter({ hasText: target.email }).getByText("Consent: can make changes")).toBeVisible();
  dialog = await openSignInAs(page, target.email);
  await dialog.getByLabel(/Can make changes/).check();
  await startImpersonation(page, dialog, { reason: uniqueReason("Fix the address as asked"), password: ADMIN_PASSWORD });
  await expect(banner(page).getByTestId("impersonation-mode")).toHaveText("can make changes");
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email }, impersonation: { mode: "write" } });
  await stopImpersonation(page);
});
