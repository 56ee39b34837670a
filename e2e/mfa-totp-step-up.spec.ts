/**
 * Sign In As confirmed with a TOTP code, on the step-up server (IMPERSONATION_REAUTH_WINDOW=0): a support agent
 * with an authenticator app is asked for a code, not the password; a wrong code starts nothing, a fresh one does.
 */
import { expect, test } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { SAMPLE_PASSWORD } from "./support/constants";
import { banner, errorAlert, openSignInAs, searchUsers, signIn, uniqueReason, whoAmI } from "./support/flows";

// Fixture users 41 (support staff) and 15 (a user) of the sample shape, used by no other spec.
const agent = { email: "grace.turing.41@example.com", name: "Grace Turing" };
const target = { email: "dennis.lovelace.15@example.com", name: "Dennis Lovelace" };

const codeAt = (secret: string, ms: number) => new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });

/** Waits for the next 30-second step, so the code is one no earlier request used. */
async function nextStepCode(secret: string): Promise<string> {
  const now = Date.now();
  await new Promise((r) => setTimeout(r, 30_000 - (now % 30_000) + 200));
  return codeAt(secret, Date.now());
}

test("Sign In As asks a staff member with an authenticator app for a code; a wrong one is refused, a fresh one starts it", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, agent.email, SAMPLE_PASSWORD);
  await page.goto("/account/mfa");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").trim();
  await page.getByLabel("Code from the app").fill(codeAt(secret, Date.now()));
  await page.getByRole("button", { name: "Turn on two-step verification" }).click();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);

  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  const reason = uniqueReason("TOTP step-up");
  let dialog = await openSignInAs(page, target.email);
  await dialog.getByLabel("Reason").fill(reason);
  const codeField = dialog.getByLabel("Code from your authenticator app");
  await expect(codeField).toBeVisible();
  await expect(dialog.getByLabel("Password")).toHaveCount(0);
  const fresh = await nextStepCode(secret);
  await codeField.fill(fresh === "000000" ? "111111" : "000000");
  await dialog.getByRole("button", { name: "Start impersonation" }).click();
  await expect(errorAlert(page)).toContainText("not correct");
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: agent.email }, isImpersonating: false });

  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByLabel("Code from your authenticator app").fill(fresh);
  await dialog.getByRole("button", { name: "Start impersonation" }).click();
  await expect(banner(page)).toContainText(target.name);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: target.email }, isImpersonating: true });
});
