/**
 * Consent to support access: a user grants it for a window and a scope, sees and revokes it; staff ask for
 * it and the user approves or declines. Every step is audited with `metadata.mode` (the scope). Revoking a
 * grant ends, at once, every live impersonation that relies on it (lib/session/impersonation-sessions.ts).
 * Who may call what is the adapters' access rule: the user's own steps are `own-account`, a request is `staff`.
 */
import { and, desc, eq, gt, inArray, isNotNull, isNull, type SQL } from "drizzle-orm";
import { recordAuditEvent } from "../audit/audit";
import { accessGrants, users, type AccessGrantRow, type ImpersonationMode, type UserRole, type UserStatus } from "../db/schema";
import type { Db } from "../db/types";
import { fail, ok, type Result } from "../errors";
import { ACCESS_REQUEST_NOTICE, accountPageUrl } from "../notify/access-request-notice";
import { markRequestNoticesRead } from "../notify/outbox";
import type { ImpersonationSessions } from "../session/impersonation-sessions";
import type { SessionContext, SessionMetadata } from "../session/types";
import { findUserById, isUuid } from "../users/users";
import { cleanText, MAX_REASON_LENGTH } from "./limits";
import { canImpersonate, canImpersonateWithWrite, consentNeeded, grantCovers, type ConsentPolicy } from "./policy";

/** The windows a user may choose, in seconds. */
export const GRANT_WINDOWS = { "1h": 3600, "24h": 86_400, "7d": 604_800 } as const;
export type GrantWindow = keyof typeof GRANT_WINDOWS;
export const isGrantWindow = (v: unknown): v is GrantWindow => typeof v === "string" && Object.hasOwn(GRANT_WINDOWS, v);
export const isMode = (v: unknown): v is ImpersonationMode => v === "read" || v === "write";

export interface GrantDeps {
  db: Db;
  impersonationSessions: ImpersonationSessions;
  clock: () => number;
}

/** Live: granted, neither revoked nor declined, and its window still open. */
const liveGrant = (now: number) => and(isNotNull(accessGrants.grantedAt), isNull(accessGrants.revokedAt), gt(accessGrants.expiresAt, new Date(now)));
/** Pending: a staff request the user has not answered (nor has it been withdrawn). */
const pendingRequest = and(isNull(accessGrants.grantedAt), isNull(accessGrants.declinedAt), isNull(accessGrants.revokedAt));

const audit = (
  db: Db,
  action: "access.grant" | "access.revoke" | "access.request" | "access.approve" | "access.decline",
  actorId: string,
  row: AccessGrantRow,
  metadata: SessionMetadata,
  extra: Record<string, unknown> = {},
) =>
  recordAuditEvent(db, {
    action,
    actorId,
    subjectId: row.userId,
    reason: row.requestReason,
    metadata: { mode: row.scope, grantId: row.id, expiresAt: row.expiresAt?.toISOString() ?? null, requestedBy: row.requestedBy, ...extra },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });

/** The user grants support access of `scope` for `window`, starting now. */
export async function grantAccess(
  deps: GrantDeps,
  session: SessionContext,
  input: { scope: unknown; window: unknown },
  metadata: SessionMetadata,
): Promise<Result<AccessGrantRow>> {
  if (session.impersonation) return fail("FORBIDDEN_WHILE_IMPERSONATING");
  if (!isMode(input.scope) || !isGrantWindow(input.window)) return fail("INVALID_INPUT");
  const now = deps.clock();
  const row = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(accessGrants)
      .values({ userId: session.user.id, scope: input.scope as ImpersonationMode, createdAt: new Date(now), grantedAt: new Date(now), expiresAt: new Date(now + GRANT_WINDOWS[input.window as GrantWindow] * 1000) })
      .returning();
    await audit(tx as unknown as Db, "access.grant", session.user.id, created!, metadata);
    return created!;
  });
  return ok(row);
}

/** The user revokes one of their live grants; impersonations relying on it end now. */
export async function revokeGrant(deps: GrantDeps, session: SessionContext, grantId: unknown, metadata: SessionMetadata): Promise<Result<{ ended: number }>> {
  if (session.impersonation) return fail("FORBIDDEN_WHILE_IMPERSONATING");
  if (!isUuid(grantId)) return fail("GRANT_NOT_FOUND");
  const now = deps.clock();
  // The update takes the grant's row lock: a start that checked this grant inside its own transaction has
  // committed before this returns, so the impersonations listed next include it.
  const row = await deps.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(accessGrants)
      .set({ revokedAt: new Date(now) })
      .where(and(eq(accessGrants.id, grantId), eq(accessGrants.userId, session.user.id), liveGrant(now)))
      .returning();
    if (revoked) await audit(tx as unknown as Db, "access.revoke", session.user.id, revoked, metadata);
    return revoked ?? null;
  });
  if (!row) return fail("GRANT_NOT_FOUND");
  const ended = await deps.impersonationSessions.endRelyingOnGrant(row.id, {
    by: session.user.id,
    ended: "impersonation.grant_revoked",
    actorGone: "impersonation.grant_revoked",
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ ended });
}

/**
 * A staff member asks the user for access of `scope`, saying why. One open request per user at a time. The
 * user is told (a notice they can answer, a mail linking to the account page on `origin`: APP_ORIGIN, else
 * the console's request).
 */
export async function requestAccess(
  deps: GrantDeps,
  staff: SessionContext,
  input: { userId: unknown; scope: unknown; reason: unknown; origin?: string | null },
  metadata: SessionMetadata,
): Promise<Result<AccessGrantRow>> {
  if (!isUuid(input.userId)) return fail("INVALID_ID");
  if (!isMode(input.scope)) return fail("INVALID_INPUT");
  const reason = cleanText(input.reason);
  if (!reason) return fail("REASON_REQUIRED");
  if ([...reason].length > MAX_REASON_LENGTH) return fail("REASON_TOO_LONG");
  const target = await findUserById(deps.db, input.userId);
  if (!target) return fail("USER_NOT_FOUND");
  // Asking for access one could not use would only pester the user.
  const decision = canImpersonate({ id: staff.user.id, role: staff.user.role, status: staff.user.status, impersonating: staff.impersonation !== null }, target);
  if (!decision.allowed) return fail(decision.code);
  const userId = target.id;
  const now = deps.clock();
  const [open] = await deps.db.select({ id: accessGrants.id }).from(accessGrants).where(and(eq(accessGrants.userId, userId), pendingRequest)).limit(1);
  if (open) return fail("REQUEST_PENDING");
  const row = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(accessGrants)
      .values({ userId, scope: input.scope as ImpersonationMode, requestedBy: staff.user.id, requestReason: reason, createdAt: new Date(now) })
      .returning();
    await audit(tx as unknown as Db, "access.request", staff.user.id, created!, metadata, { accountUrl: accountPageUrl(input.origin) });
    return created!;
  });
  return ok(row);
}

/** The user answers a pending request: approve (it becomes a grant for `window`) or decline. */
export async function answerRequest(
  deps: GrantDeps,
  session: SessionContext,
  input: { requestId: unknown; answer: "approve" | "decline"; window?: unknown },
  metadata: SessionMetadata,
): Promise<Result<AccessGrantRow>> {
  if (session.impersonation) return fail("FORBIDDEN_WHILE_IMPERSONATING");
  if (!isUuid(input.requestId)) return fail("GRANT_NOT_FOUND");
  if (input.answer === "approve" && !isGrantWindow(input.window)) return fail("INVALID_INPUT");
  const now = deps.clock();
  const set =
    input.answer === "approve"
      ? { grantedAt: new Date(now), expiresAt: new Date(now + GRANT_WINDOWS[input.window as GrantWindow] * 1000) }
      : { declinedAt: new Date(now) };
  const row = await deps.db.transaction(async (tx) => {
    const [answered] = await tx
      .update(accessGrants)
      .set(set)
      .where(and(eq(accessGrants.id, input.requestId as string), eq(accessGrants.userId, session.user.id), pendingRequest))
      .returning();
    if (!answered) return null;
    await audit(tx as unknown as Db, input.answer === "approve" ? "access.approve" : "access.decline", session.user.id, answered, metadata);
    await markRequestNoticesRead(tx, session.user.id, answered.id, ACCESS_REQUEST_NOTICE);
    return answered;
  });
  return row ? ok(row) : fail("GRANT_NOT_FOUND");
}

/** The live grant that covers `mode` for this user, the one open longest if several; null if none. */
export async function liveGrantCovering(db: Db, userId: string, mode: ImpersonationMode, now: number): Promise<AccessGrantRow | null> {
  const rows = await db
    .select()
    .from(accessGrants)
    .where(and(eq(accessGrants.userId, userId), liveGrant(now)))
    .orderBy(desc(accessGrants.expiresAt));
  return rows.find((r) => grantCovers(r.scope, mode)) ?? null;
}

/** Inside a start's transaction: the grant is still live (its row locked until the start commits). */
export async function confirmGrantLive(tx: Db, grantId: string, now: number): Promise<boolean> {
  const rows = await tx.select({ id: accessGrants.id }).from(accessGrants).where(and(eq(accessGrants.id, grantId), liveGrant(now))).for("update");
  return rows.length > 0;
}

export type GrantListItem = AccessGrantRow & { requesterName: string | null; requesterRole: UserRole | null };

export interface GrantOverview {
  active: GrantListItem[];
  pending: GrantListItem[];
}

/** What /account shows: live grants and unanswered requests (with who asked), newest first. */
export async function grantsOf(db: Db, userId: string, now: number): Promise<GrantOverview> {
  const list = (filter: SQL | undefined) =>
    db
      .select({ grant: accessGrants, requesterName: users.name, requesterRole: users.role })
      .from(accessGrants)
      .leftJoin(users, eq(users.id, accessGrants.requestedBy))
      .where(and(eq(accessGrants.userId, userId), filter))
      .orderBy(desc(accessGrants.createdAt))
      .then((rows) => rows.map((r) => ({ ...r.grant, requesterName: r.requesterName, requesterRole: r.requesterRole })));
  const [active, pending] = await Promise.all([list(liveGrant(now)), list(pendingRequest)]);
  return { active, pending };
}

/** For the console's user list: per user, the widest live grant scope and whether a request is open. */
export interface GrantStatus {
  /** The widest live grant's scope, or null when none is live. */
  scope: ImpersonationMode | null;
  expiresAt: Date | null;
  /** A staff request is waiting for the user's answer. */
  pending: boolean;
}

export async function grantStatusOf(db: Db, userIds: string[], now: number): Promise<Map<string, GrantStatus>> {
  const status = new Map<string, GrantStatus>();
  if (userIds.length === 0) return status;
  const [live, open] = await Promise.all([
    db.select().from(accessGrants).where(and(inArray(accessGrants.userId, userIds), liveGrant(now))),
    db.select({ userId: accessGrants.userId }).from(accessGrants).where(and(inArray(accessGrants.userId, userIds), pendingRequest)),
  ]);
  for (const g of live) {
    const seen = status.get(g.userId);
    // The widest scope wins: a write grant says more than a read one.
    if (!seen || (seen.scope !== "write" && g.scope === "write")) status.set(g.userId, { scope: g.scope, expiresAt: g.expiresAt, pending: false });
  }
  for (const r of open) status.set(r.userId, { ...(status.get(r.userId) ?? { scope: null, expiresAt: null }), pending: true });
  return status;
}

/** For the start dialog: whether `write` can be chosen now, else the code that would refuse it. */
export async function writeModeRefusal(
  deps: { db: Db; consent: ConsentPolicy; writeRoles: readonly UserRole[]; now: number },
  actor: { role: UserRole; status: UserStatus },
  targetId: string,
): Promise<"WRITE_NOT_ALLOWED" | "CONSENT_REQUIRED" | null> {
  const write = canImpersonateWithWrite(actor, deps.writeRoles);
  if (!write.allowed) return write.code;
  const needed = consentNeeded(deps.consent, "write");
  if (needed && !(await liveGrantCovering(deps.db, targetId, needed, deps.now))) return "CONSENT_REQUIRED";
  return null;
}
