/**
 * Passkeys against a real database (PostgreSQL when reachable, else PGlite), answered by a software
 * authenticator with real ES256 signatures: registration, sign-in, step-up, removal, the admin reset, and the
 * refused twins (wrong, replayed and expired challenges, wrong origin, unknown and foreign credentials,
 * a counter that goes backwards).
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { login } from "@/lib/auth/login";
import { resetUserSecondFactors } from "@/lib/auth/mfa/admin-reset";
import { createLoginChallenge } from "@/lib/auth/mfa/challenges";
import { finishPasskeyRegistration, passkeySignInOptions, passkeyStepUpOptions, removeOwnPasskey, startPasskeyRegistration } from "@/lib/auth/mfa/passkey-service";
import { remainingRecoveryCodes } from "@/lib/auth/mfa/recovery-codes";
import { completeSignIn, secondFactorMethods, stepUpWithFactor, strongestFactor } from "@/lib/auth/mfa/service";
import { relyingPartyFor, WEBAUTHN_CHALLENGE_TTL_S } from "@/lib/auth/mfa/webauthn";
import { createLoginThrottle } from "@/lib/auth/rate-limit";
import { auditEvents, webauthnCredentials } from "@/lib/db/schema";
import type { SessionContext } from "@/lib/session/types";
import { createUser, TEST_PASSWORD } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { probePostgres } from "./support/services";
import { SoftAuthenticator } from "./support/soft-authenticator";

const backend = (await probePostgres()).ok ? "postgres" : "pglite";
const metadata = { ip: "127.0.0.1", userAgent: "passkey-test" };
const ORIGIN = "http://localhost:3000";

describe(`passkeys (${backend})`, () => {
  let rt: TestRuntime;
  const rp = () => relyingPartyFor(rt.config.mfa.webauthn, ORIGIN)!;
  const sessionOf = async (token: string): Promise<SessionContext> => {
    const context = await rt.sessions.validateSessionWithCache(token);
    if (!context) throw new Error("no session for the token");
    return context;
  };
  const actions = async () => (await rt.database.db.select({ action: auditEvents.action, metadata: auditEvents.metadata }).from(auditEvents)).map((a) => a.action);

  /** A staff member with one registered passkey; `token` is their fresh aal-2 session. */
  async function withPasskey(role: "admin" | "support" = "admin") {
    const user = await createUser(rt.database.db, { role });
    const first = await rt.sessions.createSession(user.id, metadata);
    const device = new SoftAuthenticator(ORIGIN);
    const options = await startPasskeyRegistration(rt.mfa, await sessionOf(first.token), rp());
    if (!options.ok) throw new Error(options.code);
    const done = await finishPasskeyRegistration(rt.mfa, await sessionOf(first.token), { rp: rp(), name: "Laptop", response: device.register(options.value) }, metadata);
    if (!done.ok || !done.value.token) throw new Error(done.ok ? "no token" : done.code);
    return { user, device, firstToken: first.token, token: done.value.token, recoveryCodes: done.value.recoveryCodes };
  }

  async function signInOptions(userId: string) {
    const challengeToken = await createLoginChallenge(rt.database.db, userId, rt.clock());
    const options = await passkeySignInOptions(rt.mfa, challengeToken, rp());
    if (!options.ok) throw new Error(options.code);
    return { challengeToken, options: options.value };
  }

  beforeEach(async () => {
    rt = await createTestRuntime({ backend, env: { MFA_MAX_FAILURES_PER_15MIN: "50" } });
  });
  afterEach(async () => {
    await rt.dispose();
  });

  it("registers a first passkey: the public key stored, ten recovery codes, other sessions ended, an aal-2 session", async () => {
    const { user, device, firstToken, token, recoveryCodes } = await withPasskey();
    const [row] = await rt.database.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, user.id));
    expect(row).toMatchObject({ id: device.id, name: "Laptop", counter: 0, transports: ["internal"], lastUsedAt: null });
    expect(row!.publicKey.length).toBeGreaterThan(40);
    expect(recoveryCodes).toHaveLength(10);
    expect(await rt.sessions.validateSessionWithCache(firstToken)).toBeNull();
    expect((await sessionOf(token)).aal).toBe(2);
    expect(await secondFactorMethods(rt.database.db, user.id)).toEqual(["passkey", "recovery"]);
    expect(await strongestFactor(rt.database.db, user.id)).toBe("passkey");
    expect(await actions()).toContain("mfa.enrol");
  });

  it("refuses a registration from another origin or for another RP ID, and a registration answer sent twice", async () => {
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id, metadata);
    const device = new SoftAuthenticator(ORIGIN);
    const register = async (response: ReturnType<SoftAuthenticator["register"]>, as = token) =>
      finishPasskeyRegistration(rt.mfa, await sessionOf(as), { rp: rp(), response }, metadata);
    const options = async () => {
      const o = await startPasskeyRegistration(rt.mfa, await sessionOf(token), rp());
      if (!o.ok) throw new Error(o.code);
      return o.value;
    };
    expect(await register(device.register(await options(), { origin: "https://evil.example" }))).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "invalid" } });
    expect(await register(device.register(await options(), { rpId: "evil.example" }))).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "invalid" } });
    expect(await secondFactorMethods(rt.database.db, user.id)).toEqual([]);
    const good = device.register(await options());
    const first = await register(good);
    if (!first.ok || !first.value.token) throw new Error("the first registration failed");
    // Replayed on the session the first one left (it ended the others), within the step-up window.
    expect(await register(good, first.value.token)).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "challenge" } });
  });

  it("lists the passkey among the sign-in methods and completes a sign-in with it into an aal-2 session", async () => {
    const { user, device } = await withPasskey();
    const throttle = createLoginThrottle(null, { maxPerIpPerMinute: 100, maxPerAccountPer15Min: 100 });
    const pending = await login({ db: rt.database.db, sessions: rt.sessions, throttle, refuseSampleAccounts: true }, { email: user.email, password: TEST_PASSWORD, metadata });
    expect(pending).toMatchObject({ ok: true, value: { kind: "mfa", methods: ["passkey", "recovery"] } });
    const { challengeToken, options } = await signInOptions(user.id);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([device.id]);
    expect(options.userVerification).toBe("required");
    const done = await completeSignIn(rt.mfa, { challengeToken, method: "passkey", response: device.authenticate(options), rp: rp() }, metadata);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect((await sessionOf(done.value.token)).aal).toBe(2);
    const [row] = await rt.database.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.id, device.id));
    expect(row).toMatchObject({ counter: 1, lastUsedAt: new Date(rt.clock()) });
  });

  it("refuses an answer to a challenge the server never issued, one used already, and one that expired", async () => {
    const { user, device } = await withPasskey();
    const attempt = async (challengeToken: string, response: ReturnType<SoftAuthenticator["authenticate"]>) =>
      completeSignIn(rt.mfa, { challengeToken, method: "passkey", response, rp: rp() }, metadata);
    const wrong = await signInOptions(user.id);
    expect(await attempt(wrong.challengeToken, device.authenticate(wrong.options, { challenge: "bm90LWlzc3VlZC1ieS11cw" }))).toMatchObject({
      ok: false,
      code: "PASSKEY_REJECTED",
      details: { cause: "challenge" },
    });

    const first = await signInOptions(user.id);
    const answer = device.authenticate(first.options);
    expect((await attempt(first.challengeToken, answer)).ok).toBe(true);
    const again = await createLoginChallenge(rt.database.db, user.id, rt.clock());
    expect(await attempt(again, answer)).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "challenge" } });

    const late = await signInOptions(user.id);
    rt.clock.advance(WEBAUTHN_CHALLENGE_TTL_S * 1000 + 1000);
    const fresh = await createLoginChallenge(rt.database.db, user.id, rt.clock());
    expect(await attempt(fresh, device.authenticate(late.options))).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "challenge" } });
  });

  it("refuses an answer from another origin, from an unknown credential and from another user's credential", async () => {
    const alice = await withPasskey();
    const bob = await withPasskey("support");
    const attempt = async (userId: string, answer: (o: Awaited<ReturnType<typeof signInOptions>>["options"]) => ReturnType<SoftAuthenticator["authenticate"]>) => {
      const { challengeToken, options } = await signInOptions(userId);
      return completeSignIn(rt.mfa, { challengeToken, method: "passkey", response: answer(options), rp: rp() }, metadata);
    };
    expect(await attempt(alice.user.id, (o) => alice.device.authenticate(o, { origin: "https://evil.example" }))).toMatchObject({ details: { cause: "invalid" } });
    const stranger = new SoftAuthenticator(ORIGIN);
    expect(await attempt(alice.user.id, (o) => stranger.authenticate(o))).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "unknown_credential" } });
    expect(await attempt(alice.user.id, (o) => bob.device.authenticate(o))).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "unknown_credential" } });
    // The right one still works: refusals did not break the account.
    expect((await attempt(alice.user.id, (o) => alice.device.authenticate(o))).ok).toBe(true);
  });

  it("refuses a passkey whose counter went backwards (a cloned authenticator) and audits it", async () => {
    const { user, device } = await withPasskey();
    const ok1 = await signInOptions(user.id);
    expect((await completeSignIn(rt.mfa, { challengeToken: ok1.challengeToken, method: "passkey", response: device.authenticate(ok1.options), rp: rp() }, metadata)).ok).toBe(true);
    device.counter = 5;
    const ok2 = await signInOptions(user.id);
    expect((await completeSignIn(rt.mfa, { challengeToken: ok2.challengeToken, method: "passkey", response: device.authenticate(ok2.options), rp: rp() }, metadata)).ok).toBe(true);
    device.counter = 2; // the clone answers with 3, below the stored 6
    const clone = await signInOptions(user.id);
    const refused = await completeSignIn(rt.mfa, { challengeToken: clone.challengeToken, method: "passkey", response: device.authenticate(clone.options), rp: rp() }, metadata);
    expect(refused).toMatchObject({ ok: false, code: "PASSKEY_REJECTED", details: { cause: "counter_regression" } });
    expect(await actions()).toContain("mfa.counter_regression");
    const [row] = await rt.database.db.select({ counter: webauthnCredentials.counter }).from(webauthnCredentials).where(eq(webauthnCredentials.id, device.id));
    expect(row!.counter).toBe(6);
  });

  it("steps a session up with a passkey, and refuses the step-up with another user's passkey", async () => {
    const { device, token } = await withPasskey();
    const other = await withPasskey("support");
    rt.clock.advance(3600_000);
    const session = await sessionOf(token);
    const options = await passkeyStepUpOptions(rt.mfa, session, rp());
    if (!options.ok) throw new Error(options.code);
    expect(await stepUpWithFactor(rt.mfa, session, { method: "passkey", response: other.device.authenticate(options.value), rp: rp() }, metadata)).toMatchObject({
      ok: false,
      code: "PASSKEY_REJECTED",
    });
    expect((await sessionOf(token)).mfaVerifiedAt).not.toBe(rt.clock());
    const again = await passkeyStepUpOptions(rt.mfa, session, rp());
    if (!again.ok) throw new Error(again.code);
    expect((await stepUpWithFactor(rt.mfa, session, { method: "passkey", response: device.authenticate(again.value), rp: rp() }, metadata)).ok).toBe(true);
    expect((await sessionOf(token)).mfaVerifiedAt).toBe(rt.clock());
  });

  it("adds a second passkey only with a fresh factor, and without new recovery codes", async () => {
    const { device, token } = await withPasskey();
    rt.clock.advance((rt.config.impersonation.reauthWindowS + 1) * 1000);
    expect(await startPasskeyRegistration(rt.mfa, await sessionOf(token), rp())).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED" });
    const stepUp = await passkeyStepUpOptions(rt.mfa, await sessionOf(token), rp());
    if (!stepUp.ok) throw new Error(stepUp.code);
    expect((await stepUpWithFactor(rt.mfa, await sessionOf(token), { method: "passkey", response: device.authenticate(stepUp.value), rp: rp() }, metadata)).ok).toBe(true);
    const options = await startPasskeyRegistration(rt.mfa, await sessionOf(token), rp());
    if (!options.ok) throw new Error(options.code);
    const added = await finishPasskeyRegistration(rt.mfa, await sessionOf(token), { rp: rp(), name: "  Security   key ", response: new SoftAuthenticator(ORIGIN).register(options.value) }, metadata);
    expect(added).toMatchObject({ ok: true, value: { name: "Security key", recoveryCodes: null, token: null } });
  });

  it("removes a passkey only with a fresh factor and only the caller's own; the last one takes the recovery codes with it", async () => {
    const alice = await withPasskey();
    const bob = await withPasskey("support");
    expect(await removeOwnPasskey(rt.mfa, await sessionOf(alice.token), bob.device.id, metadata)).toMatchObject({ ok: false, code: "PASSKEY_NOT_FOUND" });
    rt.clock.advance((rt.config.impersonation.reauthWindowS + 1) * 1000);
    expect(await removeOwnPasskey(rt.mfa, await sessionOf(alice.token), alice.device.id, metadata)).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED" });
    const stepUp = await passkeyStepUpOptions(rt.mfa, await sessionOf(alice.token), rp());
    if (!stepUp.ok) throw new Error(stepUp.code);
    await stepUpWithFactor(rt.mfa, await sessionOf(alice.token), { method: "passkey", response: alice.device.authenticate(stepUp.value), rp: rp() }, metadata);
    const removed = await removeOwnPasskey(rt.mfa, await sessionOf(alice.token), alice.device.id, metadata);
    expect(removed.ok).toBe(true);
    if (!removed.ok) return;
    expect(removed.value.token).toBeTruthy();
    expect(await secondFactorMethods(rt.database.db, alice.user.id)).toEqual([]);
    expect(await remainingRecoveryCodes(rt.database.db, alice.user.id)).toBe(0);
    expect(await secondFactorMethods(rt.database.db, bob.user.id)).toEqual(["passkey", "recovery"]);
    expect(await actions()).toEqual(expect.arrayContaining(["mfa.passkey_remove", "mfa.disable"]));
  });

  it("lets an admin with a fresh factor reset a locked-out user's passkeys, ending their sessions; refuses support staff, no reason, or a stale step-up", async () => {
    const admin = await withPasskey("admin");
    const locked = await withPasskey("support");
    const supportStaff = await withPasskey("support");
    const reset = async (actorToken: string, reason: string) => resetUserSecondFactors(rt, await sessionOf(actorToken), locked.user.id, { reason, stepUp: {} }, metadata);
    expect(await reset(supportStaff.token, "lost phone")).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await reset(admin.token, "   ")).toMatchObject({ ok: false, code: "REASON_REQUIRED" });
    rt.clock.advance((rt.config.impersonation.reauthWindowS + 1) * 1000);
    expect(await reset(admin.token, "lost phone")).toMatchObject({ ok: false, code: "REAUTH_REQUIRED", details: { stepUpWith: "passkey" } });
    expect(await secondFactorMethods(rt.database.db, locked.user.id)).toEqual(["passkey", "recovery"]);

    const options = await passkeyStepUpOptions(rt.mfa, await sessionOf(admin.token), rp());
    if (!options.ok) throw new Error(options.code);
    const done = await resetUserSecondFactors(
      rt,
      await sessionOf(admin.token),
      locked.user.id,
      { reason: "lost phone, identity checked on a call", stepUp: { passkey: { method: "passkey", response: admin.device.authenticate(options.value), rp: rp() } } },
      metadata,
    );
    expect(done).toMatchObject({ ok: true, value: { revoked: 1 } });
    expect(await secondFactorMethods(rt.database.db, locked.user.id)).toEqual([]);
    expect(await rt.sessions.validateSessionWithCache(locked.token)).toBeNull();
    const [event] = await rt.database.db.select().from(auditEvents).where(eq(auditEvents.action, "mfa.reset"));
    expect(event).toMatchObject({ actorId: admin.user.id, subjectId: locked.user.id, reason: "lost phone, identity checked on a call" });
  });
});
