/**
 * "The console never lies about who you are": two tabs of one browser share one session cookie. What one
 * tab does (Sign In As, Stop, Sign out) must show in the other one's banner and header, which live in the
 * root layout that a client-side navigation does not render again.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { banner, openSignInAs, searchUsers, signIn, siteHeader, snap, startImpersonation, stopImpersonation, uniqueReason } from "./support/flows";

const target = SAMPLE_USERS.frances;

test("a Sign In As, a Stop and a sign-out in one tab show in the other tab's banner and header on its next navigation", async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await signIn(a, ADMIN_EMAIL, ADMIN_PASSWORD);
  await a.goto("/");
  await expect(siteHeader(a)).toContainText(ADMIN_NAME);
  await expect(banner(a)).toHaveCount(0);

  // Tab B signs in as the user.
  await b.goto("/admin/users");
  await searchUsers(b, target.email);
  await startImpersonation(b, await openSignInAs(b, target.email), { reason: uniqueReason("Two-tab check") });

  // Tab A navigates client-side: the banner and the header now say whose account this is.
  await a.bringToFront();
  await siteHeader(a).getByRole("link", { name: "Account", exact: true }).click();
  await expect(a).toHaveURL(/\/account$/);
  await expect(a.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
  await expect(banner(a)).toBeVisible();
  await expect(banner(a)).toContainText(target.name);
  await expect(siteHeader(a)).toContainText(target.name);
  await expect(siteHeader(a)).toContainText(`impersonated by ${ADMIN_NAME}`);
  // The admin link is gone with the admin identity.
  await expect(siteHeader(a).getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);
  await snap(a, "tab-a-after-start-in-b");

  // Tab B stops: tab A is the admin again, without a banner.
  await b.bringToFront();
  await stopImpersonation(b);
  await a.bringToFront();
  await siteHeader(a).getByRole("link", { name: "Home", exact: true }).click();
  await expect(a.getByRole("heading", { level: 1 })).toContainText(`Welcome, ${ADMIN_NAME}`);
  await expect(banner(a)).toHaveCount(0);
  await expect(siteHeader(a)).toContainText(ADMIN_NAME);
  await expect(siteHeader(a)).not.toContainText(target.name);
  await expect(siteHeader(a).getByRole("link", { name: "Admin", exact: true })).toBeVisible();

  // Tab B signs out: tab A shows signed out (the login page, no name, no "Sign out").
  await b.bringToFront();
  await siteHeader(b).getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(b).toHaveURL(/\/login/);
  await a.bringToFront();
  const account = siteHeader(a).getByRole("link", { name: "Account", exact: true });
  // The other tab may already be re-rendering on B's message (the link can vanish under the click); if
  // not, its next navigation does it.
  await expect(async () => {
    if (!/\/login/.test(a.url())) await account.click({ timeout: 2_000 });
    await expect(a).toHaveURL(/\/login/, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  await expect(a.getByLabel("Email")).toBeVisible();
  await expect(siteHeader(a).getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await expect(siteHeader(a)).not.toContainText(ADMIN_NAME);
  await expect(banner(a)).toHaveCount(0);
});

test("a tab that did not navigate catches up when it gains focus after another tab signed in as someone", async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await signIn(a, ADMIN_EMAIL, ADMIN_PASSWORD);
  await a.goto("/account");
  await expect(banner(a)).toHaveCount(0);

  await b.goto("/admin/users");
  await searchUsers(b, SAMPLE_USERS.margaret.email);
  await startImpersonation(b, await openSignInAs(b, SAMPLE_USERS.margaret.email), { reason: uniqueReason("Focus check") });

  // No click in tab A: the message from tab B, or the focus check, re-renders it.
  await a.bringToFront();
  await a.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(banner(a)).toContainText(SAMPLE_USERS.margaret.name);
  await expect(siteHeader(a)).toContainText(SAMPLE_USERS.margaret.name);

  await b.bringToFront();
  await stopImpersonation(b);
  await a.bringToFront();
  await a.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(banner(a)).toHaveCount(0);
  await expect(siteHeader(a)).not.toContainText(SAMPLE_USERS.margaret.name);
});
