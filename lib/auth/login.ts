/**
 * Password login. One generic error for any bad credential (unknown email, wrong password, banned account),
 * and the same Argon2 work in every case, so neither the answer nor its timing reveals which it was.
 */
import { recordAuditEvent } from "../audit/audit";
import type { Db } from "../db/types";
import { fail, ok, type Result } from "../errors";
import { getMetrics } from "../observability/metrics";
import type { SessionManager } from "../session/manager";
import type { SessionMetadata } from "../session/types";
import { findUserByEmail, normalizeEmail } from "../users/users";
import { burnVerification, verifyPassword } from "./password";
import { isOverlongPassword, MAX_PASSWORD_LENGTH } from "./password-policy";
import { createLoginChallenge } from "./mfa/challenges";
import { secondFactorMethods, type MfaMethod } from "./mfa/service";
import type { LoginThrottle } from "./rate-limit";

export interface LoginInput {
  email: string;
  password: string;
  metadata: SessionMetadata;
  /** Token from the cookie the request came with: always revoked (a fresh token is issued on every login). */
  previousToken?: string | null;
}

export interface LoginDeps {
  db: Db;
  sessions: SessionManager;
  throttle: LoginThrottle;
  /** Production: sample accounts (a published password) never sign in, even if an old seed left them behind. */
  refuseSampleAccounts: boolean;
}

/** A session, or (when the account has a second factor) a pending sign-in that only the factor completes. */
export type LoginOutcome =
  | { kind: "session"; token: string; userId: string }
  | { kind: "mfa"; challengeToken: string; methods: MfaMethod[]; userId: string };

export async function login(deps: LoginDeps, input: LoginInput): Promise<Result<LoginOutcome>> {
  const email = normalizeEmail(input.email).slice(0, 320);
  const ip = input.metadata.ip ?? "unknown";
  const retryAfter = await deps.throttle.retryAfter(ip, email);
  if (retryAfter > 0) {
    getMetrics().loginFailures.inc({ reason: "rate_limited" });
    return fail("RATE_LIMITED", { retryAfter });
  }
  // ASVS 6.2.8: the password is compared as received. One longer than any that can be set is wrong; it still
  // pays for one bounded verification so its answer takes as long as any other.
  const overlong = isOverlongPassword(input.password);
  const password = overlong ? input.password.slice(0, MAX_PASSWORD_LENGTH) : input.password;
  const user = email ? await findUserByEmail(deps.db, email) : null;
  const valid = (user ? await verifyPassword(user.passwordHash, password) : await burnVerification(password)) && !overlong;
  const refusedSample = Boolean(user?.sample && deps.refuseSampleAccounts);
  if (!user || !valid || user.status !== "active" || refusedSample) {
    await deps.throttle.recordFailure(ip, email);
    const cause = !user ? "unknown_email" : !valid ? "bad_password" : user.status !== "active" ? "banned" : "sample_account";
    getMetrics().loginFailures.inc({ reason: cause });
    await recordAuditEvent(deps.db, {
      action: "auth.login_failed",
      actorId: null,
      subjectId: user?.id ?? null,
      metadata: { cause },
      ip: input.metadata.ip,
      userAgent: input.metadata.userAgent,
    });
    return fail("INVALID_CREDENTIALS");
  }
  await deps.throttle.recordSuccess(ip, email);
  if (input.previousToken) {
    const previous = await deps.sessions.validateSessionWithCache(input.previousToken);
    // Signing in over an impersonation ends it: its admin signed in as someone (or themselves) anew.
    if (previous) {
      const ending = { by: previous.impersonator?.id ?? previous.user.id, ended: "impersonation.actor_signed_out", actorGone: "impersonation.actor_signed_out" } as const;
      const full = { ...ending, ip: input.metadata.ip, userAgent: input.metadata.userAgent };
      if (previous.impersonation) await deps.sessions.revokeSessionWithCache(previous.impersonation.parentSessionId, full);
      await deps.sessions.revokeSessionWithCache(previous.sessionId, full);
    }
  }
  const methods = await secondFactorMethods(deps.db, user.id);
  if (methods.length > 0) {
    // A password alone is never a session for someone with a second factor: only the pending state.
    const challengeToken = await createLoginChallenge(deps.db, user.id, deps.sessions.clock());
    return ok({ kind: "mfa", challengeToken, methods, userId: user.id });
  }
  const issued = await deps.sessions.createSession(user.id, input.metadata);
  await recordAuditEvent(deps.db, {
    action: "auth.login",
    actorId: user.id,
    subjectId: user.id,
    metadata: { aal: 1 },
    ip: input.metadata.ip,
    userAgent: input.metadata.userAgent,
  });
  return ok({ kind: "session", token: issued.token, userId: user.id });
}
