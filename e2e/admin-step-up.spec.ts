/**
 * On the step-up server (IMPERSONATION_REAUTH_WINDOW=0, so a step-up is always due): an admin action's
 * confirmation asks for the admin's password, refuses a wrong one without acting, and runs with the right one.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { errorAlert, signIn, userIdOf } from "./support/flows";

const target = SAMPLE_USERS.donaldHopper;

test("banning a user asks for the password on the confirmation, refuses a wrong one and bans with the right one", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const id = await userIdOf(page, target.email);
  await page.goto(`/admin/users/${id}/confirm?do=ban`);
  await page.getByLabel("Reason").fill("Step-up e2e: confirmed with the account owner");
  await page.getByLabel("Your password").fill("not-the-admin-password");
  await page.getByRole("button", { name: "Ban user", exact: true }).click();
  await expect(errorAlert(page)).toContainText(/password/i);
  await expect(page.getByLabel("Your password")).toBeVisible();

  await page.getByLabel("Reason").fill("Step-up e2e: confirmed with the account owner");
  await page.getByLabel("Your password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Ban user", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/users/${id}$`));
  await expect(page.getByText("User banned.")).toBeVisible();
});
