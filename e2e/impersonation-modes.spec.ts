/**
 * Impersonation modes in Chromium: a read-only impersonation says so on the banner and refuses a change with
 * a message on the page (a tab opened before the impersonation still shows the admin's own form); the user
 * grants support access that can make changes on /account; then a write impersonation starts and says so.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { banner, openSignInAs, searchUsers, signIn, startImpersonation, stopImpersonation, uniqueReason, whoAmI } from "./support/flows";

const target = SAMPLE_USERS.radia;

test("read-only refuses a change with a message; the user grants write on /account; a write impersonation starts", async ({ page, context, browser }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  // A tab with the admin's own account page, opened before the impersonation: its forms now post as the impersonation.
  const staleTab = await context.newPage();
  await staleTab.goto("/account");
  await expect(staleTab.getByRole("button", { name: "Sign out other sessions" })).toBeVisible();

  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  let dialog = await openSignInAs(page, target.email);
  await expect(dialog.getByLabel(/Can make changes/)).toBeDisabled();
  await expect(dialog.getByLabel(/Read-only/)).toBeChecked();
  await startImpersonation(page, dialog, { reason: uniqueReason("Read-only look"), password: ADMIN_PASSWORD });
  await expect(banner(page).getByTestId("impersonation-mode")).toHaveText("read-only");
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email }, impersonation: { mode: "read" } });

  await staleTab.getByRole("button", { name: "Sign out other sessions" }).click();
  await expect(staleTab.locator('[data-code="IMPERSONATION_READ_ONLY"]')).toBeVisible();
  await expect(staleTab.getByText("read-only impersonation")).toBeVisible();
  await expect(banner(staleTab)).toBeVisible(); // still impersonating, nothing crashed
  await staleTab.close();
  await stopImpersonation(page);

  // The user grants write access from their own browser.
  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await signIn(userPage, target.email, SAMPLE_PASSWORD);
  await userPage.goto("/account");
  const access = userPage.getByRole("region", { name: "Support access" });
  await access.getByLabel("Can make changes").check();
  await access.getByLabel("For").selectOption("1h");
  await access.getByRole("button", { name: "Grant access" }).click();
  await expect(userPage.getByText("Support access granted.")).toBeVisible();
  await expect(userPage.getByRole("region", { name: "Support access" }).getByText("Can make changes", { exact: true })).toBeVisible();
  await userContext.close();

  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  await expect(page.getByRole("row", { name: new RegExp(target.name) }).getByText("Consent: can make changes")).toBeVisible();
  dialog = await openSignInAs(page, target.email);
  await dialog.getByLabel(/Can make changes/).check();
  await startImpersonation(page, dialog, { reason: uniqueReason("Fix the address as asked"), password: ADMIN_PASSWORD });
  await expect(banner(page).getByTestId("impersonation-mode")).toHaveText("can make changes");
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email }, impersonation: { mode: "write" } });
  await stopImpersonation(page);
});
