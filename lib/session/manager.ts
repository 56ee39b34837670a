/**
 * Session lifecycle and the cached validator. Framework-agnostic: it sees tokens and ids, never cookies
 * or requests (lib/next does that).
 *
 * The cache (lib/cache/session-cache.ts) answers a live cached copy or a ticket; on a ticket Postgres
 * answers and the answer is filled back with it. This module keeps what the session rules decide:
 * liveness, the rolling refresh and revocation. A hit on any tier costs zero Postgres queries, and a Redis
 * problem is a counted fallback to Postgres, never an error for the caller.
 */
import { performance } from "node:perf_hooks";
import type { SessionCacheAccess } from "../cache/session-cache";
import type { Clock } from "../clock";
import { isDatabaseUnavailable } from "../db/pool-guard";
import { canImpersonate } from "../impersonation/policy";
import type { Logger } from "../observability/logger";
import { getMetrics } from "../observability/metrics";
import type { DeletedSessions, SessionEnding } from "./endings";
import type { SessionStore } from "./store";
import type { Db } from "../db/types";
import { generateSessionToken, hashSessionToken, isWellFormedToken } from "./token";
import type { SessionContext, SessionMetadata } from "./types";

export interface SessionPolicy {
  idleTtlS: number;
  absoluteTtlS: number;
  refreshIntervalS: number;
}

export interface SessionManagerDeps {
  store: SessionStore;
  cache: SessionCacheAccess;
  clock: Clock;
  policy: SessionPolicy;
  logger: Logger;
}

export interface IssuedSession {
  token: string;
  sessionId: string;
}

export type SessionManager = ReturnType<typeof createSessionManager>;
export type { SessionEnding } from "./endings";

/** An impersonation (or the admin session under it) past its limit: nobody ended it. */
const EXPIRY: SessionEnding = { by: null, ended: "impersonation.expire", actorGone: "impersonation.expire" };
const REVOKED: SessionEnding = { by: null, ended: "impersonation.force_end", actorGone: "impersonation.actor_revoked" };

export function createSessionManager(deps: SessionManagerDeps) {
  const { store, cache, clock, policy, logger } = deps;
  const metrics = getMetrics();
  const latency = {
    l1: metrics.validationSeconds.labels("l1"),
    redis: metrics.validationSeconds.labels("redis"),
    postgres: metrics.validationSeconds.labels("postgres"),
  };
  const refreshing = new Map<string, Promise<SessionContext | null>>();

  /**
   * last_seen_at and the rolling expiry are written at most once per refresh interval, so cached
   * traffic stays read-only. Impersonations never slide: their expiry is a hard limit.
   */
  function refreshDue(context: SessionContext, now: number): boolean {
    return now - context.lastSeenAt >= policy.refreshIntervalS * 1000;
  }

  /**
   * Writes the rolling expiry. `writeBack`: cache the refreshed context (a hit's refresh; after a miss the
   * caller fills it once with its own ticket).
   */
  async function refresh(context: SessionContext, now: number, writeBack: boolean): Promise<SessionContext | null> {
    const inFlight = refreshing.get(context.sessionId);
    if (inFlight) return inFlight;
    const work = (async () => {
      const ticket = writeBack ? cache.ticket(context.sessionId, now) : null;
      const expiresAt = context.impersonation ? context.expiresAt : Math.min(now + policy.idleTtlS * 1000, context.absoluteExpiresAt);
      let stillThere: boolean;
      try {
        stillThere = await store.touch(context.sessionId, now, expiresAt);
      } catch (error) {
        // Postgres is away: the write can wait for a later request, the user need not (the context is
        // still live, and nobody can revoke it without Postgres). Without this, every cached session would
        // fail within one refresh interval of a Postgres outage.
        if (!isDatabaseUnavailable(error)) throw error;
        metrics.refreshDeferred.inc();
        return context;
      }
      if (!stillThere) {
        // Revoked in Postgres while a cache still held it: make every tier forget it.
        await cache.invalidate([context.sessionId]);
        return null;
      }
      const refreshed = { ...context, lastSeenAt: now, expiresAt };
      if (ticket) await cache.fill(ticket, refreshed);
      return refreshed;
    })().finally(() => refreshing.delete(context.sessionId));
    refreshing.set(context.sessionId, work);
    return work;
  }

  /**
   * Ends a session found dead or out of bounds on validation. When it was an impersonation whose admin
   * session survives, that session now owns the id: the same token answers the admin (with a notice).
   */
  async function endOnValidation(context: SessionContext, ending: SessionEnding, now: number, depth: number): Promise<SessionContext | null> {
    const id = context.sessionId;
    if (!context.impersonation) {
      await revokeTree(id, ending, now);
      return null;
    }
    // Only the impersonation row: a racing request may have ended it already, and then this id names the
    // admin's own session, which must not go with it.
    const outcome = await store.endImpersonation(id, ending, now);
    await cache.invalidate([id]);
    if (outcome === "returned") logger.info("impersonation ended", { cause: ending.ended, actorId: context.impersonator?.id, subjectId: context.user.id });
    // "raced": the other request wrote the one end event; read what the id names now.
    return outcome !== "ended" && depth === 0 ? validateUncached(id, now, 1) : null;
  }

  /** Postgres-only validation. Not exported beyond lib/session: callers use the cached path. */
  async function validateUncached(id: string, now = clock(), depth = 0): Promise<SessionContext | null> {
    const context = await store.load(id);
    if (!context) return null;
    if (context.user.status !== "active") {
      return endOnValidation(context, { by: null, ended: "impersonation.target_banned", actorGone: "impersonation.actor_revoked" }, now, depth);
    }
    if (context.impersonation) {
      if (now >= context.impersonation.expiresAt) return endOnValidation(context, EXPIRY, now, depth);
      const actor = context.impersonator;
      // The impersonator was banned or demoted (or the target promoted) since the start: the rule that
      // allowed the start must still hold, else the impersonation ends now.
      if (!actor || !canImpersonate({ ...actor, impersonating: false }, context.user).allowed) {
        return endOnValidation(context, { by: null, ended: "impersonation.actor_revoked", actorGone: "impersonation.actor_revoked" }, now, depth);
      }
    }
    if (now >= context.expiresAt || now >= context.absoluteExpiresAt) {
      await revokeTree(id, EXPIRY, now);
      return null;
    }
    return refreshDue(context, now) ? refresh(context, now, false) : context;
  }

  async function validateIdWithCache(id: string): Promise<SessionContext | null> {
    const started = performance.now();
    const now = clock();
    const pending = cache.read(id, now);
    // An L1 hit answers synchronously: awaiting it anyway would cost a microtask on every request.
    const read = pending instanceof Promise ? await pending : pending;
    if (read.kind === "hit") {
      const context = read.context;
      const due = refreshDue(context, now);
      // The common L1 hit returns at once: a few µs of synchronous work, which timing would only slow down
      // (the histogram costs as much as the lookup). Only an L1 hit that had to write its refresh is observed.
      if (!due && read.tier === "l1") return context;
      const result = due ? await refresh(context, now, true) : context;
      latency[read.tier].observe((performance.now() - started) / 1000);
      return result;
    }
    // Not cached, or Redis unusable (error, timeout, breaker open): Postgres answers, and nobody is logged out.
    const context = await cache.load(id, read.ticket, () => validateUncached(id, now));
    latency.postgres.observe((performance.now() - started) / 1000);
    return context;
  }

  async function revokeTree(id: string, ending: SessionEnding, now: number): Promise<DeletedSessions> {
    // Postgres first: once this returns, no tier can resurrect the session (tombstones, outbox).
    const deleted = await store.deleteTree(id, ending, now);
    await cache.invalidate(deleted.ids.includes(id) ? deleted.ids : [id, ...deleted.ids]);
    return deleted;
  }

  /**
   * One session and any impersonation hanging off it; `ending` names how each impersonation among them
   * ended (callers that act for someone pass it; without it the end is audited as a force-end by nobody).
   */
  async function revokeSessionWithCache(id: string, ending: SessionEnding = REVOKED): Promise<string[]> {
    return (await revokeTree(id, ending, clock())).ids;
  }

  return {
    /** `secondFactor`: the sign-in also passed a second factor (the session records aal 2 and when). */
    async createSession(userId: string, metadata: SessionMetadata = {}, secondFactor = false): Promise<IssuedSession> {
      const now = clock();
      // A fresh token on every login: a cookie planted before login (fixation) never becomes the session.
      const token = generateSessionToken();
      const sessionId = hashSessionToken(token);
      await store.insert({
        id: sessionId,
        userId,
        now,
        expiresAt: Math.min(now + policy.idleTtlS * 1000, now + policy.absoluteTtlS * 1000),
        absoluteExpiresAt: now + policy.absoluteTtlS * 1000,
        ...(secondFactor ? { aal: 2 as const, mfaVerifiedAt: now } : {}),
        metadata,
      });
      return { token, sessionId };
    },

    /** The current session for a raw token, or null. Every request path goes through here. */
    validateSessionWithCache(token: string | null | undefined): Promise<SessionContext | null> {
      // Not an async wrapper: returning validateIdWithCache's promise from one would cost two more microtasks.
      return isWellFormedToken(token) ? validateIdWithCache(hashSessionToken(token)) : Promise.resolve(null);
    },

    validateIdWithCache,
    /** @internal lib/session only: the uncached validator, for tests and the cached path. */
    validateUncached,
    revokeSessionWithCache,

    /**
     * All sessions of a user (and every impersonation they run), optionally keeping the current one.
     * Without `ending`, the user did it themselves (a new password or second factor): impersonations of them
     * are force-ended by them, those they ran end as actor_revoked.
     */
    async revokeUserSessionsWithCache(userId: string, keepSessionId?: string, ending?: SessionEnding): Promise<string[]> {
      const { ids } = await store.deleteForUser(userId, ending ?? { by: userId, ended: "impersonation.force_end", actorGone: "impersonation.actor_revoked" }, clock(), keepSessionId);
      await cache.invalidate(ids);
      return ids;
    },

    /** Ends one impersonation (End now); its admin's browser returns to their own session with a notice. */
    async endImpersonation(sessionId: string, ending: SessionEnding): Promise<"returned" | "ended" | "raced"> {
      const outcome = await store.endImpersonation(sessionId, ending, clock());
      // The id now names the admin's own session (or nothing): no tier may keep the impersonation's context.
      if (outcome !== "raced") await cache.invalidate([sessionId]);
      return outcome;
    },

    /** Every live impersonation of a user (their consent withdrawn, say); each admin returns to their own session. */
    async endImpersonationsOf(userId: string, ending: SessionEnding): Promise<number> {
      const { ids, impersonations } = await store.deleteImpersonationsOf(userId, ending, clock());
      await cache.invalidate(ids);
      return impersonations.length;
    },

    /** The admin read the notice about how their last impersonation ended. */
    async dismissReturnNotice(sessionId: string): Promise<void> {
      await store.clearReturnNotice(sessionId);
      await cache.invalidate([sessionId]);
    },

    /**
     * Every session of a user, deleted in the caller's transaction (a bulk batch); the caller passes the ids to
     * `invalidateCached` once that transaction has committed, so no tier can be refilled from rows still there.
     */
    async revokeUserSessionsIn(tx: Db, userId: string, ending: SessionEnding, keepSessionId?: string): Promise<string[]> {
      return (await store.deleteForUser(userId, ending, clock(), keepSessionId, tx)).ids;
    },

    /** Drops sessions from every cache tier (after a commit that deleted or changed them). */
    async invalidateCached(ids: string[]): Promise<void> {
      if (ids.length > 0) await cache.invalidate(ids);
    },

    /** The ids of every session of a user and of the impersonations they run (to invalidate after a change). */
    sessionIdsOf: (userId: string, executor?: Db) => store.idsForUser(userId, executor),

    /** After a role or profile change: cached copies are dropped so the next request reads Postgres. */
    async dropUserFromCache(userId: string): Promise<void> {
      await cache.invalidate(await store.idsForUser(userId));
    },

    /** Step-up: the user just proved their password again on this session. */
    async markAuthenticated(sessionId: string): Promise<void> {
      await store.markAuthenticated(sessionId, clock());
      await cache.invalidate([sessionId]);
    },

    /** Step-up with a second factor on this session. */
    async markSecondFactor(sessionId: string): Promise<void> {
      await store.markSecondFactor(sessionId, clock());
      await cache.invalidate([sessionId]);
    },

    listUserSessions: (userId: string) => store.listForUser(userId, clock()),
    listLiveImpersonations: () => store.listImpersonations(clock()),
    /** The owner of a session row (for "may this caller revoke it?" checks), or null. */
    async findSessionOwner(id: string): Promise<{ userId: string; impersonatorId: string | null } | null> {
      const row = await store.findSession(id);
      return row ? { userId: row.userId, impersonatorId: row.impersonatorId } : null;
    },

    async pruneExpired(): Promise<number> {
      return store.pruneExpired(clock());
    },

    clock,
    policy,
  };
}
