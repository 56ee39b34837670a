/**
 * Second factors against a real database (PostgreSQL when reachable, else PGlite) and the real throttle:
 * enrolment, sign-in completion, replay, throttling, recovery codes, disable and reset.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { login } from "@/lib/auth/login";
import { createLoginThrottle } from "@/lib/auth/rate-limit";
import { createLoginChallenge } from "@/lib/auth/mfa/challenges";
import { startTotpEnrolment, completeSignIn, confirmTotpEnrolment, disableSecondFactor, resetSecondFactors, secondFactorMethods, stepUpWithFactor } from "@/lib/auth/mfa/service";
import { createTotpSecretBox, totpCodeAt } from "@/lib/auth/mfa/totp";
import { auditEvents, mfaTotp } from "@/lib/db/schema";
import type { SessionContext } from "@/lib/session/types";
import { createUser, TEST_PASSWORD } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { probePostgres } from "./support/services";

const backend = (await probePostgres()).ok ? "postgres" : "pglite";
const metadata = { ip: "127.0.0.1", userAgent: "mfa-test" };
const STEP_MS = 30_000;

async function sessionOf(rt: TestRuntime, token: string): Promise<SessionContext> {
  const context = await rt.sessions.validateSessionWithCache(token);
  if (!context) throw new Error("no session for the token");
  return context;
}

async function enrolledAdmin(rt: TestRuntime) {
  const admin = await createUser(rt.database.db, { role: "admin" });
  const first = await rt.sessions.createSession(admin.id, metadata);
  const enrolment = await startTotpEnrolment(rt.mfa, await sessionOf(rt, first.token));
  if (!enrolment.ok) throw new Error(enrolment.code);
  const secret = enrolment.value.secret;
  const confirmed = await confirmTotpEnrolment(rt.mfa, await sessionOf(rt, first.token), totpCodeAt(secret, rt.clock()), metadata);
  if (!confirmed.ok) throw new Error(confirmed.code);
  // The next code must come from a later step: the confirming code's step is spent.
  rt.clock.advance(STEP_MS);
  return { admin, secret, firstToken: first.token, token: confirmed.value.token, recoveryCodes: confirmed.value.recoveryCodes };
}

describe(`second factors (${backend})`, () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await createTestRuntime({ backend, env: { MFA_MAX_FAILURES_PER_15MIN: "5" } });
  });
  afterEach(async () => {
    await rt.dispose();
  });

  it("stores the TOTP secret sealed, never in the clear, and shows it for manual entry with a QR code", async () => {
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id, metadata);
    const enrolment = await startTotpEnrolment(rt.mfa, await sessionOf(rt, token));
    expect(enrolment.ok).toBe(true);
    if (!enrolment.ok) return;
    expect(enrolment.value.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.value.uri).toContain(`secret=${enrolment.value.secret}`);
    expect(enrolment.value.qr.size).toBeGreaterThanOrEqual(21);
    expect(enrolment.value.qr.path).toMatch(/^M\d+ \d+h1v1h-1z/);
    const [row] = await rt.database.db.select().from(mfaTotp).where(eq(mfaTotp.userId, user.id));
    expect(row!.secretSealed).not.toContain(enrolment.value.secret);
    expect(row!.confirmedAt).toBeNull();
    expect(await createTotpSecretBox(rt.config.mfa.encryptionKeys).unseal(row!.secretSealed)).toBe(enrolment.value.secret);
    // A key that was never configured cannot open it.
    expect(await createTotpSecretBox(["another-key-0123456789-abcdefghijklmnop"]).unseal(row!.secretSealed)).toBeNull();
  });

  it("opens secrets sealed with an older key after the key is rotated", async () => {
    const old = "old-mfa-key-0123456789-abcdefghijklmnopq";
    const sealed = await createTotpSecretBox([old]).seal("JBSWY3DPEHPK3PXP");
    expect(await createTotpSecretBox(["new-mfa-key-0123456789-abcdefghijklmnopq", old]).unseal(sealed)).toBe("JBSWY3DPEHPK3PXP");
  });

  it("confirms enrolment only with a right code, then gives ten recovery codes and ends every other session", async () => {
    const user = await createUser(rt.database.db, { role: "support" });
    const other = await rt.sessions.createSession(user.id, metadata);
    const here = await rt.sessions.createSession(user.id, metadata);
    const enrolment = await startTotpEnrolment(rt.mfa, await sessionOf(rt, here.token));
    if (!enrolment.ok) throw new Error(enrolment.code);
    const wrongCode = String((Number(totpCodeAt(enrolment.value.secret, rt.clock())) + 1) % 1_000_000).padStart(6, "0");
    expect(await confirmTotpEnrolment(rt.mfa, await sessionOf(rt, here.token), wrongCode, metadata)).toMatchObject({ ok: false, code: "MFA_CODE_INVALID" });
    expect(await secondFactorMethods(rt.database.db, user.id)).toEqual([]);
    const confirmed = await confirmTotpEnrolment(rt.mfa, await sessionOf(rt, here.token), totpCodeAt(enrolment.value.secret, rt.clock()), metadata);
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    expect(confirmed.value.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.value.recoveryCodes).size).toBe(10);
    expect(await rt.sessions.validateSessionWithCache(other.token)).toBeNull();
    expect(await rt.sessions.validateSessionWithCache(here.token)).toBeNull();
    const fresh = await sessionOf(rt, confirmed.value.token);
    expect(fresh.aal).toBe(2);
    expect(fresh.mfaVerifiedAt).toBe(rt.clock());
    expect(await secondFactorMethods(rt.database.db, user.id)).toEqual(["totp", "recovery"]);
    const actions = (await rt.database.db.select({ action: auditEvents.action }).from(auditEvents)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["mfa.failed", "mfa.enrol"]));
  });

  it("turns a correct password into a pending sign-in, not a session, once a factor is enrolled", async () => {
    const { admin } = await enrolledAdmin(rt);
    const throttle = createLoginThrottle(null, { maxPerIpPerMinute: 100, maxPerAccountPer15Min: 100 });
    const result = await login(
      { db: rt.database.db, sessions: rt.sessions, throttle, refuseSampleAccounts: true },
      { email: admin.email, password: TEST_PASSWORD, metadata },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ kind: "mfa", methods: ["totp", "recovery"] });
    expect("token" in result.value).toBe(false);
  });

  it("completes a sign-in with a right code into an aal-2 session, and never twice with the same challenge", async () => {
    const { admin, secret } = await enrolledAdmin(rt);
    const challenge = await createLoginChallenge(rt.database.db, admin.id, rt.clock());
    const done = await completeSignIn(rt.mfa, { challengeToken: challenge, method: "totp", code: totpCodeAt(secret, rt.clock()) }, metadata);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    const session = await sessionOf(rt, done.value.token);
    expect(session.aal).toBe(2);
    rt.clock.advance(STEP_MS);
    const again = await completeSignIn(rt.mfa, { challengeToken: challenge, method: "totp", code: totpCodeAt(secret, rt.clock()) }, metadata);
    expect(again).toMatchObject({ ok: false, code: "MFA_CHALLENGE_EXPIRED" });
  });

  it("refuses a code replayed within its step, even on a new challenge", async () => {
    const { admin, secret } = await enrolledAdmin(rt);
    const code = totpCodeAt(secret, rt.clock());
    const first = await completeSignIn(rt.mfa, { challengeToken: await createLoginChallenge(rt.database.db, admin.id, rt.clock()), method: "totp", code }, metadata);
    expect(first.ok).toBe(true);
    const replay = await completeSignIn(rt.mfa, { challengeToken: await createLoginChallenge(rt.database.db, admin.id, rt.clock()), method: "totp", code }, metadata);
    expect(replay).toMatchObject({ ok: false, code: "MFA_CODE_REPLAYED" });
  });

  it("accepts a code from one step ago (clock drift) and refuses one from two steps ago", async () => {
    const { admin, secret } = await enrolledAdmin(rt);
    const attempt = async (code: string) =>
      completeSignIn(rt.mfa, { challengeToken: await createLoginChallenge(rt.database.db, admin.id, rt.clock()), method: "totp", code }, metadata);
    rt.clock.advance(STEP_MS);
    expect((await attempt(totpCodeAt(secret, rt.clock() - STEP_MS))).ok).toBe(true);
    rt.clock.advance(5 * STEP_MS);
    expect(await attempt(totpCodeAt(secret, rt.clock() - 2 * STEP_MS))).toMatchObject({ ok: false, code: "MFA_CODE_INVALID" });
  });

  it("expires a pending sign-in after five minutes", async () => {
    const { admin, secret } = await enrolledAdmin(rt);
    const challenge = await createLoginChallenge(rt.database.db, admin.id, rt.clock());
    rt.clock.advance(5 * 60_000 + 1);
    const late = await completeSignIn(rt.mfa, { challengeToken: challenge, method: "totp", code: totpCodeAt(secret, rt.clock()) }, metadata);
    expect(late).toMatchObject({ ok: false, code: "MFA_CHALLENGE_EXPIRED" });
  });

  it("throttles wrong codes per account: after the limit even the right code is refused, and it is audited", async () => {
    const { admin, secret } = await enrolledAdmin(rt);
    for (let i = 0; i < 5; i++) {
      const challenge = await createLoginChallenge(rt.database.db, admin.id, rt.clock());
      expect(await completeSignIn(rt.mfa, { challengeToken: challenge, method: "totp", code: "000000" }, metadata)).toMatchObject({ ok: false });
    }
    const challenge = await createLoginChallenge(rt.database.db, admin.id, rt.clock());
    const right = await completeSignIn(rt.mfa, { challengeToken: challenge, method: "totp", code: totpCodeAt(secret, rt.clock()) }, metadata);
    expect(right).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    const failed = await rt.database.db.select({ metadata: auditEvents.metadata }).from(auditEvents).where(eq(auditEvents.action, "mfa.failed"));
    expect(failed.map((f) => (f.metadata as { cause: string }).cause)).toEqual(expect.arrayContaining(["wrong", "throttled"]));
  });

  it("accepts each recovery code once, in any case and without dashes", async () => {
    const { admin, recoveryCodes } = await enrolledAdmin(rt);
    const [first, second] = recoveryCodes as [string, string];
    const sign = (code: string) => completeSignIn(rt.mfa, { challengeToken: null, method: "recovery", code }, metadata);
    expect(await sign(first)).toMatchObject({ ok: false, code: "MFA_CHALLENGE_EXPIRED" }); // no challenge, no check
    const once = async (code: string) =>
      completeSignIn(rt.mfa, { challengeToken: await createLoginChallenge(rt.database.db, admin.id, rt.clock()), method: "recovery", code }, metadata);
    expect((await once(first.toUpperCase().replaceAll("-", ""))).ok).toBe(true);
    expect(await once(first)).toMatchObject({ ok: false, code: "MFA_CODE_INVALID" });
    expect((await once(second)).ok).toBe(true);
    const used = await rt.database.db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.action, "mfa.recovery_used"));
    expect(used).toHaveLength(2);
  });

  it("steps up an existing session with a code, which records the second factor's time", async () => {
    const { secret, token } = await enrolledAdmin(rt);
    rt.clock.advance(20 * 60_000);
    const before = await sessionOf(rt, token);
    expect(await stepUpWithFactor(rt.mfa, before, { method: "totp", code: "123" }, metadata)).toMatchObject({ ok: false, code: "MFA_CODE_INVALID" });
    expect((await stepUpWithFactor(rt.mfa, before, { method: "totp", code: totpCodeAt(secret, rt.clock()) }, metadata)).ok).toBe(true);
    expect((await sessionOf(rt, token)).mfaVerifiedAt).toBe(rt.clock());
  });

  it("disables the factor only with a fresh code, and ends the other sessions", async () => {
    const { admin, secret, token } = await enrolledAdmin(rt);
    const other = await completeSignIn(rt.mfa, { challengeToken: await createLoginChallenge(rt.database.db, admin.id, rt.clock()), method: "totp", code: totpCodeAt(secret, rt.clock()) }, metadata);
    expect(other.ok).toBe(true);
    rt.clock.advance(STEP_MS);
    const session = await sessionOf(rt, token);
    expect(await disableSecondFactor(rt.mfa, session, { method: "totp", code: "999999" }, metadata)).toMatchObject({ ok: false });
    const disabled = await disableSecondFactor(rt.mfa, session, { method: "totp", code: totpCodeAt(secret, rt.clock()) }, metadata);
    expect(disabled.ok).toBe(true);
    expect(await secondFactorMethods(rt.database.db, admin.id)).toEqual([]);
    expect(await rt.sessions.validateSessionWithCache((other as { value: { token: string } }).value.token)).toBeNull();
  });

  it("lets an admin reset another user's factors, ending all of that user's sessions, audited", async () => {
    const { admin: target, token: targetToken } = await enrolledAdmin(rt);
    const boss = await createUser(rt.database.db, { role: "admin" });
    const bossSession = await sessionOf(rt, (await rt.sessions.createSession(boss.id, metadata)).token);
    expect(await resetSecondFactors(rt.mfa, bossSession, boss.id, metadata, "self")).toMatchObject({ ok: false, code: "CANNOT_CHANGE_SELF" });
    const reset = await resetSecondFactors(rt.mfa, bossSession, target.id, metadata, "lost phone");
    expect(reset).toMatchObject({ ok: true, value: { revoked: 1 } });
    expect(await rt.sessions.validateSessionWithCache(targetToken)).toBeNull();
    expect(await secondFactorMethods(rt.database.db, target.id)).toEqual([]);
    const [row] = await rt.database.db.select({ reason: auditEvents.reason, actorId: auditEvents.actorId }).from(auditEvents).where(eq(auditEvents.action, "mfa.reset"));
    expect(row).toEqual({ reason: "lost phone", actorId: boss.id });
  });
});
