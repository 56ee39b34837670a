/** Append-only audit log (the database refuses UPDATE and DELETE on the table). */
import { desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { auditEvents, users } from "../db/schema";
import type { Db } from "../db/types";
import { rowsOf } from "../db/rows";
import { notifyForAuditEvent } from "../notify/notify-audit";
import { auditWhere, type AuditFilters } from "./filters";

export { auditWhere, personFilter, type AuditFilters } from "./filters";
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

type Executor = Pick<Db, "insert" | "select" | "execute">;

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and audit fields carry attacker-chosen text (a requested id,
 * a reason): a NUL would turn an audited refusal into a 500. It becomes U+FFFD, so the record still shows it.
 * A lone surrogate (from a JSON escape) would be stored as U+FFFD anyway; it is replaced here too.
 */
function withoutNul<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\u0000", "\ufffd").toWellFormed() as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}

/**
 * Appends one row to the chain in a single statement, so it is atomic with or without a surrounding
 * transaction and costs one round trip: lock the chain head (`FOR UPDATE`: writers on every instance queue
 * here, one order), snapshot actor and subject from `users`, hash in SQL over the values as stored
 * (drizzle/0008_audit_chain_sql.sql), insert, move the head.
 */
async function appendChained(db: Executor, event: AuditEventInput): Promise<void> {
  const metadata = event.metadata == null ? null : JSON.stringify(withoutNul(event.metadata));
  const result = await db.execute(sql`
    with head as (select seq, hash from audit_chain_head where id = 1 for update),
    fields as (
      select head.seq + 1 as seq, head.hash as prev_hash, date_trunc('milliseconds', now()) as created_at,
        ${event.action}::text as action, ${event.actorId}::uuid as actor_id, ${event.subjectId}::uuid as subject_id,
        a.email as actor_email, a.name as actor_name, a.role as actor_role,
        s.email as subject_email, s.name as subject_name, s.role as subject_role,
        ${withoutNul(event.reason ?? null)}::text as reason, ${metadata}::jsonb as metadata,
        ${withoutNul(event.ip ?? null)}::text as ip, ${withoutNul(event.userAgent ?? null)}::text as user_agent
      from head
      left join users a on a.id = ${event.actorId}::uuid
      left join users s on s.id = ${event.subjectId}::uuid
    ),
    appended as (
      insert into audit_events (seq, prev_hash, hash, created_at, action, actor_id, subject_id, actor_email, actor_name, actor_role,
        subject_email, subject_name, subject_role, reason, metadata, ip, user_agent)
      select seq, prev_hash,
        audit_chain_hash(prev_hash, audit_canonical(seq, created_at, action, actor_id, actor_email, actor_name, actor_role,
          subject_id, subject_email, subject_name, subject_role, reason, metadata, ip, user_agent)),
        created_at, action, actor_id, subject_id, actor_email, actor_name, actor_role,
        subject_email, subject_name, subject_role, reason, metadata, ip, user_agent
      from fields
      returning seq, hash
    )
    update audit_chain_head set seq = appended.seq, hash = appended.hash from appended where audit_chain_head.id = 1
    returning audit_chain_head.seq`);
  // Without the head row nothing would be inserted: an audit event must never vanish silently.
  if (rowsOf(result).length !== 1) throw new Error("audit: the chain head row (audit_chain_head id = 1) is missing; the event was not recorded");
}

export async function recordAuditEvent(db: Executor, event: AuditEventInput): Promise<void> {
  await appendChained(db, event);
  // The user is told on the same executor, so notice and mail commit or roll back with the audit row.
  await notifyForAuditEvent(db, { ...event, reason: withoutNul(event.reason ?? null), metadata: withoutNul(event.metadata ?? null) });
}

export interface AuditQuery extends AuditFilters {
  page?: number;
  pageSize?: number;
}

/** A person on an audit row: as they were when it was written (the snapshot), and whether they still exist. */
export interface AuditPerson {
  id: string;
  name: string | null;
  email: string | null;
  role: string | null;
  /** The user still exists: the console links to them. */
  live: boolean;
}

export interface AuditListItem {
  id: number;
  seq: number;
  action: string;
  reason: string | null;
  metadata: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  actor: AuditPerson | null;
  subject: AuditPerson | null;
}

const person = (id: string | null, name: string | null, email: string | null, role: string | null, liveId: string | null): AuditPerson | null =>
  id ? { id, name, email, role, live: liveId !== null } : null;

export async function listAuditEvents(db: Db, query: AuditQuery): Promise<{ items: AuditListItem[]; total: number }> {
  const actor = alias(users, "actor");
  const subject = alias(users, "subject");
  const where = auditWhere(db, query);
  const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 200);
  const page = Math.max(query.page ?? 1, 1);
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: auditEvents.id,
        seq: auditEvents.seq,
        action: auditEvents.action,
        reason: auditEvents.reason,
        metadata: auditEvents.metadata,
        ip: auditEvents.ip,
        userAgent: auditEvents.userAgent,
        createdAt: auditEvents.createdAt,
        actorId: auditEvents.actorId,
        actorName: auditEvents.actorName,
        actorEmail: auditEvents.actorEmail,
        actorRole: auditEvents.actorRole,
        actorLive: actor.id,
        subjectId: auditEvents.subjectId,
        subjectName: auditEvents.subjectName,
        subjectEmail: auditEvents.subjectEmail,
        subjectRole: auditEvents.subjectRole,
        subjectLive: subject.id,
      })
      .from(auditEvents)
      .leftJoin(actor, eq(actor.id, auditEvents.actorId))
      .leftJoin(subject, eq(subject.id, auditEvents.subjectId))
      .where(where)
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.seq))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(where),
  ]);
  return {
    total: count?.n ?? 0,
    items: rows.map((r) => ({
      id: r.id,
      seq: r.seq,
      action: r.action,
      reason: r.reason,
      metadata: r.metadata,
      ip: r.ip,
      userAgent: r.userAgent,
      createdAt: r.createdAt,
      actor: person(r.actorId, r.actorName, r.actorEmail, r.actorRole, r.actorLive),
      subject: person(r.subjectId, r.subjectName, r.subjectEmail, r.subjectRole, r.subjectLive),
    })),
  }
}
