/**
 * Two browsers at once: an admin revokes all of a user's sessions from the user detail page, and the user's
 * very next navigation lands on the login page; revocation is server-side and immediate, not at cookie expiry.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { confirmWithReason, searchUsers, signIn, snap, userRow, whoAmI } from "./support/flows";

const user = SAMPLE_USERS.barbara;

test("an admin revokes a user's sessions and the user's next navigation lands on /login", async ({ browser }) => {
  const userContext = await browser.newContext();
  const adminContext = await browser.newContext();
  try {
    const userPage = await userContext.newPage();
    await signIn(userPage, user.email, SAMPLE_PASSWORD);
    await userPage.goto("/account");
    await expect(userPage.getByText(user.email).first()).toBeVisible();

    const adminPage = await adminContext.newPage();
    await signIn(adminPage, ADMIN_EMAIL, ADMIN_PASSWORD);
    await adminPage.goto("/admin/users");
    await searchUsers(adminPage, user.email);
    await userRow(adminPage, user.email).getByRole("link", { name: user.name }).first().click();
    await expect(adminPage).toHaveURL(/\/admin\/users\/[0-9a-f-]{36}/);
    await expect(adminPage.getByRole("heading", { level: 1 })).toContainText(user.name);

    // The twin: before the revocation the user's navigation still works.
    await userPage.goto("/");
    await expect(userPage).not.toHaveURL(/\/login/);
    await expect(userPage.getByRole("heading", { level: 1 })).toContainText(user.name);

    await adminPage.getByRole("button", { name: "Revoke all sessions" }).click();
    await confirmWithReason(adminPage, "Revoke all sessions");
    await expect(adminPage.getByRole("status").filter({ hasText: /revoked/i }).first()).toBeVisible();
    await snap(adminPage, "user-detail-revoked");

    await userPage.goto("/account");
    await expect(userPage).toHaveURL(/\/login/);
    await expect(userPage.getByLabel("Email")).toBeVisible();
    expect((await whoAmI(userPage)).status).toBe(401);

    // The admin's own session is untouched by revoking someone else's.
    expect((await whoAmI(adminPage)).body).toMatchObject({ user: { email: ADMIN_EMAIL } });
  } finally {
    await userContext.close();
    await adminContext.close();
  }
});
