/**
 * The one step-up rule (lib/auth/step-up.ts) and every admin action that asks it, against a real database
 * (PostgreSQL when reachable, else PGlite), the real throttle and real TOTP codes on a manual clock: a fresh
 * session passes, a stale one is refused with REAUTH_REQUIRED and the factor to ask for, and answering it makes
 * the action run.
 */
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inviteUser } from "@/lib/account/invitations";
import { changeUserRole, revokeAllSessionsOf, setUserBanned, updateUserAccount } from "@/lib/admin/user-admin";
import { resetUserSecondFactors } from "@/lib/auth/mfa/admin-reset";
import { confirmTotpEnrolment, secondFactorMethods, startTotpEnrolment } from "@/lib/auth/mfa/service";
import { totpCodeAt } from "@/lib/auth/mfa/totp";
import { createLoginThrottle } from "@/lib/auth/rate-limit";
import { stepUp, stepUpDue, type StepUpAnswer } from "@/lib/auth/step-up";
import { auditEvents, users } from "@/lib/db/schema";
import { startImpersonation } from "@/lib/impersonation/service";
import type { SessionContext } from "@/lib/session/types";
import { findUserById } from "@/lib/users/users";
import { createUser, TEST_PASSWORD } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { probePostgres } from "./support/services";

const backend = (await probePostgres()).ok ? "postgres" : "pglite";
const metadata = { ip: "198.51.100.20", userAgent: "step-up-test" };
const STEP_MS = 30_000;

describe(`step-up (${backend})`, () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await createTestRuntime({ backend });
  });
  afterEach(async () => rt.dispose());

  const windowMs = () => rt.stepUp.windowS * 1000;
  async function sessionOf(token: string): Promise<SessionContext> {
    const context = await rt.sessions.validateSessionWithCache(token);
    if (!context) throw new Error("no session for the token");
    return context;
  }
  async function admin() {
    const user = await createUser(rt.database.db, { role: "admin" });
    const { token } = await rt.sessions.createSession(user.id, metadata);
    return { user, token };
  }
  /** An admin with a confirmed authenticator app, signed in on a session that passed it. */
  async function adminWithTotp() {
    const { user, token: first } = await admin();
    const enrolment = await startTotpEnrolment(rt.mfa, await sessionOf(first));
    if (!enrolment.ok) throw new Error(enrolment.code);
    const confirmed = await confirmTotpEnrolment(rt.mfa, await sessionOf(first), totpCodeAt(enrolment.value.secret, rt.clock()), metadata);
    if (!confirmed.ok) throw new Error(confirmed.code);
    // The confirming code's step is spent: the next code comes from a later step.
    rt.clock.advance(STEP_MS);
    return { user, token: confirmed.value.token, secret: enrolment.value.secret };
  }
  const stale = () => rt.clock.advance(windowMs() + 1000);

  describe("stepUpDue and stepUp", () => {
    it("passes a fresh session without an answer and asks nothing of it", async () => {
      const a = await admin();
      const session = await sessionOf(a.token);
      expect(await stepUpDue(rt.stepUp, session)).toBeNull();
      expect(await stepUp(rt.stepUp, session, {}, metadata)).toMatchObject({ ok: true, value: { sessionId: session.sessionId } });
    });

    it("asks a stale session without a second factor for the password, refuses a wrong one and accepts the right one", async () => {
      const a = await admin();
      stale();
      const session = await sessionOf(a.token);
      expect(await stepUpDue(rt.stepUp, session)).toBe("password");
      expect(await stepUp(rt.stepUp, session, {}, metadata)).toMatchObject({ ok: false, code: "REAUTH_REQUIRED", details: { stepUpWith: "password" } });
      expect(await stepUp(rt.stepUp, session, { password: "not the password" }, metadata)).toMatchObject({ ok: false, code: "REAUTH_REQUIRED", details: { wrongPassword: true } });
      const done = await stepUp(rt.stepUp, session, { password: TEST_PASSWORD }, metadata);
      expect(done).toMatchObject({ ok: true, value: { lastAuthenticatedAt: rt.clock() } });
      // The proof is kept on the session row: the next request is fresh without an answer.
      expect(await stepUpDue(rt.stepUp, await sessionOf(a.token))).toBeNull();
    });

    it("throttles wrong step-up passwords like logins: after the limit even the right one waits", async () => {
      const deps = { ...rt.stepUp, throttle: createLoginThrottle(null, { maxPerIpPerMinute: 1000, maxPerAccountPer15Min: 3 }) };
      const a = await admin();
      stale();
      const session = await sessionOf(a.token);
      for (let i = 0; i < 3; i++) expect(await stepUp(deps, session, { password: `wrong-${i}` }, metadata)).toMatchObject({ ok: false, code: "REAUTH_REQUIRED" });
      const refused = await stepUp(deps, session, { password: TEST_PASSWORD }, metadata);
      expect(refused).toMatchObject({ ok: false, code: "RATE_LIMITED", details: { stepUp: true } });
      expect(await stepUpDue(rt.stepUp, await sessionOf(a.token))).toBe("password");
    });

    it("asks an account with an authenticator app for a code, never the password, and accepts a fresh code once", async () => {
      const a = await adminWithTotp();
      stale();
      const session = await sessionOf(a.token);
      expect(await stepUpDue(rt.stepUp, session)).toBe("totp");
      expect(await stepUp(rt.stepUp, session, { password: TEST_PASSWORD }, metadata)).toMatchObject({ ok: false, code: "REAUTH_REQUIRED", details: { stepUpWith: "totp" } });
      const code = totpCodeAt(a.secret, rt.clock());
      expect(await stepUp(rt.stepUp, session, { code }, metadata)).toMatchObject({ ok: true, value: { aal: 2, mfaVerifiedAt: rt.clock() } });
      stale();
      // The same code again is a replay, whatever the window.
      expect(await stepUp(rt.stepUp, await sessionOf(a.token), { code }, metadata)).toMatchObject({ ok: false, code: "REAUTH_REQUIRED" });
    });

    it("refuses any step-up from inside an impersonation, even with the right password", async () => {
      const a = await admin();
      const target = await createUser(rt.database.db, { role: "user" });
      const started = await startImpersonation(rt.impersonation, { context: await sessionOf(a.token), targetId: target.id, reason: "Checking the invoice page", metadata });
      if (!started.ok) throw new Error(started.code);
      const inside = await sessionOf(started.value.token);
      expect(await stepUp(rt.stepUp, inside, { password: TEST_PASSWORD }, metadata)).toMatchObject({ ok: false, code: "FORBIDDEN_WHILE_IMPERSONATING" });
    });
  });

  describe("admin actions", () => {
    type Action = { name: string; run: (actor: SessionContext, answer: StepUpAnswer) => Promise<{ ok: boolean; code?: string }>; changed: () => Promise<boolean> };
    async function actions(): Promise<Action[]> {
      const banTarget = await createUser(rt.database.db, { role: "user" });
      const unbanTarget = await createUser(rt.database.db, { role: "user", status: "banned" });
      const roleTarget = await createUser(rt.database.db, { role: "user" });
      const revokeTarget = await createUser(rt.database.db, { role: "user" });
      const { token: revokeToken } = await rt.sessions.createSession(revokeTarget.id, metadata);
      const mfaTarget = await adminWithTotp();
      const staffEmail = `staff-${crypto.randomUUID()}@example.com`;
      const status = async (id: string) => (await findUserById(rt.database.db, id))?.status;
      return [
        { name: "ban", run: (actor, answer) => setUserBanned(rt, actor, banTarget.id, true, metadata, "spam", answer), changed: async () => (await status(banTarget.id)) === "banned" },
        { name: "unban", run: (actor, answer) => setUserBanned(rt, actor, unbanTarget.id, false, metadata, "appeal upheld", answer), changed: async () => (await status(unbanTarget.id)) === "active" },
        { name: "role change", run: (actor, answer) => changeUserRole(rt, actor, roleTarget.id, "support", metadata, "joins support", answer), changed: async () => (await findUserById(rt.database.db, roleTarget.id))?.role === "support" },
        { name: "revoke all sessions", run: (actor, answer) => revokeAllSessionsOf(rt, actor, revokeTarget.id, metadata, "lost laptop", answer), changed: async () => (await rt.sessions.validateSessionWithCache(revokeToken)) === null },
        {
          name: "MFA reset",
          run: (actor, answer) => resetUserSecondFactors(rt, actor, mfaTarget.user.id, { reason: "lost phone, checked on a call", stepUp: answer }, metadata),
          changed: async () => (await secondFactorMethods(rt.database.db, mfaTarget.user.id)).length === 0,
        },
        {
          name: "staff invitation",
          run: (actor, answer) => inviteUser(rt.invitations, { actor, metadata, origin: null }, { email: staffEmail, name: "New Support", role: "support", stepUp: answer }),
          changed: async () => (await rt.database.db.select().from(users).where(eq(users.email, staffEmail))).length === 1,
        },
      ];
    }

    it("each refuses a stale session with REAUTH_REQUIRED, changing nothing, and runs after a right password", async () => {
      const a = await admin();
      const list = await actions();
      stale();
      for (const action of list) {
        const refused = await action.run(await sessionOf(a.token), {});
        expect(refused, action.name).toMatchObject({ ok: false, code: "REAUTH_REQUIRED" });
        expect(await action.changed(), action.name).toBe(false);
        const wrong = await action.run(await sessionOf(a.token), { password: "wrong password" });
        expect(wrong, action.name).toMatchObject({ ok: false, code: "REAUTH_REQUIRED" });
        expect(await action.changed(), action.name).toBe(false);
        const done = await action.run(await sessionOf(a.token), { password: TEST_PASSWORD });
        expect(done, action.name).toMatchObject({ ok: true });
        expect(await action.changed(), action.name).toBe(true);
        stale();
      }
    });

    it("each asks an admin with an authenticator app for a code and runs with a fresh one", async () => {
      const a = await adminWithTotp();
      const list = await actions();
      stale();
      for (const action of list) {
        expect(await action.run(await sessionOf(a.token), { password: TEST_PASSWORD }), action.name).toMatchObject({ ok: false, code: "REAUTH_REQUIRED", details: { stepUpWith: "totp" } });
        expect(await action.changed(), action.name).toBe(false);
        const done = await action.run(await sessionOf(a.token), { code: totpCodeAt(a.secret, rt.clock()) });
        expect(done, action.name).toMatchObject({ ok: true });
        expect(await action.changed(), action.name).toBe(true);
        // A later step for the next code, and a stale session again.
        rt.clock.advance(windowMs() + STEP_MS);
      }
    });

    it("runs a role change and a ban sent together on one step-up, one code, with an audit row each", async () => {
      const a = await adminWithTotp();
      const target = await createUser(rt.database.db, { role: "user" });
      stale();
      const done = await updateUserAccount(rt, await sessionOf(a.token), target.id, { role: "support", banned: true }, metadata, "compromised", { code: totpCodeAt(a.secret, rt.clock()) });
      expect(done).toMatchObject({ ok: true, value: { role: "support", status: "banned" } });
      const rows = await rt.database.db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.subjectId, target.id), eq(auditEvents.actorId, a.user.id)));
      expect(rows.map((r) => r.action).sort()).toEqual(["user.ban", "user.role"]);
    });

    it("invites a plain user without any step-up, even on a stale session", async () => {
      const a = await admin();
      stale();
      const done = await inviteUser(rt.invitations, { actor: await sessionOf(a.token), metadata, origin: null }, { email: `user-${crypto.randomUUID()}@example.com`, name: "Plain User", role: "user" });
      expect(done.ok).toBe(true);
    });
  });
});
