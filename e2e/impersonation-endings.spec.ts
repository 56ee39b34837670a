/**
 * No silent endings, in a real browser: an impersonation ended from outside (a second admin's End now, a ban
 * of the target) hands the impersonating admin's tab back to their own account on its next navigation, with
 * no banner and a notice saying what happened; Sign out while impersonating says it ends both. The user then
 * finds every access on /account as a closed entry with its duration and how it ended.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { banner, confirmWithReason, openSignInAs, searchUsers, signIn, siteHeader, snap, startImpersonation, stopImpersonation, uniqueReason, userIdOf } from "./support/flows";

/** A second administrator of the fixtures (lib/db/seed.ts: sample index 3 is an admin). */
const SECOND_ADMIN = { email: "edsger.lovelace.3@example.com", name: "Edsger Lovelace" };
// Sample users no other spec touches (lib/db/seed.ts: index i is FIRST[i % 20] LAST[i / 20]).
const katherine = { email: "katherine.lovelace.14@example.com", name: "Katherine Lovelace" };
const dennis = { email: "dennis.lovelace.15@example.com", name: "Dennis Lovelace" };
const sophie = SAMPLE_USERS.sophie;

async function impersonate(page: Page, target: { email: string }, label: string): Promise<void> {
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  const dialog = await openSignInAs(page, target.email);
  await startImpersonation(page, dialog, { reason: uniqueReason(label) });
}

async function secondAdmin(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, SECOND_ADMIN.email, SAMPLE_PASSWORD);
  return { context, page };
}

/**
 * The impersonating tab's next navigation, by a link in its header (a client-side navigation to another
 * page; the impersonation started on the home page). The page is the admin's own account page.
 */
async function navigateHome(page: Page): Promise<void> {
  await siteHeader(page).getByRole("link", { name: "Account", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  await expect(page.getByText(ADMIN_EMAIL).first()).toBeVisible();
  await expect(siteHeader(page)).toContainText(ADMIN_NAME);
}

const returnNotice = (page: Page) => page.getByRole("status").filter({ hasText: "Your impersonation of" });

test("a force-end by a second admin returns the impersonating tab to the admin, without a banner and with a notice", async ({ page, browser }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await impersonate(page, katherine, "Force-end in the browser");
  await expect(banner(page)).toContainText(katherine.name);

  const other = await secondAdmin(browser);
  try {
    await other.page.goto("/admin/impersonations");
    const row = other.page.getByRole("row").filter({ hasText: katherine.email });
    await row.getByRole("button", { name: "End now" }).click();
    await expect(other.page.getByRole("heading", { level: 1 })).toContainText(`End ${ADMIN_NAME}'s impersonation?`);
    await expect(other.page.getByTestId("consequences")).toContainText(`Ends ${ADMIN_NAME}'s impersonation of ${katherine.name}`);
    const confirmUrl = other.page.url();
    await snap(other.page, "end-now-confirmation");
    await confirmWithReason(other.page, "End impersonation", "Customer asked us to stop");
    await expect(other.page.getByRole("status").filter({ hasText: "Impersonation ended." })).toBeVisible();
    await expect(other.page.getByRole("row").filter({ hasText: katherine.email })).toHaveCount(0);

    // End now once more, on the same (now ended) impersonation: it says so.
    await other.page.goto(confirmUrl);
    await expect(other.page.getByRole("heading", { level: 1 })).toHaveText("Impersonation already ended");
  } finally {
    await other.context.close();
  }

  await navigateHome(page);
  await expect(banner(page)).toHaveCount(0);
  await expect(siteHeader(page)).not.toContainText(katherine.name);
  await expect(returnNotice(page)).toContainText(`Your impersonation of ${katherine.name} ended at`);
  await expect(returnNotice(page)).toContainText(`${SECOND_ADMIN.name} ended it`);
  await snap(page, "returned-after-force-end");

  await returnNotice(page).getByRole("button", { name: "Dismiss" }).click();
  await expect(returnNotice(page)).toHaveCount(0);
  await page.reload();
  await expect(returnNotice(page)).toHaveCount(0);
});

test("a ban of the target during an impersonation returns the admin to their own session with a notice, not a logout", async ({ page, browser }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await impersonate(page, dennis, "Ban during an impersonation");

  const other = await secondAdmin(browser);
  try {
    const id = await userIdOf(other.page, dennis.email);
    await other.page.goto(`/admin/users/${id}`);
    await other.page.getByRole("button", { name: "Ban user" }).click();
    await expect(other.page.getByTestId("consequences")).toContainText("Ends 0 sessions and 1 live impersonation.");
    await confirmWithReason(other.page, "Ban user", "Chargeback fraud");
    await expect(other.page.getByRole("status").filter({ hasText: "User banned." })).toBeVisible();
  } finally {
    await other.context.close();
  }

  await navigateHome(page);
  await expect(page).not.toHaveURL(/\/login/);
  await expect(banner(page)).toHaveCount(0);
  await expect(returnNotice(page)).toContainText(`Your impersonation of ${dennis.name} ended at`);
  await expect(returnNotice(page)).toContainText("was banned");
});

test("the user's access history shows closed entries with durations for stop, force-end, sign-out and ban", async ({ page, browser }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);

  await impersonate(page, sophie, "History: stopped");
  await stopImpersonation(page);

  await impersonate(page, sophie, "History: signed out");
  const signOut = siteHeader(page).getByRole("button", { name: "Sign out of both accounts" });
  await expect(signOut).toBeVisible();
  await signOut.click();
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await impersonate(page, sophie, "History: ended by another admin");
  const other = await secondAdmin(browser);
  try {
    await other.page.goto("/admin/impersonations");
    await other.page.getByRole("row").filter({ hasText: sophie.email }).getByRole("button", { name: "End now" }).click();
    await confirmWithReason(other.page, "End impersonation", "Wrong account");
    await navigateHome(page);

    await impersonate(page, sophie, "History: banned");
    const id = await userIdOf(other.page, sophie.email);
    await other.page.goto(`/admin/users/${id}`);
    await other.page.getByRole("button", { name: "Ban user" }).click();
    await confirmWithReason(other.page, "Ban user", "Testing the history");
    await other.page.getByRole("button", { name: "Unban user" }).click();
    await confirmWithReason(other.page, "Unban user", "Testing the history, done");
  } finally {
    await other.context.close();
  }

  const userContext = await browser.newContext();
  try {
    const userPage = await userContext.newPage();
    await signIn(userPage, sophie.email, SAMPLE_PASSWORD);
    await userPage.goto("/account");
    const history = userPage.getByRole("list", { name: "Accesses, newest first" });
    const entries = history.getByRole("listitem");
    await expect(entries).toHaveCount(4);
    const ended = ["Ended when your account was suspended", `Ended by ${SECOND_ADMIN.name}`, "They signed out", "They stopped it"];
    for (const [i, how] of ended.entries()) {
      const entry = entries.nth(i);
      await expect(entry).toContainText(`${ADMIN_NAME} signed in as you`);
      await expect(entry).toContainText(how);
      await expect(entry).toContainText(/Duration\s*\d+ (s|min)/);
      await expect(entry).toContainText("History:");
      await expect(entry).not.toContainText("Still in progress");
    }
    await snap(userPage, "account-access-history");
  } finally {
    await userContext.close();
  }
});
