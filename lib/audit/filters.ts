/** The audit log's filters as one SQL condition: the console, the JSON API and the export share it. */
import { and, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { auditEvents } from "../db/schema";
import type { Db } from "../db/types";
import { isUuid, userIdsMatching } from "../users/users";

export interface AuditFilters {
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
}

/** "Filter by person" takes a user id, or words of a name or email. */
export function personFilter(value: string | undefined): { id?: string; search?: string } {
  const v = value?.trim();
  if (!v) return {};
  return isUuid(v) ? { id: v.toLowerCase() } : { search: v };
}

export function auditWhere(db: Db, query: AuditFilters): SQL | undefined {
  const filters: SQL[] = [];
  if (query.actorId) filters.push(eq(auditEvents.actorId, query.actorId));
  if (query.subjectId) filters.push(eq(auditEvents.subjectId, query.subjectId));
  if (query.actorSearch?.trim()) filters.push(inArray(auditEvents.actorId, userIdsMatching(db, query.actorSearch)));
  if (query.subjectSearch?.trim()) filters.push(inArray(auditEvents.subjectId, userIdsMatching(db, query.subjectSearch)));
  if (query.action) filters.push(eq(auditEvents.action, query.action));
  if (query.actions?.length) filters.push(inArray(auditEvents.action, [...query.actions]));
  if (query.from) filters.push(gte(auditEvents.createdAt, query.from));
  if (query.to) filters.push(lte(auditEvents.createdAt, query.to));
  return filters.length ? and(...filters) : undefined;
}
