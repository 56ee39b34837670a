/**
 * "Forms follow the URL": the users list and the audit log keep their whole state in the URL, and their
 * fields always show what the URL says, after a search, Back, Forward and "Clear".
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { auditRow, openSignInAs, searchUsers, signIn, startImpersonation, stopImpersonation, uniqueReason, userRow } from "./support/flows";

/** One query parameter of the page's URL ("" when absent). */
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name) ?? "";

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

test("the search box and filters show what the URL says after Back, Forward and Clear", async ({ page }) => {
  await page.goto("/admin/users");
  const search = page.getByLabel("Search");
  const role = page.getByLabel("Role", { exact: true });

  await search.fill("grace");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect.poll(() => param(page, "q")).toBe("grace");
  await expect(userRow(page, SAMPLE_USERS.grace.email)).toBeVisible();

  await search.fill("alan");
  await role.selectOption("user");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect.poll(() => param(page, "q")).toBe("alan");
  expect(param(page, "role")).toBe("user");
  await expect(userRow(page, SAMPLE_USERS.alan.email)).toBeVisible();

  await page.goBack();
  await expect.poll(() => param(page, "q")).toBe("grace");
  expect(param(page, "role")).toBe("");
  await expect(search).toHaveValue("grace");
  await expect(role).toHaveValue("");
  await expect(userRow(page, SAMPLE_USERS.grace.email)).toBeVisible();

  await page.goForward();
  await expect.poll(() => param(page, "q")).toBe("alan");
  await expect(search).toHaveValue("alan");
  await expect(role).toHaveValue("user");

  await page.getByRole("link", { name: "Clear", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(search).toHaveValue("");
  await expect(role).toHaveValue("");
  await expect(page.getByRole("link", { name: "Clear", exact: true })).toHaveCount(0);
});

test("searching words in any order finds the user, and a blank-separated search is not one literal string", async ({ page }) => {
  await page.goto("/admin/users");
  await page.getByLabel("Search").fill("lovelace ada");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(userRow(page, SAMPLE_USERS.ada.email)).toBeVisible();
  // Every word must match: "lovelace ada" is not "lovelace" alone.
  await expect(userRow(page, SAMPLE_USERS.grace.email)).toHaveCount(0);

  await page.getByLabel("Search").fill("ADA   LOVELACE.0@");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(userRow(page, SAMPLE_USERS.ada.email)).toBeVisible();

  await page.getByLabel("Search").fill("lovelace zzzz-nobody");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByText("No users match these filters.")).toBeVisible();
});

test("a page past the end of the list goes to the last page instead of showing an empty table", async ({ page }) => {
  await page.goto("/admin/users?page=999");
  await expect(page).toHaveURL(/[?&]page=\d+$/);
  const url = new URL(page.url());
  const last = Number(url.searchParams.get("page"));
  expect(last).toBeGreaterThan(1);
  expect(last).toBeLessThan(999);
  await expect(page.getByRole("navigation", { name: "Pagination" })).toContainText(`Page ${last} of ${last}`);
  expect(await page.getByRole("row").count()).toBeGreaterThan(1);

  // Filtered to fewer than one page: any page number lands on the only page.
  await page.goto("/admin/users?q=lovelace%20ada&page=40");
  await expect(page).toHaveURL(/\/admin\/users\?q=lovelace\+ada$|\/admin\/users\?q=lovelace%20ada$/);
  await expect(userRow(page, SAMPLE_USERS.ada.email)).toBeVisible();

  // Nothing matches: page 1, "No results", not "Showing 2451–0 of 0".
  await page.goto("/admin/users?q=zzzz-nobody&page=99");
  await expect(page).toHaveURL(/\/admin\/users\?q=zzzz-nobody$/);
  await expect(page.getByRole("navigation", { name: "Pagination" })).toContainText("No results");
});

test("the audit log's actor and subject filters accept part of a name or an email, and say when nobody matches", async ({ page }) => {
  const target = SAMPLE_USERS.linus;
  const reason = uniqueReason("Audit filter check");
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  await startImpersonation(page, await openSignInAs(page, target.email), { reason });
  await stopImpersonation(page);

  await page.goto("/admin/audit");
  await page.getByLabel("Subject").fill("lovelace linus");
  await page.getByLabel("Actor").fill("administ");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page).toHaveURL(/subject=lovelace/);
  await expect(auditRow(page, "impersonation.start", reason)).toHaveCount(1);
  await expect(auditRow(page, "impersonation.stop", reason)).toHaveCount(1);
  await expect(page.getByLabel("Subject")).toHaveValue("lovelace linus");

  // Part of the email works as well, and the events of other people are left out.
  await page.goto(`/admin/audit?subject=${encodeURIComponent("linus.lovelace.9@")}`);
  await expect(auditRow(page, "impersonation.start", reason)).toHaveCount(1);
  await page.goto(`/admin/audit?subject=${encodeURIComponent(SAMPLE_USERS.ada.email)}`);
  await expect(auditRow(page, "impersonation.start", reason)).toHaveCount(0);

  await page.goto(`/admin/audit?actor=${encodeURIComponent("zzzz nobody")}`);
  await expect(page.getByText("No user matches the actor")).toBeVisible();
  await expect(auditRow(page, "impersonation.start", reason)).toHaveCount(0);
  await expect(page.getByRole("banner")).toContainText(ADMIN_NAME);
});
