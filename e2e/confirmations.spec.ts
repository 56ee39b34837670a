/**
 * Destructive admin actions ask first: ban, role change, revoke-all and End now each open a server-rendered
 * confirmation that says what will happen and takes a reason for the audit log. Run with JavaScript off
 * (plain links and form posts) and on; cancelling changes nothing; an unchanged role writes nothing.
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/constants";
import { confirmWithReason, signIn, snap, userIdOf } from "./support/flows";

// Sample users no other spec touches (lib/db/seed.ts: index i is FIRST[i % 20] LAST[i / 20]).
const joan = { email: "joan.lovelace.18@example.com", name: "Joan Lovelace" };
const bjarne = { email: "bjarne.lovelace.19@example.com", name: "Bjarne Lovelace" };

/** The audit log's rows of `action` for the user, newest first (filtered through the page's own form). */
async function auditRows(page: Page, subjectEmail: string, action: string) {
  await page.goto(`/admin/audit?subject=${encodeURIComponent(subjectEmail)}&action=${encodeURIComponent(action)}`);
  return page.getByRole("row").filter({ hasText: action });
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(`with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });
    const target = javaScriptEnabled ? bjarne : joan;

    test("a role change confirms with a reason, records it, and saving the same role changes nothing", async ({ page }) => {
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      const id = await userIdOf(page, target.email);
      await page.goto(`/admin/users/${id}`);

      // Cancel: nothing changes.
      await page.getByLabel("Role").selectOption("support");
      await page.getByRole("button", { name: "Save role" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Change ${target.name}'s role?`);
      await expect(page.getByTestId("consequences")).toContainText("From User to Support");
      await page.getByRole("link", { name: "Cancel" }).click();
      await expect(page.getByLabel("Role")).toHaveValue("user");

      await page.getByLabel("Role").selectOption("support");
      await page.getByRole("button", { name: "Save role" }).click();
      if (!javaScriptEnabled) await snap(page, "role-confirmation-nojs");
      const reason = `Joined the support rota ${Date.now().toString(36)}`;
      await confirmWithReason(page, "Change role", reason);
      await expect(page.getByRole("status").filter({ hasText: "Role saved." })).toBeVisible();
      await expect(page.getByLabel("Role")).toHaveValue("support");

      // The same role again: the confirmation says there is nothing to change, and nothing is recorded.
      await page.getByRole("button", { name: "Save role" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nothing to change");

      const rows = await auditRows(page, target.email, "user.role");
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(reason);
    });

    test("a ban says what it ends, needs a reason, and unbanning confirms too", async ({ page }) => {
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      const id = await userIdOf(page, target.email);
      await page.goto(`/admin/users/${id}`);
      await page.getByRole("button", { name: "Ban user" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Ban ${target.name}?`);
      await expect(page.getByTestId("consequences")).toContainText(`${target.name} can no longer sign in.`);
      // The reason is required: the browser will not send the form without it.
      await page.getByRole("button", { name: "Ban user", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Ban ${target.name}?`);
      await confirmWithReason(page, "Ban user", "Spam from this account");
      await expect(page.getByRole("status").filter({ hasText: "User banned." })).toBeVisible();

      await page.getByRole("button", { name: "Unban user" }).click();
      await confirmWithReason(page, "Unban user", "Appeal accepted");
      await expect(page.getByRole("status").filter({ hasText: "User unbanned." })).toBeVisible();
      await expect(await auditRows(page, target.email, "user.ban")).toContainText(["Spam from this account"]);
    });

    test("revoke all sessions says how many sessions and impersonations end", async ({ page }) => {
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      const id = await userIdOf(page, target.email);
      await page.goto(`/admin/users/${id}/confirm?do=revoke-all`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Revoke all sessions of ${target.name}?`);
      await expect(page.getByTestId("consequences")).toContainText(/No session is open|Ends \d+ sessions? and \d+ live impersonations?\./);
      await confirmWithReason(page, "Revoke all sessions", "Lost laptop");
      await expect(page.getByRole("status").filter({ hasText: "All sessions of this user were revoked." })).toBeVisible();
    });
  });
}

test("End now on an impersonation that no longer exists says it already ended", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto(`/admin/impersonations/end?session=${"0".repeat(64)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Impersonation already ended");
});
