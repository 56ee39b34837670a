/**
 * Admin actions on other users. Each changes Postgres first, then the cache tiers, and is audited
 * with the true actor. Callers have already checked that the actor is an admin and not impersonating.
 */
import { recordAuditEvent } from "../audit/audit";
import type { UserRole } from "../db/schema";
import { fail, ok, type Result } from "../errors";
import type { Runtime } from "../runtime";
import { isWellFormedSessionId } from "../session/token";
import type { SessionEnding } from "../session/manager";
import type { SessionContext, SessionMetadata } from "../session/types";
import { findUserById, isUuid, setUserRole, setUserStatus, type PublicUser } from "../users/users";

type Deps = Pick<Runtime, "database" | "sessions">;

async function loadTarget(deps: Deps, actor: SessionContext, userId: string, allowSelf: boolean): Promise<Result<PublicUser>> {
  if (!isUuid(userId)) return fail("INVALID_ID");
  const target = await findUserById(deps.database.db, userId);
  if (!target) return fail("USER_NOT_FOUND");
  if (!allowSelf && target.id === actor.user.id) return fail("CANNOT_CHANGE_SELF");
  return ok(target);
}

/** How an admin's action on a user ends impersonations: those of the user are force-ended, those they run revoked. */
function endingBy(actor: SessionContext, metadata: SessionMetadata, ended: SessionEnding["ended"], reason?: string | null): SessionEnding {
  return { by: actor.user.id, ended, actorGone: "impersonation.actor_revoked", reason: reason ?? null, ip: metadata.ip, userAgent: metadata.userAgent };
}

/**
 * A role change drops the user's cached sessions so the next request sees the new role. Saving the role the
 * user already has changes nothing and writes nothing (`changed: false`).
 */
export async function changeUserRole(
  deps: Deps,
  actor: SessionContext,
  userId: string,
  role: UserRole,
  metadata: SessionMetadata,
  reason?: string | null,
): Promise<Result<PublicUser & { changed: boolean }>> {
  const target = await loadTarget(deps, actor, userId, false);
  if (!target.ok) return target;
  if (target.value.role === role) return ok({ ...target.value, changed: false });
  const updated = await setUserRole(deps.database.db, userId, role);
  if (!updated) return fail("USER_NOT_FOUND");
  await deps.sessions.dropUserFromCache(userId);
  await recordAuditEvent(deps.database.db, {
    action: "user.role",
    actorId: actor.user.id,
    subjectId: userId,
    reason: reason ?? null,
    metadata: { from: target.value.role, to: role, before: { role: target.value.role }, after: { role } },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ ...updated, changed: true });
}

/** A ban revokes every session of the user, and every impersonation they were running, at once. */
export async function setUserBanned(deps: Deps, actor: SessionContext, userId: string, banned: boolean, metadata: SessionMetadata, reason?: string): Promise<Result<PublicUser>> {
  const target = await loadTarget(deps, actor, userId, false);
  if (!target.ok) return target;
  const status = banned ? "banned" : "active";
  const updated = await setUserStatus(deps.database.db, userId, status);
  if (!updated) return fail("USER_NOT_FOUND");
  // Impersonations of the banned user end with target_banned and hand each admin back to their own session.
  if (banned) await deps.sessions.revokeUserSessionsWithCache(userId, undefined, endingBy(actor, metadata, "impersonation.target_banned", reason));
  else await deps.sessions.dropUserFromCache(userId);
  await recordAuditEvent(deps.database.db, {
    action: banned ? "user.ban" : "user.unban",
    actorId: actor.user.id,
    subjectId: userId,
    reason: reason ?? null,
    metadata: { before: { status: target.value.status }, after: { status } },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok(updated);
}

export async function revokeAllSessionsOf(deps: Deps, actor: SessionContext, userId: string, metadata: SessionMetadata, reason?: string | null): Promise<Result<{ revoked: number }>> {
  const target = await loadTarget(deps, actor, userId, true);
  if (!target.ok) return target;
  // Revoking your own sessions from the console keeps the one you are using.
  const ids = await deps.sessions.revokeUserSessionsWithCache(userId, userId === actor.user.id ? actor.sessionId : undefined, endingBy(actor, metadata, "impersonation.force_end", reason));
  await recordAuditEvent(deps.database.db, {
    action: "session.revoke_all",
    actorId: actor.user.id,
    subjectId: userId,
    reason: reason ?? null,
    metadata: { count: ids.length },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ revoked: ids.length });
}

export async function revokeSessionOf(deps: Deps, actor: SessionContext, userId: string, sessionId: string, metadata: SessionMetadata): Promise<Result<{ revoked: number }>> {
  if (!isUuid(userId) || !isWellFormedSessionId(sessionId)) return fail("INVALID_ID");
  const owner = await deps.sessions.findSessionOwner(sessionId);
  if (!owner || (owner.userId !== userId && owner.impersonatorId !== userId)) return fail("SESSION_NOT_FOUND");
  const ids = await deps.sessions.revokeSessionWithCache(sessionId, endingBy(actor, metadata, "impersonation.force_end"));
  await recordAuditEvent(deps.database.db, {
    action: "session.revoke",
    actorId: actor.user.id,
    subjectId: userId,
    metadata: { count: ids.length },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ revoked: ids.length });
}

export interface SessionImpact {
  /** The user's own live sign-ins. */
  sessions: number;
  /** Live impersonations of the user, and those the user is running. */
  impersonations: number;
}

/** What ending all of a user's sessions would end, for the confirmation ("Ends 3 sessions and 1 live impersonation"). */
export async function sessionImpactOf(deps: Deps, userId: string): Promise<SessionImpact> {
  const [own, live] = await Promise.all([deps.sessions.listUserSessions(userId), deps.sessions.listLiveImpersonations()]);
  return { sessions: own.length, impersonations: live.filter((i) => i.targetId === userId || i.actorId === userId).length };
}
