/**
 * Passkeys in Chromium with its virtual authenticator (CDP WebAuthn domain), on the step-up server
 * (IMPERSONATION_REAUTH_WINDOW=0, so every Sign In As asks for the strongest factor): a support agent registers
 * a passkey from /account/mfa, signs out, signs in with password and passkey, and confirms Sign In As with it.
 * The refused twin: an authenticator that cannot verify the user (no PIN, no biometric) starts nothing.
 */
import { expect, test, type CDPSession, type Page } from "@playwright/test";
import { SAMPLE_PASSWORD } from "./support/constants";
import { banner, errorAlert, openSignInAs, searchUsers, signIn, signInToSecondStep, signOut, snap, uniqueReason, whoAmI } from "./support/flows";

// Fixture users 29 (support staff) and 14 (a user) of the sample shape, used by no other spec.
const agent = { email: "linus.hopper.29@example.com", name: "Linus Hopper" };
const target = { email: "katherine.lovelace.14@example.com", name: "Katherine Lovelace" };

async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

test("register a passkey, sign in with password and passkey, and confirm Sign In As with it", async ({ page }) => {
  test.setTimeout(180_000);
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await signIn(page, agent.email, SAMPLE_PASSWORD);

  await page.goto("/account/mfa");
  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await expect(passkeys.getByText("No passkeys yet.")).toBeVisible();
  await passkeys.getByLabel("Name for the new passkey").fill("Virtual key");
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  // The first factor on the account: ten recovery codes, once, and this session is now aal 2.
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: agent.email }, session: { aal: 2 } });
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(passkeys.getByRole("list", { name: "Your passkeys" })).toContainText("Virtual key");
  await expect(passkeys.getByRole("list", { name: "Your passkeys" })).toContainText("last used never");
  await snap(page, "passkeys-list");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);

  await page.goto("/");
  await signOut(page);

  // The password alone leads to the second step; the passkey finishes it.
  await signInToSecondStep(page, agent.email, SAMPLE_PASSWORD);
  await page.getByRole("button", { name: "Sign in with your passkey" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: agent.email }, session: { aal: 2 } });

  // Sign In As asks for the passkey (the strongest factor). An authenticator that cannot verify the user is refused.
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  const reason = uniqueReason("Passkey step-up");
  let dialog = await openSignInAs(page, target.email);
  await expect(dialog.getByRole("button", { name: "Start impersonation" })).toHaveCount(0);
  await dialog.getByLabel("Reason").fill(reason);
  await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
  await dialog.getByRole("button", { name: "Confirm with your passkey and start" }).click();
  await expect(errorAlert(page)).toBeVisible();
  await expect(banner(page)).toHaveCount(0);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: agent.email }, isImpersonating: false });

  await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: true });
  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByRole("button", { name: "Confirm with your passkey and start" }).click();
  await expect(banner(page)).toContainText(target.name);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email }, isImpersonating: true });
  // No Stop here: on this server the impersonation ends by itself within seconds.
});
