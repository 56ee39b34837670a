/**
 * Postgres access for sessions: the source of truth. The validation read is a prepared statement because
 * the plain query builder re-plans every call (about 2.5x slower on the hot path).
 *
 * Only lib/session may import this module (enforced by ESLint and test/architecture.test.ts):
 * everything else validates through the cached path.
 */
import { and, eq, gt, inArray, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { sessions, users, type ImpersonationMode, type ReturnNotice, type UserRole, type UserStatus } from "../db/schema";
import type { Database, Db } from "../db/types";
import { timestampMs } from "../db/rows";
import { deleteSessionsWhere, type DeletedSessions, type SessionEnding } from "./endings";
import type { SessionContext, SessionMetadata } from "./types";

const impersonators = alias(users, "impersonator");

/**
 * The liveness filters, one place each: a user's own sign-in is live while both its rolling and absolute
 * expiries are ahead; an impersonation while its hard limit is (its rolling expiry is never consulted).
 */
const liveOwnSession = (now: number) =>
  and(isNull(sessions.impersonatorId), gt(sessions.expiresAt, new Date(now)), gt(sessions.absoluteExpiresAt, new Date(now)));
const liveImpersonation = (now: number) => and(isNotNull(sessions.impersonatorId), gt(sessions.absoluteExpiresAt, new Date(now)));
const IMPERSONATION_GRACE_MS = 24 * 3600 * 1000;

/**
 * The validation read: sessions joined with the effective user and, for an impersonation, the true one.
 * Written with drizzle's builder (one source of truth for names and types) but run below drizzle, as a
 * prepared statement returning array rows: drizzle's prepared execute and row mapping cost ~20 µs per call
 * here, a fifth of the round trip, on the path every cache miss takes. The columns come back in the order
 * of this selection (drizzle emits them in key order), which `toContext` destructures.
 */
function loadContextSql(db: Db): string {
  return db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      impersonatorId: sessions.impersonatorId,
      parentSessionId: sessions.parentSessionId,
      reason: sessions.impersonationReason,
      ticket: sessions.impersonationTicket,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      lastAuthenticatedAt: sessions.lastAuthenticatedAt,
      expiresAt: sessions.expiresAt,
      absoluteExpiresAt: sessions.absoluteExpiresAt,
      aal: sessions.aal,
      mfaVerifiedAt: sessions.mfaVerifiedAt,
      returnNotice: sessions.returnNotice,
      mode: sessions.impersonationMode,
      grantId: sessions.accessGrantId,
      userEmail: users.email,
      userName: users.name,
      userRole: users.role,
      userStatus: users.status,
      impEmail: impersonators.email,
      impName: impersonators.name,
      impRole: impersonators.role,
      impStatus: impersonators.status,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(impersonators, eq(impersonators.id, sessions.impersonatorId))
    .where(eq(sessions.id, sql.placeholder("id")))
    .toSQL().sql;
}

type Text = string | null;

function toContext(row: unknown[]): SessionContext {
  const [
    id, userId, impersonatorId, parentSessionId, reason, ticket,
    createdAt, lastSeenAt, lastAuthenticatedAt, expiresAt, absoluteExpiresAt, aal, mfaVerifiedAt, returnNotice, mode, grantId,
    userEmail, userName, userRole, userStatus,
    impEmail, impName, impRole, impStatus,
  ] = row as [
    string, string, Text, Text, Text, Text,
    unknown, unknown, unknown, unknown, unknown, number, unknown, unknown, Text, Text,
    string, string, UserRole, UserStatus,
    Text, Text, UserRole | null, UserStatus | null,
  ];
  const impersonating = impersonatorId !== null && parentSessionId !== null;
  const absoluteExpiresAtMs = timestampMs(absoluteExpiresAt);
  const createdAtMs = timestampMs(createdAt);
  return {
    sessionId: id,
    user: { id: userId, email: userEmail, name: userName, role: userRole, status: userStatus },
    impersonator:
      impersonating && impEmail
        ? { id: impersonatorId, email: impEmail, name: impName!, role: impRole!, status: impStatus! }
        : null,
    impersonation: impersonating
      ? {
          reason: reason ?? "",
          ticket,
          startedAt: createdAtMs,
          expiresAt: absoluteExpiresAtMs,
          parentSessionId,
          // Anything but an explicit `write` (rows from before modes existed) is read-only: least privilege.
          mode: mode === "write" ? "write" : "read",
          grantId,
        }
      : null,
    createdAt: createdAtMs,
    lastSeenAt: timestampMs(lastSeenAt),
    lastAuthenticatedAt: timestampMs(lastAuthenticatedAt),
    expiresAt: timestampMs(expiresAt),
    absoluteExpiresAt: absoluteExpiresAtMs,
    aal: aal === 2 ? 2 : 1,
    mfaVerifiedAt: mfaVerifiedAt === null ? null : timestampMs(mfaVerifiedAt),
    returnNotice: parseNotice(returnNotice),
  };
}

/** jsonb as the driver returns it: parsed (PGlite) or, below drizzle on postgres.js, sometimes text. */
function parseNotice(value: unknown): ReturnNotice | null {
  if (value === null || value === undefined) return null;
  return (typeof value === "string" ? JSON.parse(value) : value) as ReturnNotice;
}

export interface NewSession {
  id: string;
  userId: string;
  now: number;
  expiresAt: number;
  absoluteExpiresAt: number;
  lastAuthenticatedAt?: number;
  aal?: 1 | 2;
  mfaVerifiedAt?: number | null;
  impersonatorId?: string;
  parentSessionId?: string;
  reason?: string;
  ticket?: string | null;
  mode?: ImpersonationMode;
  accessGrantId?: string | null;
  metadata?: SessionMetadata;
}

export interface UserSessionListItem {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  impersonatorId: string | null;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

export function createSessionStore(database: Pick<Database, "db" | "queryArrays">) {
  const { db } = database;
  const loadSql = loadContextSql(db);

  return {
    async load(id: string): Promise<SessionContext | null> {
      const [row] = await database.queryArrays(loadSql, [id]);
      return row ? toContext(row) : null;
    },

    async insert(s: NewSession, executor: Db = db): Promise<void> {
      await executor.insert(sessions).values({
        id: s.id,
        userId: s.userId,
        impersonatorId: s.impersonatorId ?? null,
        parentSessionId: s.parentSessionId ?? null,
        impersonationReason: s.reason ?? null,
        impersonationTicket: s.ticket ?? null,
        impersonationMode: s.impersonatorId ? (s.mode ?? "read") : null,
        accessGrantId: s.accessGrantId ?? null,
        createdAt: new Date(s.now),
        lastSeenAt: new Date(s.now),
        lastAuthenticatedAt: new Date(s.lastAuthenticatedAt ?? s.now),
        aal: s.aal ?? 1,
        mfaVerifiedAt: s.mfaVerifiedAt ? new Date(s.mfaVerifiedAt) : null,
        expiresAt: new Date(s.expiresAt),
        absoluteExpiresAt: new Date(s.absoluteExpiresAt),
        ip: s.metadata?.ip ?? null,
        userAgent: s.metadata?.userAgent?.slice(0, 512) ?? null,
      });
    },

    /** One write per refresh interval: last_seen_at and the rolling expiry together. False if the row is gone. */
    async touch(id: string, now: number, expiresAt: number): Promise<boolean> {
      const rows = await db
        .update(sessions)
        .set({ lastSeenAt: new Date(now), expiresAt: new Date(expiresAt) })
        .where(eq(sessions.id, id))
        .returning({ id: sessions.id });
      return rows.length > 0;
    },

    /** Deletes a session and any impersonation hanging off it, each impersonation with its end event. */
    async deleteTree(id: string, ending: SessionEnding, now: number): Promise<DeletedSessions> {
      return db.transaction((tx) => deleteSessionsWhere(tx as unknown as Db, eq(sessions.id, id), ending, now));
    },

    /** Every session of a user, and every impersonation the user is running; optionally keeping one. */
    async deleteForUser(userId: string, ending: SessionEnding, now: number, keepId?: string, executor?: Db): Promise<DeletedSessions> {
      const owned = or(eq(sessions.userId, userId), eq(sessions.impersonatorId, userId))!;
      const where = keepId ? and(owned, ne(sessions.id, keepId), or(isNull(sessions.parentSessionId), ne(sessions.parentSessionId, keepId)))! : owned;
      // Inside the caller's transaction (a bulk batch) the deletes commit with the rest of its work.
      if (executor) return deleteSessionsWhere(executor, where, ending, now);
      return db.transaction((tx) => deleteSessionsWhere(tx as unknown as Db, where, ending, now));
    },

    /** Every live impersonation of a user (e.g. their consent was withdrawn); each admin returns to their own session. */
    async deleteImpersonationsOf(userId: string, ending: SessionEnding, now: number): Promise<DeletedSessions> {
      return db.transaction((tx) =>
        deleteSessionsWhere(tx as unknown as Db, and(eq(sessions.userId, userId), isNotNull(sessions.impersonatorId))!, ending, now),
      );
    },

    async idsForUser(userId: string, executor: Db = db): Promise<string[]> {
      const rows = await executor
        .select({ id: sessions.id })
        .from(sessions)
        .where(or(eq(sessions.userId, userId), eq(sessions.impersonatorId, userId)));
      return rows.map((r) => r.id);
    },

    /** A user's own sign-ins (impersonations of them are listed separately, as accesses). */
    async listForUser(userId: string, now: number): Promise<UserSessionListItem[]> {
      return db
        .select({
          id: sessions.id,
          createdAt: sessions.createdAt,
          lastSeenAt: sessions.lastSeenAt,
          expiresAt: sessions.expiresAt,
          ip: sessions.ip,
          userAgent: sessions.userAgent,
          impersonatorId: sessions.impersonatorId,
        })
        .from(sessions)
        .where(and(eq(sessions.userId, userId), liveOwnSession(now)))
        .orderBy(sql`${sessions.lastSeenAt} desc`);
    },

    /**
     * Gives an existing session a new id (= a new token), e.g. on the way back from an impersonation. A new
     * start or stop is the admin's own doing, so a notice about an earlier ending has served its purpose.
     */
    async rotateId(oldId: string, newId: string, executor: Db = db): Promise<boolean> {
      const rows = await executor
        .update(sessions)
        .set({ id: newId, returnNotice: null })
        .where(eq(sessions.id, oldId))
        .returning({ id: sessions.id });
      return rows.length > 0;
    },

    /**
     * Ends one impersonation (Stop, End now, expiry). Its admin's own session takes over its id, so the same
     * browser token answers the admin; `executor` lets Stop rotate that id further in the same transaction.
     * "raced": another request ended it first (and wrote the one end event).
     */
    async endImpersonation(id: string, ending: SessionEnding, now: number, executor?: Db): Promise<"returned" | "ended" | "raced"> {
      const run = async (tx: Db) => {
        const { impersonations } = await deleteSessionsWhere(tx, and(eq(sessions.id, id), isNotNull(sessions.impersonatorId))!, ending, now);
        if (impersonations.length === 0) return "raced" as const;
        return impersonations[0]!.handedBack ? ("returned" as const) : ("ended" as const);
      };
      return executor ? run(executor) : db.transaction((tx) => run(tx as unknown as Db));
    },

    /** The admin dismissed the notice about how their last impersonation ended. */
    async clearReturnNotice(id: string): Promise<void> {
      await db.update(sessions).set({ returnNotice: null }).where(eq(sessions.id, id));
    },

    /** Live impersonations, newest first (admin console). */
    async listImpersonations(now: number) {
      const targets = alias(users, "target");
      return db
        .select({
          id: sessions.id,
          reason: sessions.impersonationReason,
          ticket: sessions.impersonationTicket,
          mode: sessions.impersonationMode,
          startedAt: sessions.createdAt,
          expiresAt: sessions.absoluteExpiresAt,
          ip: sessions.ip,
          targetId: targets.id,
          targetName: targets.name,
          targetEmail: targets.email,
          actorId: impersonators.id,
          actorName: impersonators.name,
          actorEmail: impersonators.email,
        })
        .from(sessions)
        .innerJoin(targets, eq(targets.id, sessions.userId))
        .innerJoin(impersonators, eq(impersonators.id, sessions.impersonatorId))
        .where(liveImpersonation(now))
        .orderBy(sql`${sessions.createdAt} desc`);
    },

    /** Live impersonations that rely on a grant (to end them when it is revoked). */
    async impersonationsRelyingOn(grantId: string, now: number): Promise<string[]> {
      const rows = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.accessGrantId, grantId), liveImpersonation(now)));
      return rows.map((r) => r.id);
    },

    async findSession(id: string) {
      const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
      return row ?? null;
    },

    /** Step-up with a second factor: the session is now (again) a two-factor one, verified just now. */
    async markSecondFactor(id: string, now: number): Promise<void> {
      await db.update(sessions).set({ aal: 2, mfaVerifiedAt: new Date(now), lastAuthenticatedAt: new Date(now) }).where(eq(sessions.id, id));
    },

    async markAuthenticated(id: string, now: number): Promise<void> {
      await db.update(sessions).set({ lastAuthenticatedAt: new Date(now) }).where(eq(sessions.id, id));
    },

    /** Expired rows in batches; an impersonation nobody came back for gets its expiry event here. */
    async pruneExpired(now: number, batchSize = 1000): Promise<number> {
      const ending: SessionEnding = { by: null, ended: "impersonation.expire", actorGone: "impersonation.expire" };
      let total = 0;
      for (;;) {
        const batch = db
          .select({ id: sessions.id })
          .from(sessions)
          .where(
            or(
              and(isNull(sessions.parentSessionId), or(lt(sessions.expiresAt, new Date(now)), lt(sessions.absoluteExpiresAt, new Date(now)))),
              // An expired impersonation is kept a day so the browser's next request can still return to the
              // admin (and see the notice); after that it only needs its expiry event.
              and(isNotNull(sessions.parentSessionId), lt(sessions.absoluteExpiresAt, new Date(now - IMPERSONATION_GRACE_MS))),
            ),
          )
          .limit(batchSize);
        const { ids } = await db.transaction((tx) => deleteSessionsWhere(tx as unknown as Db, inArray(sessions.id, batch), ending, now));
        total += ids.length;
        if (ids.length < batchSize) return total;
      }
    },
  };
}

/**
 * Per user: live own sign-ins and the latest activity, as a subquery to join on `userId` (the admin user
 * list sorts and pages on it). Reached through lib/session/reports.ts.
 */
export function liveSessionStatsByUser(db: Db, now: number) {
  return db
    .select({
      userId: sessions.userId,
      active: sql<number>`count(*)::int`.as("active"),
      lastSeen: sql<Date | null>`max(${sessions.lastSeenAt})`.as("last_seen"),
    })
    .from(sessions)
    .where(liveOwnSession(now))
    .groupBy(sessions.userId)
    .as("stats");
}

/** How many impersonations are live right now (a metrics gauge). */
export async function countLiveImpersonations(db: Db, now: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(sessions).where(liveImpersonation(now));
  return Number(row?.n ?? 0);
}
