/**
 * Invitations in Chromium: an admin invites a new user from /admin/users/invite, the invitation arrives in the
 * development mailbox, its link opens /set-password, the new user is signed in, and the list shows them
 * without the "Invited" badge.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/constants";
import { searchUsers, signIn, snap, userRow, whoAmI } from "./support/flows";

test("admin invites → mailbox → set-password → the new user is signed in and no longer listed as invited", async ({ browser }) => {
  const email = `e2e-invitee-${Date.now()}@example.com`;
  const name = "Ida Invitee";
  const password = "ida chose a long first passphrase";

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto("/admin/users/invite");
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Invite a user");
  await admin.getByLabel("Name").fill(name);
  await admin.getByLabel("Email").fill(email);
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Invitation sent." })).toBeVisible();
  await admin.goto("/admin/users");
  await searchUsers(admin, email);
  await expect(userRow(admin, email)).toContainText("Invited");

  await admin.goto("/dev/mailbox");
  const mail = admin.getByRole("article").filter({ hasText: email }).filter({ has: admin.getByRole("heading", { name: "You are invited: choose your password" }) });
  await expect(mail).toHaveCount(1);
  const link = /(?:https?:\/\/[^\s/]+)?\/set-password\?token=[A-Za-z0-9_-]{43}/.exec((await mail.textContent()) ?? "")?.[0];
  expect(link).toBeTruthy();

  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link!);
  await expect(invitee.getByRole("heading", { level: 1 })).toHaveText("Welcome: choose your password");
  await invitee.getByLabel("New password").fill(password);
  await invitee.getByLabel("Repeat it").fill(password);
  await invitee.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(invitee).toHaveURL(/\/account$/);
  expect((await whoAmI(invitee)).body?.user).toMatchObject({ email, name });
  await snap(invitee, "invitee-signed-in");
  await inviteeContext.close();

  await admin.goto("/admin/users");
  await searchUsers(admin, email);
  await expect(userRow(admin, email)).toContainText(name);
  await expect(userRow(admin, email)).not.toContainText("Invited");
  await adminContext.close();
});
