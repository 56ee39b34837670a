/** User records: lookups for login and the admin console, role and status changes. */
import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { users, USER_ROLES, USER_STATUSES, type UserRole, type UserStatus, type UserRow } from "../db/schema";
import type { Db } from "../db/types";
import { liveSessionStatsByUser } from "../session/reports";

export type PublicUser = Pick<UserRow, "id" | "email" | "name" | "role" | "status" | "createdAt" | "sample">;

const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  status: users.status,
  createdAt: users.createdAt,
  sample: users.sample,
};

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Something shaped like an email address (one @, nothing blank around it); delivery is the real test. */
export function isEmailAddress(email: string): boolean {
  return email.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(email);
}

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  // No stored email holds U+0000 (PostgreSQL text cannot), and sending one would fail the query: no match.
  if (email.includes("\u0000")) return null;
  const [row] = await db.select().from(users).where(eq(users.email, normalizeEmail(email)));
  return row ?? null;
}

export async function findUserById(db: Db, id: string): Promise<PublicUser | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function getPasswordHash(db: Db, id: string): Promise<string | null> {
  const [row] = await db.select({ h: users.passwordHash }).from(users).where(eq(users.id, id));
  return row?.h ?? null;
}

export async function setUserPassword(db: Pick<Db, "update">, id: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() }).where(eq(users.id, id));
}

export async function setUserRole(db: Db, id: string, role: UserRole): Promise<PublicUser | null> {
  const [row] = await db.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, id)).returning(publicColumns);
  return row ?? null;
}

/** The longest display name an account may carry (invitations and renames alike). */
export const USER_NAME_MAX = 200;

export async function setUserName(db: Db, id: string, name: string): Promise<PublicUser | null> {
  const [row] = await db.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, id)).returning(publicColumns);
  return row ?? null;
}

export async function setUserStatus(db: Db, id: string, status: UserStatus): Promise<PublicUser | null> {
  const [row] = await db.update(users).set({ status, updatedAt: new Date() }).where(eq(users.id, id)).returning(publicColumns);
  return row ?? null;
}

export const USER_SORTS = ["name", "email", "role", "status", "lastSeen", "created"] as const;
export type UserSort = (typeof USER_SORTS)[number];

export interface UserListQuery {
  q?: string;
  role?: UserRole;
  status?: UserStatus;
  sort?: UserSort;
  dir?: "asc" | "desc";
  page?: number;
  pageSize?: number;
  /** Only users among these (a rule owned elsewhere, e.g. "has a pending invitation"). */
  onlyIds?: SQL;
}

export interface UserListItem extends PublicUser {
  activeSessions: number;
  lastSeenAt: Date | null;
}

export function parseRole(value: unknown): UserRole | undefined {
  return USER_ROLES.includes(value as UserRole) ? (value as UserRole) : undefined;
}
export function parseStatus(value: unknown): UserStatus | undefined {
  return USER_STATUSES.includes(value as UserStatus) ? (value as UserStatus) : undefined;
}

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** At most this many words of a search count (each adds a condition). */
const MAX_SEARCH_WORDS = 8;

/**
 * Users whose name or email contains every word of `q`, in any order and any case: "lovelace ada" finds
 * Ada Lovelace, "ada example.com" her email. Undefined for a blank search (no filter).
 */
export function userSearchCondition(q: string | undefined): SQL | undefined {
  const words = (q ?? "").trim().slice(0, 200).split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return undefined;
  return and(...words.map((word) => or(ilike(users.name, likePattern(word)), ilike(users.email, likePattern(word)))!));
}

/** Ids of the users a search matches (the audit filters use it for "actor" and "subject"). */
export function userIdsMatching(db: Db, q: string) {
  return db.select({ id: users.id }).from(users).where(userSearchCondition(q));
}

/** The table's filter as SQL (search words, role, status, an extra id condition); the list and bulk selections share it. */
export function userFilterCondition(query: Pick<UserListQuery, "q" | "role" | "status" | "onlyIds">): SQL | undefined {
  const filters: SQL[] = [];
  const search = userSearchCondition(query.q);
  if (search) filters.push(search);
  if (query.role) filters.push(eq(users.role, query.role));
  if (query.status) filters.push(eq(users.status, query.status));
  if (query.onlyIds) filters.push(query.onlyIds);
  return filters.length ? and(...filters) : undefined;
}

/** Names by id, for lists that show users by id (a bulk job's skipped users). */
export async function namesByIds(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The ids of every user matching the filter, in id order, at most `limit` of them. */
export async function findUserIdsMatching(db: Db, where: SQL | undefined, limit: number): Promise<string[]> {
  const rows = await db.select({ id: users.id }).from(users).where(where).orderBy(asc(users.id)).limit(limit);
  return rows.map((r) => r.id);
}

/** The users with these ids (those that still exist), locked for the caller's transaction. */
export async function lockUsersByIds(tx: Db, ids: string[]): Promise<PublicUser[]> {
  if (ids.length === 0) return [];
  return tx.select(publicColumns).from(users).where(inArray(users.id, ids)).for("update");
}

export async function listUsers(db: Db, query: UserListQuery, now = new Date()): Promise<{ items: UserListItem[]; total: number }> {
  const where = userFilterCondition(query);
  const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 100);
  const page = Math.max(query.page ?? 1, 1);

  const stats = liveSessionStatsByUser(db, now.getTime());

  const direction = query.dir === "desc" ? desc : asc;
  const sortColumn = {
    name: users.name,
    email: users.email,
    role: users.role,
    status: users.status,
    lastSeen: stats.lastSeen,
    created: users.createdAt,
  }[query.sort ?? "name"];

  const [rows, [count]] = await Promise.all([
    db
      .select({ ...publicColumns, activeSessions: sql<number>`coalesce(${stats.active}, 0)::int`, lastSeenAt: stats.lastSeen })
      .from(users)
      .leftJoin(stats, eq(stats.userId, users.id))
      .where(where)
      .orderBy(query.sort === "lastSeen" ? sql`${stats.lastSeen} ${sql.raw(query.dir === "desc" ? "desc" : "asc")} nulls last` : direction(sortColumn), asc(users.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(users).where(where),
  ]);
  return {
    total: count?.n ?? 0,
    items: rows.map((r) => ({ ...r, lastSeenAt: r.lastSeenAt ? new Date(r.lastSeenAt) : null })),
  };
}
