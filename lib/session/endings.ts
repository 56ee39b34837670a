/**
 * The one way a session row leaves Postgres. Deleting an impersonation writes its end event, with its
 * cause, in the same transaction as the delete: no code path can end an impersonation silently (a test
 * keeps every `delete(sessions)` in this file). Reached only through lib/session/store.ts.
 */
import { createHash } from "node:crypto";
import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { recordAuditEvent } from "../audit/audit";
import { IMPERSONATION_END_CAUSES } from "../audit/actions";
import { auditEvents, sessions, users, type ReturnNotice } from "../db/schema";
import type { Db } from "../db/types";

export type ImpersonationEndAction = keyof typeof IMPERSONATION_END_CAUSES;

/** Why sessions are being deleted, so each impersonation among them gets its end event. */
export interface SessionEnding {
  /** Who ended it: the admin who forced it, banned or revoked; null when nobody acted (expiry). */
  by: string | null;
  /** The end event of an impersonation that is deleted itself (its admin's own session survives it). */
  ended: ImpersonationEndAction;
  /** The end event of an impersonation that goes because its admin's own session is deleted with it. */
  actorGone: ImpersonationEndAction;
  /** The reason given for ending it; the impersonation's own reason when none is given. */
  reason?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface EndedImpersonation {
  id: string;
  action: ImpersonationEndAction;
  /** The admin's own session took over the impersonation's id: the same browser token answers the admin. */
  handedBack: boolean;
}

export interface DeletedSessions {
  ids: string[];
  impersonations: EndedImpersonation[];
}

/**
 * A stable, non-secret name for one impersonation, shared by its start and end events (the session id is a
 * token hash and, after a hand-back, names the admin's own session; it never goes into the audit log).
 */
export function accessIdOf(impersonationSessionId: string): string {
  return createHash("sha256").update(`access:${impersonationSessionId}`).digest("hex").slice(0, 32);
}

/**
 * Deletes the sessions matching `where` and every impersonation hanging off them (the foreign key would
 * cascade to those silently; naming them here gives each its end event). An impersonation whose admin
 * session survives hands the browser back: the admin's own session takes over the impersonation's id, so
 * the next request with the same cookie answers the admin (server components cannot set a new cookie), with
 * a notice saying how it ended.
 */
export async function deleteSessionsWhere(tx: Db, where: SQL, ending: SessionEnding, now: number): Promise<DeletedSessions> {
  const matched = tx.select({ id: sessions.id }).from(sessions).where(where);
  const rows = await tx
    .delete(sessions)
    .where(or(where, inArray(sessions.parentSessionId, matched)))
    .returning({
      id: sessions.id,
      userId: sessions.userId,
      impersonatorId: sessions.impersonatorId,
      parentSessionId: sessions.parentSessionId,
      reason: sessions.impersonationReason,
      ticket: sessions.impersonationTicket,
      mode: sessions.impersonationMode,
      createdAt: sessions.createdAt,
      absoluteExpiresAt: sessions.absoluteExpiresAt,
    });
  const ids = rows.map((r) => r.id);
  const deleted = new Set(ids);
  const ended = rows.filter((r) => r.impersonatorId !== null && r.parentSessionId !== null);
  if (ended.length === 0) return { ids, impersonations: [] };

  const names = await namesOf(tx, [...ended.map((r) => r.userId), ...(ending.by ? [ending.by] : [])]);
  const impersonations: EndedImpersonation[] = [];
  for (const row of ended) {
    const actorGone = deleted.has(row.parentSessionId!);
    const action = actorGone ? ending.actorGone : ending.ended;
    const cause = IMPERSONATION_END_CAUSES[action];
    // An expiry ended the access when its limit passed, whenever the next request noticed.
    const endedAt = cause === "expire" ? Math.min(now, row.absoluteExpiresAt.getTime()) : now;
    let handedBack = false;
    if (!actorGone) {
      // The admin's own Stop says so on its own page; every other ending is news to them.
      const notice: ReturnNotice | null =
        cause === "stop" ? null : { cause, targetName: names.get(row.userId) ?? "the user", endedAt, byName: ending.by && ending.by !== row.impersonatorId ? (names.get(ending.by) ?? null) : null };
      const adopted = await tx
        .update(sessions)
        .set({ id: row.id, returnNotice: notice })
        .where(eq(sessions.id, row.parentSessionId!))
        .returning({ id: sessions.id });
      handedBack = adopted.length > 0;
    }
    await recordAuditEvent(tx, {
      action,
      actorId: ending.by ?? row.impersonatorId,
      subjectId: row.userId,
      reason: ending.reason ?? row.reason,
      metadata: {
        accessId: accessIdOf(row.id),
        cause,
        impersonatorId: row.impersonatorId,
        // Both identities and the mode on every row about an impersonation (a missing mode was read-only).
        mode: row.mode ?? "read",
        endedBy: ending.by,
        ticket: row.ticket,
        startedAt: row.createdAt.toISOString(),
        endedAt: new Date(endedAt).toISOString(),
        expiresAt: row.absoluteExpiresAt.toISOString(),
      },
      ip: ending.ip ?? null,
      userAgent: ending.userAgent ?? null,
    });
    impersonations.push({ id: row.id, action, handedBack });
  }
  return { ids, impersonations };
}

/** Whether the access named `accessId` has its end event (for "End now" on a row that ended meanwhile). */
export async function hasEndEvent(db: Db, accessId: string): Promise<boolean> {
  const rows = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(inArray(auditEvents.action, END_ACTIONS), sql`${auditEvents.metadata}->>'accessId' = ${accessId}`))
    .limit(1);
  return rows.length > 0;
}

export const END_ACTIONS = Object.keys(IMPERSONATION_END_CAUSES) as ImpersonationEndAction[];

async function namesOf(tx: Db, ids: string[]): Promise<Map<string, string>> {
  const rows = await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
