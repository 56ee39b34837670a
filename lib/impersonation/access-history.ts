/**
 * The user's view of who accessed their account: one entry per access, its start and end events paired by
 * the accessId both carry (lib/session/endings.ts), so every access shows from–to, how long, how it ended
 * and why it was started. An access without an end event is one still running.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { IMPERSONATION_END_CAUSES, type ImpersonationEndCause } from "../audit/actions";
import { auditEvents, users, type UserRole } from "../db/schema";
import type { Db } from "../db/types";

export interface AccessEntry {
  /** Name or role of who accessed the account, per IMPERSONATION_DISCLOSE. */
  by: string;
  from: Date;
  /** When it ended; null while it runs. */
  to: Date | null;
  durationS: number | null;
  /** The impersonation's mode (read or write) when the start recorded one. */
  mode: string | null;
  /** How it ended; null while it runs (or, for an access older than end events, when that is not known). */
  endedHow: ImpersonationEndCause | null;
  state: "ended" | "running" | "unrecorded";
  /** Who ended it when someone other than the staff member did (a force-end, a ban), per IMPERSONATION_DISCLOSE. */
  endedBy: string | null;
  reason: string | null;
  ticket: string | null;
}

const END_ACTIONS = Object.keys(IMPERSONATION_END_CAUSES) as (keyof typeof IMPERSONATION_END_CAUSES)[];

type Person = { name: string | null; role: UserRole | null };

function disclosed(person: Person, disclose: "name" | "role"): string {
  if (disclose === "name") return person.name ?? "a staff member";
  return person.role === "admin" ? "an administrator" : "a support agent";
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** Transparency for the user: their last `limit` accesses, newest first. */
export async function listAccessesTo(db: Db, userId: string, disclose: "name" | "role", now: number, limit = 50): Promise<AccessEntry[]> {
  const actor = alias(users, "actor");
  const rows = await db
    .select({
      at: auditEvents.createdAt,
      action: auditEvents.action,
      reason: auditEvents.reason,
      metadata: auditEvents.metadata,
      actorId: actor.id,
      name: actor.name,
      role: actor.role,
    })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorId))
    .where(and(eq(auditEvents.subjectId, userId), inArray(auditEvents.action, ["impersonation.start", ...END_ACTIONS])))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    // Each access is two events at most; read enough for `limit` of them.
    .limit(limit * 2);

  const ends = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const accessId = text(row.metadata?.accessId);
    if (row.action !== "impersonation.start" && accessId && !ends.has(accessId)) ends.set(accessId, row);
  }
  const entries: AccessEntry[] = [];
  for (const start of rows) {
    if (start.action !== "impersonation.start") continue;
    const accessId = text(start.metadata?.accessId);
    const end = accessId ? ends.get(accessId) : undefined;
    // The session's own clock, as the events recorded it (the row's insert time can differ by a moment).
    const from = new Date(text(start.metadata?.startedAt) ?? start.at);
    const hardLimit = text(start.metadata?.expiresAt);
    const limitAt = hardLimit ? Date.parse(hardLimit) : null;
    // Past its limit but not yet noticed by a request or the prune job: it has expired all the same.
    const lapsed = !end && accessId !== null && limitAt !== null && limitAt <= now;
    const endedAt = end ? new Date(text(end.metadata?.endedAt) ?? end.at) : lapsed ? new Date(limitAt) : null;
    const cause = end ? IMPERSONATION_END_CAUSES[end.action as keyof typeof IMPERSONATION_END_CAUSES] : lapsed ? "expire" : null;
    const someoneElse = end && end.actorId !== start.actorId && text(end.metadata?.endedBy) !== null;
    entries.push({
      by: disclosed(start, disclose),
      from,
      to: endedAt,
      durationS: endedAt ? Math.max(0, Math.round((endedAt.getTime() - from.getTime()) / 1000)) : null,
      mode: text(start.metadata?.mode),
      endedHow: cause,
      state: endedAt ? "ended" : accessId ? "running" : "unrecorded",
      endedBy: someoneElse ? (end.actorId === userId ? "you" : disclosed(end, disclose)) : null,
      reason: start.reason,
      ticket: text(start.metadata?.ticket),
    });
    if (entries.length === limit) break;
  }
  return entries;
}
