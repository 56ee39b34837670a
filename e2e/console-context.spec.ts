/**
 * "Context is kept": a Sign In As started from a user's page comes back there on Cancel and on Stop,
 * Back after Stop never opens the dialog again, and a one-shot notice ("Role saved.") is shown once: not
 * after a reload, not from a shared link.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { banner, confirmWithReason, signIn, startImpersonation, stopImpersonation, uniqueReason, userIdOf } from "./support/flows";

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

test("Sign In As from a user's page returns there on Cancel and on Stop, and Back after Stop does not reopen the dialog", async ({ page }) => {
  const target = SAMPLE_USERS.hedy;
  const id = await userIdOf(page, target.email);
  const userPage = new RegExp(`/admin/users/${id}$`);
  await page.goto(`/admin/users/${id}`);

  await page.getByRole("link", { name: "Sign In As", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Reason")).toBeVisible();
  await dialog.getByRole("link", { name: "Cancel" }).click();
  await expect(page).toHaveURL(userPage);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(target.name);

  await page.getByRole("link", { name: "Sign In As", exact: true }).click();
  await startImpersonation(page, page.getByRole("dialog"), { reason: uniqueReason("Context check") });
  await stopImpersonation(page);
  await expect(page).toHaveURL(userPage);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(target.name);

  // Back, as far as the history goes within the console: never the dialog again, never the impersonation.
  for (let i = 0; i < 3; i++) {
    await page.goBack();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(banner(page)).toHaveCount(0);
  }
});

test("a one-shot notice shows after the action, but not after a reload or from a link that names it", async ({ page }) => {
  const target = SAMPLE_USERS.john;
  const id = await userIdOf(page, target.email);
  await page.goto(`/admin/users/${id}`);

  await page.getByLabel("Role").selectOption("support");
  await page.getByRole("button", { name: "Save role" }).click();
  await confirmWithReason(page, "Change role");
  const notice = page.getByRole("status").filter({ hasText: "Role saved." });
  await expect(notice).toBeVisible();
  // The URL carries no message, so sharing it shares no message.
  expect(new URL(page.url()).search).toBe("");

  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(target.name);
  await expect(page.getByLabel("Role")).toHaveValue("support");
  await expect(notice).toHaveCount(0);

  // The old query-string form of a notice no longer puts words on the page.
  await page.goto(`/admin/users/${id}?notice=role-saved`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(target.name);
  await expect(notice).toHaveCount(0);

  // Put the role back (and see the notice once more, for this action).
  await page.getByLabel("Role").selectOption("user");
  await page.getByRole("button", { name: "Save role" }).click();
  await confirmWithReason(page, "Change role");
  await expect(notice).toBeVisible();
  await expect(page.getByLabel("Role")).toHaveValue("user");
});
