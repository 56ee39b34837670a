/**
 * On the step-up server (IMPERSONATION_REAUTH_WINDOW=0, so every login is "stale"): Sign In As asks for the
 * admin's password again, refuses a wrong one without impersonating, and accepts the right one.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { banner, errorAlert, openSignInAs, searchUsers, signIn, uniqueReason, whoAmI } from "./support/flows";

const target = SAMPLE_USERS.alan;

test("Sign In As with a stale login asks for the password, refuses a wrong one and accepts the right one", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  const reason = uniqueReason("Step-up check");

  let dialog = await openSignInAs(page, target.email);
  await dialog.getByLabel("Reason").fill(reason);
  const password = page.getByRole("dialog").getByLabel("Password");
  if (!(await password.isVisible())) {
    // The dialog may ask only once the server has said REAUTH_REQUIRED: the first attempt must be refused.
    await dialog.getByRole("button", { name: "Start impersonation" }).click();
    await expect(errorAlert(page)).toBeVisible();
    await expect(password).toBeVisible();
    expect((await whoAmI(page)).body).toMatchObject({ isImpersonating: false });
  }

  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill(reason);
  await password.fill("not-the-admin-password");
  await dialog.getByRole("button", { name: "Start impersonation" }).click();
  await expect(errorAlert(page)).toContainText(/password/i);
  await expect(banner(page)).toHaveCount(0);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: ADMIN_EMAIL }, isImpersonating: false });

  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByLabel("Password").fill(ADMIN_PASSWORD);
  await dialog.getByRole("button", { name: "Start impersonation" }).click();
  await expect(banner(page)).toContainText(target.name);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email }, isImpersonating: true });
  // No Stop here: on this server the impersonation ends by itself within seconds (the expiry spec covers that).
});

test("after a wrong step-up password the focus is back in the password field, the reason kept", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, SAMPLE_USERS.john.email);
  const reason = uniqueReason("Step-up focus check");
  const dialog = await openSignInAs(page, SAMPLE_USERS.john.email);
  await dialog.getByLabel("Reason").fill(reason);
  const password = page.getByRole("dialog").getByLabel("Password");
  if (!(await password.isVisible())) {
    await dialog.getByRole("button", { name: "Start impersonation" }).click();
    await expect(password).toBeVisible();
  }
  await password.fill("not-the-admin-password");
  await page.getByRole("dialog").getByRole("button", { name: "Start impersonation" }).click();
  await expect(errorAlert(page)).toContainText(/password/i);
  await expect(page.getByRole("dialog").getByLabel("Password")).toBeFocused();
  await expect(page.getByRole("dialog").getByLabel("Reason")).toHaveValue(reason);
  await expect(banner(page)).toHaveCount(0);
});
