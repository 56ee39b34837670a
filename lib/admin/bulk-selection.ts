/**
 * What a bulk action applies to: users picked row by row, or "all N matching this filter" (the user table's
 * filter, app/admin/users/users-query.ts). A filter is turned into ids once, at confirmation: the job keeps
 * those ids, so a user created or changed to match afterwards is never picked up.
 */
import { hasPendingInvitation } from "../account/invitations";
import { users, type UserRole, type UserStatus } from "../db/schema";
import type { Db } from "../db/types";
import { asc, inArray, sql } from "drizzle-orm";
import { findUserIdsMatching, isUuid, userFilterCondition } from "../users/users";
import { BULK_MAX_USERS } from "./bulk";

export interface BulkFilter {
  q?: string;
  role?: UserRole;
  status?: UserStatus;
  /** Only accounts whose invitation is pending (the table's `?status=invited`). */
  invited?: boolean;
}

export type BulkSelection = { userIds: string[] } | { filter: BulkFilter };

function whereOf(db: Db, filter: BulkFilter, now: Date) {
  return userFilterCondition({ q: filter.q, role: filter.role, status: filter.status, onlyIds: filter.invited ? hasPendingInvitation(db, now) : undefined });
}

/** The filter as the audit row records it (only what was set). */
export function filterRecord(filter: BulkFilter): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ q: filter.q || undefined, role: filter.role, status: filter.invited ? "invited" : filter.status }).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** The selection's ids now (one more than the limit at most, so a too-large selection can be refused). */
export async function selectionIds(db: Db, selection: BulkSelection, now: Date): Promise<string[]> {
  if ("userIds" in selection) return selection.userIds.filter(isUuid).slice(0, BULK_MAX_USERS + 1);
  return findUserIdsMatching(db, whereOf(db, selection.filter, now), BULK_MAX_USERS + 1);
}

/** For the confirmation: how many users, and the first few by name. */
export async function describeSelection(db: Db, selection: BulkSelection, now: Date, first = 5): Promise<{ count: number; first: { id: string; name: string; email: string }[] }> {
  const where = "userIds" in selection ? inArray(users.id, selection.userIds.filter(isUuid).slice(0, BULK_MAX_USERS + 1)) : whereOf(db, selection.filter, now);
  if ("userIds" in selection && selection.userIds.filter(isUuid).length === 0) return { count: 0, first: [] };
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(where);
  const rows = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(where).orderBy(asc(users.name), asc(users.id)).limit(first);
  return { count: count?.n ?? 0, first: rows };
}
