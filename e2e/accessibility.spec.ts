/**
 * axe-core on every console screen (WCAG 2.1 A and AA rules): the login and forgot-password pages, home, account, the admin
 * landing, the users table, a user page, the Sign In As dialog, the banner, the live impersonations, the
 * audit log, the confirmation pages (bulk ones too) and the notice after an impersonation ended. Each must have no violation.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/constants";
import { openSignInAs, searchUsers, signIn, startImpersonation, uniqueReason, userIdOf } from "./support/flows";

// A sample user no other spec touches (lib/db/seed.ts: index i is FIRST[i % 20] LAST[i / 20]).
const target = { email: "ada.hopper.20@example.com", name: "Ada Hopper" };

async function expectNoViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, `axe violations on ${screen}`).toEqual([]);
}

test("every console screen has no axe violation", async ({ page }) => {
  // A score of screens, each a full axe run on two shared cores.
  test.setTimeout(6 * 60_000);
  for (const path of ["/login", "/forgot-password", "/forgot-password?sent=1"]) {
    await page.goto(path);
    await expectNoViolations(page, path);
  }

  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  for (const path of ["/", "/account", "/admin", "/admin/users", "/admin/impersonations", "/admin/audit"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoViolations(page, path);
  }

  const id = await userIdOf(page, target.email);
  await page.goto(`/admin/users/${id}`);
  await expectNoViolations(page, "a user page");
  for (const query of ["do=ban", "do=revoke-all", "do=role&role=support", "do=role&role=user"]) {
    await page.goto(`/admin/users/${id}/confirm?${query}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoViolations(page, `the confirmation ?${query}`);
  }

  // The bulk confirmation (a GET: it changes nothing), picked rows and "all matching".
  for (const query of [`do=ban&userId=${id}`, "do=role&newRole=support&all=1&q=Hopper"]) {
    await page.goto(`/admin/users/bulk?${query}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoViolations(page, `the bulk confirmation ?${query}`);
  }

  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  const dialog = await openSignInAs(page, target.email);
  await expectNoViolations(page, "the impersonation dialog");
  await startImpersonation(page, dialog, { reason: uniqueReason("Accessibility run") });
  await expectNoViolations(page, "the banner");
  await page.goto("/account");
  await expectNoViolations(page, "/account while impersonating");

  // The admin's second session ends the impersonation from the console: the confirmation, then the notice.
  const other = await page.context().browser()!.newContext();
  try {
    const otherPage = await other.newPage();
    await signIn(otherPage, ADMIN_EMAIL, ADMIN_PASSWORD);
    await otherPage.goto("/admin/impersonations");
    await expectNoViolations(otherPage, "/admin/impersonations with a live row");
    await otherPage.getByRole("row").filter({ hasText: target.email }).getByRole("button", { name: "End now" }).click();
    await expect(otherPage.getByRole("heading", { name: "What will happen" })).toBeVisible();
    await expectNoViolations(otherPage, "the End now confirmation");
    await otherPage.getByLabel("Reason").fill("Accessibility run, ending it");
    await otherPage.getByRole("button", { name: "End impersonation", exact: true }).click();
    await expect(otherPage.getByRole("status").filter({ hasText: "Impersonation ended." })).toBeVisible();
    await otherPage.goto(`/admin/impersonations/end?session=${"0".repeat(64)}`);
    await expectNoViolations(otherPage, "End now on an ended impersonation");
  } finally {
    await other.close();
  }
  await page.goto("/");
  await expect(page.getByRole("status").filter({ hasText: "Your impersonation of" })).toBeVisible();
  await expectNoViolations(page, "the notice after an impersonation ended");
});
