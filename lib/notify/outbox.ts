/**
 * Writing to the mail outbox and the notification list. Both take the caller's transaction, so a message
 * exists exactly when the change it reports was committed.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { mailOutbox, notifications, type MailOutboxRow } from "../db/schema";
import { jsonValue, rowsOf, timestampMs } from "../db/rows";
import type { Database, Db } from "../db/types";
import { renderMail, type MailData, type MailTemplateName, type RenderedMail } from "./templates";

export type Writer = Pick<Db, "insert">;

export async function enqueueMail<T extends MailTemplateName>(tx: Writer, mail: { to: string; template: T; data: MailData<T> }): Promise<{ id: string }> {
  const [row] = await tx
    .insert(mailOutbox)
    .values({ recipient: mail.to, template: mail.template, payload: mail.data as unknown as Record<string, unknown> })
    .returning({ id: mailOutbox.id });
  return row!;
}

export async function createNotification(tx: Writer, notice: { userId: string; kind: string; payload: Record<string, unknown>; createdAt?: Date }): Promise<{ id: string; createdAt: Date }> {
  const [row] = await tx.insert(notifications).values(notice).returning({ id: notifications.id, createdAt: notifications.createdAt });
  return row!;
}

export interface NotificationItem {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

/** The columns of a NotificationItem, in the order listUnreadNotifications maps them by position. */
const NOTIFICATION_COLUMNS = { id: notifications.id, kind: notifications.kind, payload: notifications.payload, createdAt: notifications.createdAt, readAt: notifications.readAt };

export async function listNotifications(db: Db, userId: string, options: { unreadOnly?: boolean; limit?: number } = {}): Promise<NotificationItem[]> {
  return db
    .select(NOTIFICATION_COLUMNS)
    .from(notifications)
    .where(and(eq(notifications.userId, userId), options.unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.limit ?? 50);
}

/**
 * The owner's unread notices, newest first: the notice region's read, made on every page. Its SQL is built
 * once per database from the schema and runs below drizzle (`queryArrays`, prepared where the driver
 * prepares), like the session read: building the query again on every page cost more CPU than Postgres's
 * answer to it.
 */
export async function listUnreadNotifications(database: Pick<Database, "db" | "queryArrays">, userId: string, limit: number): Promise<NotificationItem[]> {
  let text = unreadSql.get(database.db);
  if (!text) {
    text = database.db
      .select(NOTIFICATION_COLUMNS)
      .from(notifications)
      .where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt)))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(sql.placeholder("limit"))
      .toSQL().sql;
    unreadSql.set(database.db, text);
  }
  const rows = await database.queryArrays(text, [userId, limit]);
  return rows.map(([id, kind, payload, createdAt, readAt]) => ({
    id: id as string,
    kind: kind as string,
    payload: jsonValue<Record<string, unknown>>(payload),
    createdAt: new Date(timestampMs(createdAt)),
    readAt: readAt == null ? null : new Date(timestampMs(readAt)),
  }));
}
const unreadSql = new WeakMap<Db, string>();

/** Marks the user's own notices read (ids of other users' notices change nothing). Answers how many. */
export async function markNotificationsRead(db: Db, userId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), inArray(notifications.id, [...ids]), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/**
 * A request answered (from the notice or from /account) is no longer news: its notices are marked read, in
 * the answer's transaction. Answers how many.
 */
export async function markRequestNoticesRead(db: Pick<Db, "update">, userId: string, requestId: string, kind: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, kind), sql`${notifications.payload}->>'requestId' = ${requestId}`, isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export type OutboxStatus = "pending" | "retrying" | "sent" | "failed";

export interface OutboxMessage {
  id: string;
  to: string;
  status: OutboxStatus;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  mail: RenderedMail | null;
}

function statusOf(row: MailOutboxRow): OutboxStatus {
  if (row.sentAt) return "sent";
  if (row.failedAt) return "failed";
  return row.attempts > 0 ? "retrying" : "pending";
}

/** The newest outbox messages, rendered (the development mailbox). */
export async function listOutbox(db: Db, limit = 50): Promise<OutboxMessage[]> {
  const rows = await db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt), asc(mailOutbox.id)).limit(limit);
  return rows.map((row) => {
    let mail: RenderedMail | null = null;
    try {
      mail = renderMail(row.template, row.payload);
    } catch {
      // A template of another version: listed without a body.
    }
    return { id: row.id, to: row.recipient, status: statusOf(row), attempts: row.attempts, createdAt: row.createdAt, sentAt: row.sentAt, lastError: row.lastError, mail };
  });
}

export interface OutboxStats {
  pending: number;
  failed: number;
  /** Age of the oldest message still waiting to be sent, in seconds (null when none waits). */
  oldestPendingAgeS: number | null;
}

export async function outboxStats(db: Db): Promise<OutboxStats> {
  const pending = and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt));
  const [row] = rowsOf<{ pending: number; failed: number; oldest: number | string | null }>(
    await db.execute(sql`select
      (select count(*)::int from ${mailOutbox} where ${pending}) as pending,
      (select count(*)::int from ${mailOutbox} where ${isNotNull(mailOutbox.failedAt)}) as failed,
      (select extract(epoch from now() - min(${mailOutbox.createdAt}))::float8 from ${mailOutbox} where ${pending}) as oldest`),
  );
  return {
    pending: Number(row?.pending ?? 0),
    failed: Number(row?.failed ?? 0),
    oldestPendingAgeS: row?.oldest === null || row?.oldest === undefined ? null : Math.floor(Number(row.oldest)),
  };
}
