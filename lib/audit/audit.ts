/** Append-only audit log (the database refuses UPDATE and DELETE on the table). */
import { and, desc, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { auditEvents, users } from "../db/schema";
import type { Db } from "../db/types";
import { userIdsMatching } from "../users/users";
import { notifyForAuditEvent } from "../notify/notify-audit";

export { AUDIT_ACTIONS, IMPERSONATION_END_CAUSES, type AuditAction, type ImpersonationEndCause } from "./actions";
import type { AuditAction } from "./actions";

export interface AuditEventInput {
  action: AuditAction;
  /** The true user behind the action (the admin while impersonating). */
  actorId: string | null;
  /** The effective user, or the user acted upon. */
  subjectId: string | null;
  reason?: string | null;
  metadata?: Record<string, unknown> | null;
  ip?: string | null;
  userAgent?: string | null;
}

type Executor = Pick<Db, "insert" | "select">;

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and audit fields carry attacker-chosen text (a requested id,
 * a reason): a NUL would turn an audited refusal into a 500. It becomes U+FFFD, so the record still shows it.
 */
function withoutNul<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\u0000", "\ufffd") as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}

export async function recordAuditEvent(db: Executor, event: AuditEventInput): Promise<void> {
  await db.insert(auditEvents).values({
    action: event.action,
    actorId: event.actorId,
    subjectId: event.subjectId,
    reason: withoutNul(event.reason ?? null),
    metadata: withoutNul(event.metadata ?? null),
    ip: withoutNul(event.ip ?? null),
    userAgent: withoutNul(event.userAgent ?? null),
  });
  // The user is told on the same executor, so notice and mail commit or roll back with the audit row.
  await notifyForAuditEvent(db, { ...event, reason: withoutNul(event.reason ?? null), metadata: withoutNul(event.metadata ?? null) });
}

export interface AuditQuery {
  actorId?: string;
  subjectId?: string;
  /** Events whose actor's name or email contains every word of this (lib/users userSearchCondition). */
  actorSearch?: string;
  subjectSearch?: string;
  action?: string;
  /** Any of these actions (e.g. a user's whole impersonation history in one query). */
  actions?: readonly string[];
  from?: Date;
  to?: Date;
  page?: number;
  pageSize?: number;
}

export interface AuditListItem {
  id: number;
  action: string;
  reason: string | null;
  metadata: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  actor: { id: string; name: string; email: string; role: string } | null;
  subject: { id: string; name: string; email: string; role: string } | null;
}

export async function listAuditEvents(db: Db, query: AuditQuery): Promise<{ items: AuditListItem[]; total: number }> {
  const actor = alias(users, "actor");
  const subject = alias(users, "subject");
  const filters: SQL[] = [];
  if (query.actorId) filters.push(eq(auditEvents.actorId, query.actorId));
  if (query.subjectId) filters.push(eq(auditEvents.subjectId, query.subjectId));
  if (query.actorSearch?.trim()) filters.push(inArray(auditEvents.actorId, userIdsMatching(db, query.actorSearch)));
  if (query.subjectSearch?.trim()) filters.push(inArray(auditEvents.subjectId, userIdsMatching(db, query.subjectSearch)));
  if (query.action) filters.push(eq(auditEvents.action, query.action));
  if (query.actions?.length) filters.push(inArray(auditEvents.action, [...query.actions]));
  if (query.from) filters.push(gte(auditEvents.createdAt, query.from));
  if (query.to) filters.push(lte(auditEvents.createdAt, query.to));
  const where = filters.length ? and(...filters) : undefined;
  const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 200);
  const page = Math.max(query.page ?? 1, 1);
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: auditEvents.id,
        action: auditEvents.action,
        reason: auditEvents.reason,
        metadata: auditEvents.metadata,
        ip: auditEvents.ip,
        userAgent: auditEvents.userAgent,
        createdAt: auditEvents.createdAt,
        actorId: actor.id,
        actorName: actor.name,
        actorEmail: actor.email,
        actorRole: actor.role,
        subjectId: subject.id,
        subjectName: subject.name,
        subjectEmail: subject.email,
        subjectRole: subject.role,
      })
      .from(auditEvents)
      .leftJoin(actor, eq(actor.id, auditEvents.actorId))
      .leftJoin(subject, eq(subject.id, auditEvents.subjectId))
      .where(where)
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(where),
  ]);
  return {
    total: count?.n ?? 0,
    items: rows.map((r) => ({
      id: r.id,
      action: r.action,
      reason: r.reason,
      metadata: r.metadata,
      ip: r.ip,
      userAgent: r.userAgent,
      createdAt: r.createdAt,
      actor: r.actorId ? { id: r.actorId, name: r.actorName!, email: r.actorEmail!, role: r.actorRole! } : null,
      subject: r.subjectId ? { id: r.subjectId, name: r.subjectName!, email: r.subjectEmail!, role: r.subjectRole! } : null,
    })),
  };
}
