/**
 * What a signed-in user may do to their own account: change the password, revoke sessions.
 * All refused while impersonating (an impersonator must never take over the account).
 */
import { recordAuditEvent } from "../audit/audit";
import { accessRefusal } from "../auth/access";
import { hashPassword, verifyPassword } from "../auth/password";
import { checkPassword, isOverlongPassword, passwordRefusal } from "../auth/password-policy";
import { fail, ok, type Result } from "../errors";
import type { Runtime } from "../runtime";
import { isWellFormedSessionId } from "../session/token";
import type { SessionContext, SessionMetadata } from "../session/types";
import { getPasswordHash, setUserPassword } from "../users/users";

type Deps = Pick<Runtime, "database" | "sessions">;

export async function changePassword(
  deps: Deps,
  session: SessionContext,
  input: { currentPassword: string; newPassword: string },
  metadata: SessionMetadata,
): Promise<Result<{ token: string }>> {
  const refusal = accessRefusal(session, "own-account");
  if (refusal) return fail(refusal);
  const verdict = checkPassword(input.newPassword, { role: session.user.role, email: session.user.email, name: session.user.name });
  if (!verdict.ok) return passwordRefusal(verdict);
  const hash = await getPasswordHash(deps.database.db, session.user.id);
  const current = isOverlongPassword(input.currentPassword) ? null : input.currentPassword;
  if (!hash || current === null || !(await verifyPassword(hash, current))) return fail("INVALID_CREDENTIALS");
  await setUserPassword(deps.database.db, session.user.id, await hashPassword(input.newPassword));
  // A new password ends every other sign-in, and this one continues on a fresh token (privilege change).
  await deps.sessions.revokeUserSessionsWithCache(session.user.id);
  const issued = await deps.sessions.createSession(session.user.id, metadata);
  await recordAuditEvent(deps.database.db, {
    action: "auth.password_change",
    actorId: session.user.id,
    subjectId: session.user.id,
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ token: issued.token });
}

export async function revokeOwnSession(
  deps: Deps,
  session: SessionContext,
  sessionId: string,
  metadata: SessionMetadata,
): Promise<Result<{ revoked: number }>> {
  const refusal = accessRefusal(session, "own-account");
  if (refusal) return fail(refusal);
  if (!isWellFormedSessionId(sessionId)) return fail("INVALID_ID");
  const owner = await deps.sessions.findSessionOwner(sessionId);
  // Someone else's session answers exactly like a missing one: ids of other users' sessions are not confirmed.
  if (!owner || owner.userId !== session.user.id || owner.impersonatorId) return fail("SESSION_NOT_FOUND");
  // One of your own sign-ins may be an admin's session under an impersonation: it ends with it.
  const ids = await deps.sessions.revokeSessionWithCache(sessionId, { by: session.user.id, ended: "impersonation.force_end", actorGone: "impersonation.actor_revoked", ip: metadata.ip, userAgent: metadata.userAgent });
  await recordAuditEvent(deps.database.db, {
    action: "session.revoke",
    actorId: session.user.id,
    subjectId: session.user.id,
    metadata: { current: sessionId === session.sessionId },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ revoked: ids.length });
}

export async function revokeOtherSessions(deps: Deps, session: SessionContext, metadata: SessionMetadata): Promise<Result<{ revoked: number }>> {
  const refusal = accessRefusal(session, "own-account");
  if (refusal) return fail(refusal);
  const ids = await deps.sessions.revokeUserSessionsWithCache(session.user.id, session.sessionId);
  await recordAuditEvent(deps.database.db, {
    action: "session.revoke_others",
    actorId: session.user.id,
    subjectId: session.user.id,
    metadata: { count: ids.length },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ revoked: ids.length });
}
