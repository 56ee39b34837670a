/**
 * Bulk actions from /admin/users, with JavaScript and without: select three users row by row (other Hoppers
 * share the search, so per row), confirm with a reason, and see them banned in the list and 3 + 1 audit rows.
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { signIn, uniqueReason, userRow } from "./support/flows";

const PICKED = [SAMPLE_USERS.francesHopper, SAMPLE_USERS.kenHopper, SAMPLE_USERS.margaretHopper];

async function runBulk(page: Page, action: "Ban" | "Unban", reason: string) {
  await page.goto("/admin/users?q=Hopper");
  for (const user of PICKED) await page.getByRole("checkbox", { name: `Select ${user.name}`, exact: true }).check();
  await page.getByLabel("With the selected users").selectOption({ label: action });
  await page.getByRole("button", { name: "Review bulk action" }).click();
  await expect(page.getByRole("heading", { name: `${action} 3 users?` })).toBeVisible();
  const consequences = page.getByTestId("consequences");
  for (const user of PICKED) await expect(consequences).toContainText(user.name);
  await page.getByLabel("Reason").fill(reason);
  await page.getByRole("button", { name: `${action} 3 users`, exact: true }).click();
  await expect(page.getByRole("heading", { name: "Bulk action done" })).toBeVisible();
  await expect(page.getByTestId("bulk-progress")).toContainText(`3 of 3 users ${action === "Ban" ? "banned" : "unbanned"}; 0 skipped`);
}

async function expectListed(page: Page, status: "Banned" | "Active") {
  await page.goto("/admin/users?q=Hopper");
  for (const user of PICKED) await expect(userRow(page, user.email)).toContainText(status);
  // The Hopper who was not picked is untouched.
  await expect(userRow(page, "edsger.hopper.23@example.com")).toContainText("Active");
}

async function expectAudited(page: Page, action: "user.ban" | "user.unban", reason: string) {
  await page.goto(`/admin/audit?action=${action}`);
  await expect(page.getByRole("row").filter({ hasText: reason })).toHaveCount(3);
  await page.goto(`/admin/audit?action=bulk.${action.slice(5)}`);
  await expect(page.getByRole("row").filter({ hasText: reason })).toHaveCount(1);
}

test.describe.serial("bulk actions", () => {
  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });
    test("select three users, ban them; the list shows them banned and the audit 3 + 1 rows", async ({ page }) => {
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      const reason = uniqueReason("Bulk ban without JavaScript");
      await runBulk(page, "Ban", reason);
      await expectListed(page, "Banned");
      await expectAudited(page, "user.ban", reason);
    });
  });

  test("with JavaScript: unban the three, then ban them again, each with 3 + 1 audit rows", async ({ page }) => {
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    const unban = uniqueReason("Bulk unban");
    await runBulk(page, "Unban", unban);
    await expectListed(page, "Active");
    await expectAudited(page, "user.unban", unban);
    const ban = uniqueReason("Bulk ban with JavaScript");
    await runBulk(page, "Ban", ban);
    await expectListed(page, "Banned");
    await expectAudited(page, "user.ban", ban);
    // Leave them active, as the suite found them.
    await runBulk(page, "Unban", uniqueReason("Bulk unban, cleaning up"));
  });
});
