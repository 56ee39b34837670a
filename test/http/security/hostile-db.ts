/**
 * The database diff of the hostile-input suite, read straight from the server's scratch PostgreSQL
 * database: row counts per table, a checksum of every user's identity and credentials, the session rows,
 * and the audit events added since a snapshot.
 */
import { sql } from "drizzle-orm";
import type { Database } from "@/lib/db/types";

export const TABLES = ["users", "sessions", "audit_events", "cache_invalidations"] as const;

export interface DbSnapshot {
  counts: Record<(typeof TABLES)[number], number>;
  /** md5 over (id, email, role, status, password_hash) of every user, in id order. */
  usersChecksum: string;
  sessions: { id: string; userId: string }[];
  maxAuditId: number;
}

type Row = Record<string, unknown>;
const rowsOf = (result: unknown): Row[] => (Array.isArray(result) ? result : (result as { rows: Row[] }).rows);

export async function snapshotDatabase(database: Database): Promise<DbSnapshot> {
  const { db } = database;
  const counts = {} as DbSnapshot["counts"];
  for (const table of TABLES) {
    counts[table] = Number(rowsOf(await db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
  }
  const checksum = rowsOf(
    await db.execute(
      sql`select md5(coalesce(string_agg(id::text || '|' || email || '|' || role || '|' || status || '|' || password_hash, E'\n' order by id), '')) as sum from users`,
    ),
  )[0]!.sum as string;
  const sessions = rowsOf(await db.execute(sql`select id, user_id from sessions order by id`)).map((r) => ({ id: String(r.id), userId: String(r.user_id) }));
  const maxAuditId = Number(rowsOf(await db.execute(sql`select coalesce(max(id), 0)::bigint as id from audit_events`))[0]!.id);
  return { counts, usersChecksum: checksum, sessions, maxAuditId };
}

/** Audit events added after `afterId`, counted by action. */
export async function auditActionsSince(database: Database, afterId: number): Promise<Record<string, number>> {
  const rows = rowsOf(await database.db.execute(sql`select action, count(*)::int as n from audit_events where id > ${afterId} group by action order by action`));
  return Object.fromEntries(rows.map((r) => [String(r.action), Number(r.n)]));
}
