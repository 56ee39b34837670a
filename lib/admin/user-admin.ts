/**
 * Admin actions on other users. Each changes Postgres in one transaction (the change, the sessions it ends
 * and its audit row commit together), then drops the cache tiers' copies. The single-user entry points ask
 * the one step-up rule first (lib/auth/step-up-rule); the bulk jobs (lib/admin/bulk.ts) run the same
 * `apply*` steps inside their batch transactions, after one step-up for the whole job.
 * Callers have already checked that the actor is an admin and not impersonating.
 */
import { recordAuditEvent } from "../audit/audit";
import { stepUp, type StepUpAnswer } from "../auth/step-up";
import { stepUpRequired, type StaffAction } from "../auth/step-up-rule";
import type { UserRole } from "../db/schema";
import type { Db } from "../db/types";
import { fail, ok, type Result } from "../errors";
import type { Runtime } from "../runtime";
import { isWellFormedSessionId } from "../session/token";
import type { SessionEnding } from "../session/manager";
import type { SessionContext, SessionMetadata } from "../session/types";
import { findUserById, isUuid, setUserRole, setUserStatus, type PublicUser } from "../users/users";

export type UserAdminDeps = Pick<Runtime, "database" | "sessions" | "stepUp">;

/** What a change leaves for after its commit: the session ids whose cached copies must go. */
export interface AppliedChange<T> {
  value: T;
  invalidate: string[];
}

/** Audit metadata a bulk job adds to each user's row (its id), so the rows can be traced to the job. */
export type AuditExtra = Record<string, unknown> | undefined;

async function loadTarget(deps: Pick<UserAdminDeps, "database">, actor: SessionContext, userId: string, allowSelf: boolean): Promise<Result<PublicUser>> {
  if (!isUuid(userId)) return fail("INVALID_ID");
  const target = await findUserById(deps.database.db, userId);
  if (!target) return fail("USER_NOT_FOUND");
  if (!allowSelf && target.id === actor.user.id) return fail("CANNOT_CHANGE_SELF");
  return ok(target);
}

/** The step-up the rule asks of `action`: the session to act from, or the refusal (REAUTH_REQUIRED / RATE_LIMITED). */
export async function stepUpFor(deps: Pick<UserAdminDeps, "stepUp">, actor: SessionContext, action: StaffAction, answer: StepUpAnswer, metadata: SessionMetadata): Promise<Result<SessionContext>> {
  if (!stepUpRequired(action)) return ok(actor);
  return stepUp(deps.stepUp, actor, answer, metadata);
}

/** How an admin's action on a user ends impersonations: those of the user are force-ended, those they run revoked. */
function endingBy(actor: SessionContext, metadata: SessionMetadata, ended: SessionEnding["ended"], reason?: string | null): SessionEnding {
  return { by: actor.user.id, ended, actorGone: "impersonation.actor_revoked", reason: reason ?? null, ip: metadata.ip, userAgent: metadata.userAgent };
}

async function afterCommit<T>(deps: Pick<UserAdminDeps, "sessions">, applied: AppliedChange<T>): Promise<T> {
  await deps.sessions.invalidateCached(applied.invalidate);
  return applied.value;
}

/** A role change, in the caller's transaction; the user's sessions are invalidated so the next request sees it. */
export async function applyRoleChange(
  tx: Db,
  deps: Pick<UserAdminDeps, "sessions">,
  actor: SessionContext,
  target: PublicUser,
  role: UserRole,
  metadata: SessionMetadata,
  reason: string | null,
  extra?: AuditExtra,
): Promise<AppliedChange<PublicUser | null>> {
  const updated = await setUserRole(tx, target.id, role);
  if (!updated) return { value: null, invalidate: [] };
  await recordAuditEvent(tx, {
    action: "user.role",
    actorId: actor.user.id,
    subjectId: target.id,
    reason,
    metadata: { from: target.role, to: role, before: { role: target.role }, after: { role }, ...extra },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return { value: updated, invalidate: await deps.sessions.sessionIdsOf(target.id, tx) };
}

/** A ban ends every session of the user, and every impersonation they run; an unban only drops cached copies. */
export async function applyBan(
  tx: Db,
  deps: Pick<UserAdminDeps, "sessions">,
  actor: SessionContext,
  target: PublicUser,
  banned: boolean,
  metadata: SessionMetadata,
  reason: string | null,
  extra?: AuditExtra,
): Promise<AppliedChange<PublicUser | null>> {
  const status = banned ? "banned" : "active";
  const updated = await setUserStatus(tx, target.id, status);
  if (!updated) return { value: null, invalidate: [] };
  // Impersonations of the banned user end with target_banned and hand each admin back to their own session.
  const invalidate = banned
    ? await deps.sessions.revokeUserSessionsIn(tx, target.id, endingBy(actor, metadata, "impersonation.target_banned", reason))
    : await deps.sessions.sessionIdsOf(target.id, tx);
  await recordAuditEvent(tx, {
    action: banned ? "user.ban" : "user.unban",
    actorId: actor.user.id,
    subjectId: target.id,
    reason,
    metadata: { before: { status: target.status }, after: { status }, ...extra },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return { value: updated, invalidate };
}

/** Signs a user out everywhere; revoking your own sessions from the console keeps the one you are using. */
export async function applyRevokeAll(
  tx: Db,
  deps: Pick<UserAdminDeps, "sessions">,
  actor: SessionContext,
  target: PublicUser,
  metadata: SessionMetadata,
  reason: string | null,
  extra?: AuditExtra,
): Promise<AppliedChange<{ revoked: number }>> {
  const keep = target.id === actor.user.id ? actor.sessionId : undefined;
  const ids = await deps.sessions.revokeUserSessionsIn(tx, target.id, endingBy(actor, metadata, "impersonation.force_end", reason), keep);
  await recordAuditEvent(tx, {
    action: "session.revoke_all",
    actorId: actor.user.id,
    subjectId: target.id,
    reason,
    metadata: { count: ids.length, ...extra },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return { value: { revoked: ids.length }, invalidate: ids };
}

/**
 * A role change drops the user's cached sessions so the next request sees the new role. Saving the role the
 * user already has changes nothing and writes nothing (`changed: false`). Needs a fresh step-up.
 */
export async function changeUserRole(
  deps: UserAdminDeps,
  actor: SessionContext,
  userId: string,
  role: UserRole,
  metadata: SessionMetadata,
  reason?: string | null,
  answer: StepUpAnswer = {},
): Promise<Result<PublicUser & { changed: boolean }>> {
  const target = await loadTarget(deps, actor, userId, false);
  if (!target.ok) return target;
  if (target.value.role === role) return ok({ ...target.value, changed: false });
  const stepped = await stepUpFor(deps, actor, "user.role", answer, metadata);
  if (!stepped.ok) return stepped;
  const applied = await deps.database.db.transaction((tx) => applyRoleChange(tx as unknown as Db, deps, stepped.value, target.value, role, metadata, reason ?? null));
  const updated = await afterCommit(deps, applied);
  return updated ? ok({ ...updated, changed: true }) : fail("USER_NOT_FOUND");
}

/** A ban revokes every session of the user, and every impersonation they were running, at once. Needs a fresh step-up. */
export async function setUserBanned(
  deps: UserAdminDeps,
  actor: SessionContext,
  userId: string,
  banned: boolean,
  metadata: SessionMetadata,
  reason?: string,
  answer: StepUpAnswer = {},
): Promise<Result<PublicUser>> {
  const target = await loadTarget(deps, actor, userId, false);
  if (!target.ok) return target;
  const stepped = await stepUpFor(deps, actor, banned ? "user.ban" : "user.unban", answer, metadata);
  if (!stepped.ok) return stepped;
  const applied = await deps.database.db.transaction((tx) => applyBan(tx as unknown as Db, deps, stepped.value, target.value, banned, metadata, reason ?? null));
  const updated = await afterCommit(deps, applied);
  return updated ? ok(updated) : fail("USER_NOT_FOUND");
}

/**
 * A role and a status change in one request (the API's PATCH): one step-up answers both, and both commit in
 * one transaction, so a code cannot be spent on the first and then be refused as a replay by the second.
 */
export async function updateUserAccount(
  deps: UserAdminDeps,
  actor: SessionContext,
  userId: string,
  change: { role?: UserRole; banned?: boolean },
  metadata: SessionMetadata,
  reason?: string | null,
  answer: StepUpAnswer = {},
): Promise<Result<PublicUser>> {
  const target = await loadTarget(deps, actor, userId, false);
  if (!target.ok) return target;
  const role = change.role !== undefined && change.role !== target.value.role ? change.role : undefined;
  const actions: StaffAction[] = [...(role ? (["user.role"] as const) : []), ...(change.banned === undefined ? [] : [change.banned ? ("user.ban" as const) : ("user.unban" as const)])];
  if (actions.length === 0) return ok(target.value);
  let acting = actor;
  if (actions.some(stepUpRequired)) {
    const stepped = await stepUp(deps.stepUp, actor, answer, metadata);
    if (!stepped.ok) return stepped;
    acting = stepped.value;
  }
  const applied = await deps.database.db.transaction(async (raw) => {
    const tx = raw as unknown as Db;
    let current: PublicUser | null = target.value;
    const invalidate: string[] = [];
    if (role && current) {
      const done = await applyRoleChange(tx, deps, acting, current, role, metadata, reason ?? null);
      current = done.value;
      invalidate.push(...done.invalidate);
    }
    if (change.banned !== undefined && current) {
      const done = await applyBan(tx, deps, acting, current, change.banned, metadata, reason ?? null);
      current = done.value;
      invalidate.push(...done.invalidate);
    }
    return { value: current, invalidate };
  });
  const updated = await afterCommit(deps, applied);
  return updated ? ok(updated) : fail("USER_NOT_FOUND");
}

/** Ends every session of a user. Needs a fresh step-up. */
export async function revokeAllSessionsOf(
  deps: UserAdminDeps,
  actor: SessionContext,
  userId: string,
  metadata: SessionMetadata,
  reason?: string | null,
  answer: StepUpAnswer = {},
): Promise<Result<{ revoked: number }>> {
  const target = await loadTarget(deps, actor, userId, true);
  if (!target.ok) return target;
  const stepped = await stepUpFor(deps, actor, "session.revoke_all", answer, metadata);
  if (!stepped.ok) return stepped;
  const applied = await deps.database.db.transaction((tx) => applyRevokeAll(tx as unknown as Db, deps, stepped.value, target.value, metadata, reason ?? null));
  return ok(await afterCommit(deps, applied));
}

export async function revokeSessionOf(deps: Pick<UserAdminDeps, "database" | "sessions">, actor: SessionContext, userId: string, sessionId: string, metadata: SessionMetadata): Promise<Result<{ revoked: number }>> {
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
export async function sessionImpactOf(deps: Pick<UserAdminDeps, "sessions">, userId: string): Promise<SessionImpact> {
  const [own, live] = await Promise.all([deps.sessions.listUserSessions(userId), deps.sessions.listLiveImpersonations()]);
  return { sessions: own.length, impersonations: live.filter((i) => i.targetId === userId || i.actorId === userId).length };
}
