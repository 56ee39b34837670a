/**
 * Consent, as one story in Chromium with two people in their own browsers: a read-only impersonation is
 * refused a change; the admin asks the user for write access from the user page; the user approves it from
 * the notice on their next page; a write impersonation makes the change; the user sees that write access
 * happened and revokes the grant; the admin's next navigation is back in their own session, told why.
 * (e2e/impersonation-modes.spec.ts covers granting unprompted on /account.)
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { banner, openSignInAs, searchUsers, signIn, startImpersonation, uniqueReason, userIdOf, whoAmI } from "./support/flows";

const target = SAMPLE_USERS.bjarne;
const FIXED_NAME = "Bjarne A. Lovelace";

async function impersonate(page: Page, mode: "read" | "write", reason: string): Promise<void> {
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  const dialog = await openSignInAs(page, target.email);
  if (mode === "write") await dialog.getByLabel(/Can make changes/).check();
  await startImpersonation(page, dialog, { reason, password: ADMIN_PASSWORD });
  await expect(banner(page).getByTestId("impersonation-mode")).toHaveText(mode === "write" ? "can make changes" : "read-only");
}

async function renameOnAccountPage(page: Page, name: string): Promise<void> {
  await page.goto("/account");
  const profile = page.getByRole("region", { name: "Profile" });
  await profile.getByLabel("Name").fill(name);
  await profile.getByRole("button", { name: "Save name" }).click();
}

test("read-only is refused; the user approves a write request from the notice; the change is made; revoking the grant ends it", async ({ page, browser }) => {
  const baseURL = test.info().project.use.baseURL;
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const userId = await userIdOf(page, target.email);

  // 1. Read-only: the change is refused with the read-only message, and nothing changed.
  await impersonate(page, "read", uniqueReason("Look at the profile"));
  await renameOnAccountPage(page, FIXED_NAME);
  await expect(page.locator('[data-code="IMPERSONATION_READ_ONLY"]')).toContainText("This is a read-only impersonation");
  await expect(page.getByRole("region", { name: "Profile" }).getByLabel("Name")).toHaveValue(target.name);
  await banner(page).getByRole("button", { name: "Stop Impersonation" }).click();
  await expect(banner(page)).toHaveCount(0);

  // 2. The admin asks for write access from the user page.
  await page.goto(`/admin/users/${userId}`);
  const access = page.getByRole("region", { name: "Support access" });
  await access.getByLabel("Access", { exact: true }).selectOption("write");
  await access.getByLabel("Why").fill(uniqueReason("Fix the name the customer reported"));
  await access.getByRole("button", { name: "Request access" }).click();
  await expect(page.getByText("Access requested.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Support access" })).toContainText("A request is waiting for");

  // 3. The user, in their own browser, sees the request in the notice on their next page and approves it there.
  const userContext = await browser.newContext({ baseURL });
  const user = await userContext.newPage();
  await signIn(user, target.email, SAMPLE_PASSWORD);
  await user.goto("/");
  const notice = user.getByRole("region", { name: "Access to your account" });
  const request = notice.getByRole("list", { name: "Access requests" }).getByRole("listitem");
  await expect(request).toContainText("asks for access that can make changes to your account");
  // The notice with its answer forms is a screen of its own: no axe violation (WCAG 2.1 A and AA).
  const axe = await new AxeBuilder({ page: user }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  await request.getByLabel("Grant it for").selectOption("1h");
  await request.getByRole("button", { name: "Approve" }).click();
  await expect(user.getByText("Request approved.")).toBeVisible();
  await expect(user.getByRole("region", { name: "Access to your account" }).getByRole("list", { name: "Access requests" })).toHaveCount(0);
  await expect(user.getByRole("region", { name: "Support access" }).getByRole("listitem").filter({ hasText: "Can make changes" })).toBeVisible();

  // 4. A write impersonation (step-up included) makes the change.
  await impersonate(page, "write", uniqueReason("Fix the name as approved"));
  await renameOnAccountPage(page, FIXED_NAME);
  await expect(page.getByText("Name saved.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Profile" }).getByLabel("Name")).toHaveValue(FIXED_NAME);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email, name: FIXED_NAME }, impersonation: { mode: "write" } });

  // 5. The user sees that write access happened, and revokes the grant.
  await user.goto("/account");
  await expect(user.getByRole("region", { name: "Access to your account" })).toContainText("Read and write");
  await expect(user.getByRole("region", { name: "Profile" }).getByLabel("Name")).toHaveValue(FIXED_NAME);
  const grant = user.getByRole("region", { name: "Support access" }).getByRole("listitem").filter({ hasText: "Can make changes" });
  await grant.getByRole("button", { name: "Revoke" }).click();
  await expect(user.getByText("Support access revoked.")).toBeVisible();
  await userContext.close();

  // 6. The admin's next navigation is their own session, with a notice saying why the impersonation ended.
  await page.goto("/");
  await expect(banner(page)).toHaveCount(0);
  const ended = page.getByRole("status").filter({ hasText: "Your impersonation of" });
  await expect(ended).toContainText(/Your impersonation of Bjarne (A\. )?Lovelace ended at/);
  await expect(ended).toContainText("withdrew their permission");
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: ADMIN_EMAIL }, isImpersonating: false });
});
