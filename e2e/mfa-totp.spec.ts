/**
 * Two-step verification in Chromium, as a support agent would meet it: enrol an authenticator app from /account
 * (the test reads the key from the page and computes codes itself), sign out, sign in with password and code,
 * and use a recovery code exactly once.
 */
import { expect, test } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { SAMPLE_PASSWORD } from "./support/constants";
import { errorAlert, signIn, signInToSecondStep, signOut, snap, whoAmI } from "./support/flows";

// Fixture user 17 of the sample shape: support staff, active, used by no other spec.
const agent = { email: "niklaus.lovelace.17@example.com", name: "Niklaus Lovelace" };

function codeFor(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** A code from a step no earlier request used (the server accepts each step once). */
async function freshCode(secret: string, used: Set<string>): Promise<string> {
  for (;;) {
    const code = codeFor(secret);
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

test("enrol TOTP, then sign in with password and code; a recovery code works once", async ({ page }) => {
  test.setTimeout(180_000);
  const used = new Set<string>();
  await signIn(page, agent.email, SAMPLE_PASSWORD);
  await page.goto("/account");
  const section = page.getByRole("region", { name: /Two-step verification/ });
  await section.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page).toHaveURL(/\/account\/mfa$/);
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  await page.getByLabel("Code from the app").fill("000000" === codeFor(secret) ? "111111" : "000000");
  await page.getByRole("button", { name: "Turn on two-step verification" }).click();
  await expect(errorAlert(page)).toContainText("not correct");

  await page.getByLabel("Code from the app").fill(await freshCode(secret, used));
  await page.getByRole("button", { name: "Turn on two-step verification" }).click();
  const codes = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recovery = ((await codes.first().textContent()) ?? "").trim();
  await snap(page, "mfa-recovery-codes");
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: agent.email }, session: { aal: 2 } });

  await page.goto("/");
  await signOut(page);

  // The password alone leads to the second step, not into the app.
  await signInToSecondStep(page, agent.email, SAMPLE_PASSWORD);
  await page.getByLabel("Code from your authenticator app").fill(await freshCode(secret, used));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  expect((await whoAmI(page)).body).toMatchObject({ user: { email: agent.email }, session: { aal: 2 } });
  await signOut(page);

  // A recovery code signs in once; the same code a second time is refused.
  for (const expectOk of [true, false]) {
    await page.getByLabel("Email").fill(agent.email);
    await page.getByLabel("Password", { exact: true }).fill(SAMPLE_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(recovery);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    if (expectOk) {
      await expect(page).not.toHaveURL(/\/login/);
      await signOut(page);
    } else {
      await expect(errorAlert(page)).toContainText("not correct");
    }
  }
});
