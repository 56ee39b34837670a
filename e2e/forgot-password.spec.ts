/**
 * Account recovery in Chromium: "Forgot password?" from /login through the development mailbox to a new
 * password, which signs out the browser that was signed in meanwhile; an unknown email gets the same
 * confirmation. Staff send a reset link from a user's page, and it arrives in the mailbox. Without JavaScript,
 * on a 390 px phone, the form still posts and confirms, and nothing widens the page.
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { expectNoPageOverflow, signIn, snap, userIdOf, whoAmI } from "./support/flows";

const owner = SAMPLE_USERS.katherine;
const helped = SAMPLE_USERS.dennis;
const NEW_PASSWORD = "katherine picked a fresh recovery passphrase";

/** Asks for a reset link from /login as a visitor does; answers the whole confirmation page's text. */
async function askForReset(page: Page, email: string): Promise<string> {
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Forgot your password?");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your email");
  return page.getByRole("main").innerText();
}

/** The newest mailbox message to `email` with this subject, and the single-use link in its text. */
async function mailedLink(page: Page, email: string, subject: string, mentioning?: string): Promise<string> {
  await page.goto("/dev/mailbox");
  let mails = page.getByRole("article").filter({ hasText: email }).filter({ has: page.getByRole("heading", { name: subject }) });
  if (mentioning) mails = mails.filter({ hasText: mentioning });
  await expect(mails.first()).toBeVisible();
  const text = (await mails.first().textContent()) ?? "";
  const link = /(?:https?:\/\/[^\s/]+)?\/set-password\?token=[A-Za-z0-9_-]{43}/.exec(text)?.[0];
  if (!link) throw new Error(`no set-password link in the mail to ${email}: ${text}`);
  return link;
}

test("forgot password from /login → mailbox → new password; the other browser is signed out, the old password stops working", async ({ browser }) => {
  const signedInContext = await browser.newContext();
  const signedIn = await signedInContext.newPage();
  await signIn(signedIn, owner.email, SAMPLE_PASSWORD);
  expect((await whoAmI(signedIn)).body?.user.email).toBe(owner.email);

  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const confirmation = await askForReset(visitor, owner.email);
  await snap(visitor, "forgot-password-confirmation");
  // Someone else's address, and one nobody has: word for word the same confirmation.
  const strangerContext = await browser.newContext();
  const stranger = await strangerContext.newPage();
  const unknownEmail = `nobody-${Date.now()}@example.com`;
  expect(await askForReset(stranger, unknownEmail)).toBe(confirmation);
  expect(confirmation).toContain("If an account uses that address");
  await strangerContext.close();

  await visitor.goto(await mailedLink(visitor, owner.email, "Reset your password"));
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Choose a new password");
  await visitor.getByLabel("New password").fill(NEW_PASSWORD);
  await visitor.getByLabel("Repeat it").fill(NEW_PASSWORD);
  await visitor.getByRole("button", { name: "Set new password" }).click();
  await expect(visitor).toHaveURL(/\/login\?reset=1$/);
  await expect(visitor.getByText("Password changed. Sign in with your new password.")).toBeVisible();
  // Nobody is signed in by the reset itself.
  expect((await whoAmI(visitor)).status).toBe(401);
  await expect(visitor.getByRole("article").filter({ hasText: unknownEmail })).toHaveCount(0);

  // The browser that was signed in before the reset is out on its next navigation.
  await signedIn.goto("/account");
  await expect(signedIn).toHaveURL(/\/login/);
  await signedInContext.close();

  // The old password fails; the new one works.
  await visitor.getByLabel("Email").fill(owner.email);
  await visitor.getByLabel("Password", { exact: true }).fill(SAMPLE_PASSWORD);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await signIn(visitor, owner.email, NEW_PASSWORD);
  expect((await whoAmI(visitor)).body?.user.email).toBe(owner.email);

  // The link worked once.
  await visitor.goto("/dev/mailbox");
  await visitor.goto(await mailedLink(visitor, owner.email, "Reset your password"));
  await expect(visitor.getByText("This link is invalid, used or expired.")).toBeVisible();
  await visitorContext.close();
});

test("staff send a reset link from the user page; it arrives in the mailbox, and the console never shows it", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const id = await userIdOf(page, helped.email);
  await page.goto(`/admin/users/${id}`);
  const section = page.getByRole("region", { name: "Password" });
  await section.getByRole("button", { name: "Send password reset link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password reset link sent to the user's email." })).toBeVisible();
  expect(await page.content()).not.toContain("token=");
  await snap(page, "staff-reset-link-sent");
  const link = await mailedLink(page, helped.email, "Reset your password", `${ADMIN_NAME} sent you this link from the support console`);
  expect(link).toMatch(/\/set-password\?token=/);
});

test.describe("without JavaScript, at 390 px", () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true });

  test("the forgot-password form posts to its confirmation page, and neither page widens the screen", async ({ page }) => {
    await page.goto("/forgot-password");
    await expectNoPageOverflow(page);
    await page.getByLabel("Email").fill(`nobody-nojs-${Date.now()}@example.com`);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page).toHaveURL(/\/forgot-password\?sent=1$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your email");
    await expect(page.getByRole("status").filter({ hasText: "If an account uses that address" })).toBeVisible();
    await expectNoPageOverflow(page);
  });
});
