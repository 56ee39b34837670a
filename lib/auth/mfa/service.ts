/**
 * Second factors for sign-in and step-up: enrol TOTP (confirmed by a first code, ten recovery codes shown once),
 * complete a pending sign-in, step up, disable with a fresh factor, and an admin's reset. Every outcome that
 * matters is audited; enrolling, disabling and a reset end the user's other sessions.
 */
import { recordAuditEvent, type AuditAction } from "../../audit/audit";
import { accessRefusal } from "../access";
import type { Db } from "../../db/types";
import { fail, ok, type Result } from "../../errors";
import type { SessionManager } from "../../session/manager";
import type { SessionContext, SessionMetadata } from "../../session/types";
import type { FactorThrottle } from "../rate-limit";
import { consumeLoginChallenge, findLoginChallenge, recordChallengeFailure } from "./challenges";
import { mfaRequirement, type StaffMfaPolicy } from "./policy";
import { remainingRecoveryCodes, removeRecoveryCodes, replaceRecoveryCodes, spendRecoveryCode } from "./recovery-codes";
import { checkTotpCode, hasConfirmedTotp, removeTotp, createPendingTotp, type TotpEnrolment, type TotpSecretBox } from "./totp";

export const MFA_METHODS = ["totp", "recovery"] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

export interface MfaDeps {
  db: Db;
  sessions: SessionManager;
  box: TotpSecretBox;
  throttle: FactorThrottle;
  policy: StaffMfaPolicy;
  issuer: string;
}

async function audit(deps: MfaDeps, action: AuditAction, actorId: string, subjectId: string, metadata: SessionMetadata, extra?: Record<string, unknown>) {
  await recordAuditEvent(deps.db, { action, actorId, subjectId, metadata: extra ?? null, ip: metadata.ip, userAgent: metadata.userAgent });
}

/** The second factors a user can answer with right now (empty: none enrolled). */
export async function secondFactorMethods(db: Db, userId: string): Promise<MfaMethod[]> {
  if (!(await hasConfirmedTotp(db, userId))) return [];
  return (await remainingRecoveryCodes(db, userId)) > 0 ? ["totp", "recovery"] : ["totp"];
}

export async function hasSecondFactor(db: Db, userId: string): Promise<boolean> {
  return hasConfirmedTotp(db, userId);
}

/**
 * Checks one answer for the user, throttled per account. A wrong answer counts against the account and is
 * audited; a recovery code that works is spent and audited.
 */
async function verifyFactor(deps: MfaDeps, userId: string, method: MfaMethod, code: string, metadata: SessionMetadata): Promise<Result<MfaMethod>> {
  // No factor to check against is not a guess: nothing to throttle or audit. A TOTP check finds that out in its
  // own read; recovery codes outlive nothing but the factor they belong to, so ask for it first.
  if (method === "recovery" && !(await hasConfirmedTotp(deps.db, userId))) return fail("MFA_NOT_ENROLLED");
  const retryAfter = await deps.throttle.retryAfter(userId);
  if (retryAfter > 0) {
    await audit(deps, "mfa.failed", userId, userId, metadata, { method, cause: "throttled" });
    return fail("RATE_LIMITED", { retryAfter });
  }
  const now = deps.sessions.clock();
  let outcome: "ok" | "wrong" | "replayed" | "not_enrolled";
  if (method === "totp") outcome = await checkTotpCode(deps.db, deps.box, userId, code, now);
  else outcome = (await spendRecoveryCode(deps.db, userId, code, new Date(now))) ? "ok" : "wrong";
  if (outcome === "not_enrolled") return fail("MFA_NOT_ENROLLED");
  if (outcome === "ok") {
    if (method === "recovery") await audit(deps, "mfa.recovery_used", userId, userId, metadata, { remaining: await remainingRecoveryCodes(deps.db, userId) });
    return ok(method);
  }
  await deps.throttle.recordFailure(userId);
  await audit(deps, "mfa.failed", userId, userId, metadata, { method, cause: outcome });
  return fail(outcome === "replayed" ? "MFA_CODE_REPLAYED" : "MFA_CODE_INVALID");
}

/** Finishes a sign-in that is waiting for its second factor: a fresh session at aal 2, the challenge spent. */
export async function completeSignIn(
  deps: MfaDeps,
  input: { challengeToken: string | null; method: MfaMethod; code: string },
  metadata: SessionMetadata,
): Promise<Result<{ token: string; userId: string }>> {
  const challenge = await findLoginChallenge(deps.db, input.challengeToken, deps.sessions.clock());
  if (!challenge || !input.challengeToken) return fail("MFA_CHALLENGE_EXPIRED");
  const verified = await verifyFactor(deps, challenge.userId, input.method, input.code, metadata);
  if (!verified.ok) {
    if (verified.code !== "RATE_LIMITED") await recordChallengeFailure(deps.db, input.challengeToken);
    return verified;
  }
  if (!(await consumeLoginChallenge(deps.db, input.challengeToken))) return fail("MFA_CHALLENGE_EXPIRED");
  const issued = await deps.sessions.createSession(challenge.userId, metadata, true);
  await audit(deps, "auth.login", challenge.userId, challenge.userId, metadata, { aal: 2, method: input.method });
  return ok({ token: issued.token, userId: challenge.userId });
}

/** Second factors belong to the account's owner: an impersonator can neither see nor change them. */
function refuseWhileImpersonating(session: SessionContext): Result<never> | null {
  const refusal = accessRefusal(session, "own-account");
  return refusal ? fail(refusal) : null;
}

/** Step-up on the current session with a second factor (before impersonation, admin actions, MFA changes). */
export async function stepUpWithFactor(deps: MfaDeps, session: SessionContext, input: { method: MfaMethod; code: string }, metadata: SessionMetadata): Promise<Result<void>> {
  // Staff powers are never used from inside an impersonation, so there is nothing to step up to there.
  const refused = refuseWhileImpersonating(session);
  if (refused) return refused;
  const verified = await verifyFactor(deps, session.user.id, input.method, input.code, metadata);
  if (!verified.ok) return verified;
  await deps.sessions.markSecondFactor(session.sessionId);
  return ok(undefined);
}

export async function startTotpEnrolment(deps: MfaDeps, session: SessionContext): Promise<Result<TotpEnrolment>> {
  const refused = refuseWhileImpersonating(session);
  if (refused) return refused;
  if (mfaRequirement(session.user.role, deps.policy) === "off") return fail("MFA_DISABLED");
  const enrolment = await createPendingTotp(deps.db, deps.box, session.user, deps.issuer);
  return enrolment ? ok(enrolment) : fail("MFA_ALREADY_ENROLLED");
}

/**
 * The first code proves the app holds the secret. Then: ten recovery codes (returned once), every other session
 * of the user ends, and this browser continues on a fresh aal-2 session.
 */
export async function confirmTotpEnrolment(
  deps: MfaDeps,
  session: SessionContext,
  code: string,
  metadata: SessionMetadata,
): Promise<Result<{ recoveryCodes: string[]; token: string }>> {
  const refused = refuseWhileImpersonating(session);
  if (refused) return refused;
  const userId = session.user.id;
  const retryAfter = await deps.throttle.retryAfter(userId);
  if (retryAfter > 0) return fail("RATE_LIMITED", { retryAfter });
  const outcome = await checkTotpCode(deps.db, deps.box, userId, code, deps.sessions.clock(), true);
  if (outcome === "not_enrolled") return fail("MFA_NOT_ENROLLED");
  if (outcome !== "ok") {
    await deps.throttle.recordFailure(userId);
    await audit(deps, "mfa.failed", userId, userId, metadata, { method: "totp", cause: outcome, during: "enrolment" });
    return fail(outcome === "replayed" ? "MFA_CODE_REPLAYED" : "MFA_CODE_INVALID");
  }
  const recoveryCodes = await replaceRecoveryCodes(deps.db, userId);
  await audit(deps, "mfa.enrol", userId, userId, metadata, { method: "totp" });
  await deps.sessions.revokeUserSessionsWithCache(userId);
  const issued = await deps.sessions.createSession(userId, metadata, true);
  return ok({ recoveryCodes, token: issued.token });
}

/** Turning the factor off needs a fresh one: a code (or recovery code) given with the request. */
export async function disableSecondFactor(
  deps: MfaDeps,
  session: SessionContext,
  input: { method: MfaMethod; code: string },
  metadata: SessionMetadata,
): Promise<Result<{ token: string }>> {
  const refused = refuseWhileImpersonating(session);
  if (refused) return refused;
  const userId = session.user.id;
  if (!(await hasConfirmedTotp(deps.db, userId))) return fail("MFA_NOT_ENROLLED");
  const verified = await verifyFactor(deps, userId, input.method, input.code, metadata);
  if (!verified.ok) return verified;
  await deps.db.transaction(async (tx) => {
    await removeTotp(tx, userId);
    await removeRecoveryCodes(tx, userId);
  });
  await audit(deps, "mfa.disable", userId, userId, metadata, { method: input.method });
  await deps.sessions.revokeUserSessionsWithCache(userId);
  const issued = await deps.sessions.createSession(userId, metadata);
  return ok({ token: issued.token });
}

/** An admin's reset of someone else's factors (the caller checked the admin's rights and step-up). All their sessions end. */
export async function resetSecondFactors(deps: MfaDeps, actor: SessionContext, targetUserId: string, metadata: SessionMetadata, reason: string | null): Promise<Result<{ revoked: number }>> {
  const refused = refuseWhileImpersonating(actor);
  if (refused) return refused;
  if (actor.user.id === targetUserId) return fail("CANNOT_CHANGE_SELF");
  await deps.db.transaction(async (tx) => {
    await removeTotp(tx, targetUserId);
    await removeRecoveryCodes(tx, targetUserId);
  });
  const ids = await deps.sessions.revokeUserSessionsWithCache(targetUserId, undefined, { by: actor.user.id, ended: "impersonation.force_end", actorGone: "impersonation.actor_revoked", reason, ip: metadata.ip, userAgent: metadata.userAgent });
  await recordAuditEvent(deps.db, { action: "mfa.reset", actorId: actor.user.id, subjectId: targetUserId, reason, metadata: { revoked: ids.length }, ip: metadata.ip, userAgent: metadata.userAgent });
  return ok({ revoked: ids.length });
}
