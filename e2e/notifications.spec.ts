/**
 * The user is told: after an admin signs in as them and stops, the user finds a notice on their next visit
 * (dismissible without JavaScript), the list on /account, and both mails in the development mailbox.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { openSignInAs, searchUsers, signIn, snap, startImpersonation, stopImpersonation, uniqueReason } from "./support/flows";

const target = SAMPLE_USERS.joan;

test("after Sign In As and Stop the user sees the notice on their next visit, the list on /account and the mail in the mailbox", async ({ browser }) => {
  const reason = uniqueReason("Checking the notification flow");
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto("/admin/users");
  await searchUsers(admin, target.email);
  await startImpersonation(admin, await openSignInAs(admin, target.email), { reason, password: ADMIN_PASSWORD });
  // The impersonator never sees the user's notices.
  await expect(admin.getByRole("region", { name: "Access to your account" })).toHaveCount(0);
  await stopImpersonation(admin);
  await adminContext.close();

  const userContext = await browser.newContext({ javaScriptEnabled: false });
  const page = await userContext.newPage();
  await signIn(page, target.email, SAMPLE_PASSWORD);
  const notices = page.getByRole("region", { name: "Access to your account" });
  await expect(notices).toBeVisible();
  await expect(notices).toContainText(`${ADMIN_NAME} (administrator) signed in to your account.`);
  await expect(notices).toContainText(`${ADMIN_NAME} (administrator) is no longer signed in to your account. They stopped.`);
  await expect(notices).toContainText(reason);
  await expect(notices).toContainText("Read-only");
  await snap(page, "notice-on-next-visit");

  await page.goto("/account");
  const list = page.getByRole("region", { name: "Notifications" });
  // Only the entries of this access (its unique reason) count: a retry of this spec adds its own.
  const ours = list.getByRole("listitem").filter({ hasText: reason });
  await expect(ours).toHaveCount(2);
  await expect(ours.filter({ hasText: "Lasted" })).toHaveCount(1);

  await notices.getByRole("button", { name: "Dismiss" }).click();
  await expect(page).toHaveURL(/\/account/);
  await expect(page.getByRole("region", { name: "Access to your account" })).toHaveCount(0);
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Access to your account" })).toHaveCount(0);
  // Dismissed is not deleted: the list on /account keeps both.
  await page.goto("/account");
  await expect(page.getByRole("region", { name: "Notifications" }).getByRole("listitem").filter({ hasText: reason })).toHaveCount(2);

  await page.goto("/dev/mailbox");
  await expect(page.getByRole("heading", { name: "Development mailbox" })).toBeVisible();
  const mails = page.getByRole("article").filter({ hasText: target.email }).filter({ hasText: reason });
  await expect(mails).toHaveCount(2);
  await expect(mails.filter({ has: page.getByRole("heading", { name: "A staff member signed in to your account" }) })).toHaveCount(1);
  await expect(mails.filter({ has: page.getByRole("heading", { name: "Staff access to your account ended" }) })).toHaveCount(1);
  await expect(mails.first()).toContainText("If you did not expect this, contact support.");
  await snap(page, "development-mailbox");
  await userContext.close();
});
