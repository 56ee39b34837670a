/**
 * The session cache in front of Postgres, and its one interface: `read` a session, `fill` what Postgres
 * answered with the ticket the read (or `ticket`) gave, `invalidate` after a revocation. The tiers behind
 * it: an optional in-process L1 with local tombstones and pub/sub (l1.ts), Redis with its keys and scripts
 * (redis-tier.ts), and the trust in Redis: breaker, probe, outbox replay and poll (trust.ts).
 *
 * Nothing here throws on a Redis problem: Redis unusable is an `unavailable` read, and Postgres answers.
 * A revoked session cannot come back:
 *  - every invalidation leaves a short-lived tombstone, and a fill is refused while one exists (a miss that
 *    read Postgres just before the revocation cannot write the stale context after it);
 *  - an invalidation that cannot reach Redis goes to the Postgres outbox and trips the breaker; Redis is
 *    trusted again only after a probe has replayed the outbox.
 */
import type { RedisConfig } from "../config";
import type { Logger } from "../observability/logger";
import { isContextLive, type SessionContext } from "../session/types";
import type { CircuitBreaker } from "./breaker";
import { createCacheMetrics } from "./cache-metrics";
import { FILL_MAX_AGE_MS, type CacheRead, type CacheTier, type FillTicket } from "./contract";
import { L1Tier, type L1Options } from "./l1";
import type { InvalidationOutbox } from "./outbox";
import type { RedisClient } from "./redis-client";
import { RedisTier } from "./redis-tier";
import { RedisTrust } from "./trust";

export interface SessionCacheOptions {
  client: RedisClient | null;
  redisConfig: RedisConfig | null;
  outbox: InvalidationOutbox;
  logger: Logger;
  /** SESSION_CACHE_TTL: the longest any entry lives (never longer than the session it holds). */
  ttlMs: number;
  l1?: L1Options;
  /** Interval of the cross-instance outbox check (0 disables; tests that count queries turn it off). */
  outboxPollMs?: number;
}

/** What the session manager needs of the cache. */
export type SessionCacheAccess = Pick<SessionCache, "read" | "ticket" | "load" | "fill" | "invalidate">;

function newTicket(sessionId: string, now: number, redis: boolean): FillTicket {
  return { sessionId, now, readAt: Date.now(), redis };
}

/** Redis and the trust in it come together, or not at all. */
interface RedisSide {
  tier: RedisTier;
  trust: RedisTrust;
}

/** Postgres only: nothing to fill, so every miss can share one answer. */
const UNCACHED_MISS: CacheRead = { kind: "miss", ticket: { sessionId: "", now: 0, readAt: 0, redis: false } };

export class SessionCache {
  /** The tiers this instance runs, fastest first (Postgres always answers behind them). */
  readonly tiers: readonly CacheTier[];
  private readonly l1: L1Tier;
  private readonly redis: RedisSide | null;
  private readonly metrics = createCacheMetrics();
  /** Postgres reads in flight, by session id, that later misses of the same session may share. */
  private readonly loading = new Map<string, Promise<SessionContext | null>>();

  constructor(private readonly options: SessionCacheOptions) {
    const { client, redisConfig } = options;
    this.l1 = new L1Tier(options.l1);
    if (client && redisConfig) {
      const tier = new RedisTier(client);
      const trust = new RedisTrust({
        client,
        redis: tier,
        config: redisConfig,
        outbox: options.outbox,
        logger: options.logger,
        metrics: this.metrics,
        outboxPollMs: options.outboxPollMs ?? redisConfig.outboxPollMs,
        onTrusted: () => {
          this.l1.clear();
          return this.l1.announce("*");
        },
      });
      this.redis = { tier, trust };
      this.l1.connect(client, `${redisConfig.keyPrefix}invalidate`);
    } else {
      this.redis = null;
    }
    this.tiers = [...(this.l1.enabled ? (["l1"] as const) : []), ...(this.redis ? (["redis"] as const) : [])];
  }

  /** The Redis breaker (null without Redis): health reports and tests read it. */
  get breaker(): CircuitBreaker | null {
    return this.redis?.trust.breaker ?? null;
  }

  /**
   * A live cached copy of the session at session time `now`, or a ticket to fill after asking Postgres.
   * An L1 hit answers synchronously (no I/O, no await); only a read that must ask Redis returns a promise.
   */
  read(id: string, now: number): CacheRead | Promise<CacheRead> {
    const local = this.l1.get(id);
    if (local !== undefined && isContextLive(local.context, now)) {
      this.metrics.l1Hit();
      return local;
    }
    const redis = this.redis;
    if (!redis) {
      this.metrics.miss();
      return this.l1.enabled ? { kind: "miss", ticket: newTicket(id, now, false) } : UNCACHED_MISS;
    }
    if (!redis.trust.allows()) return this.unavailable(id, now);
    return this.readRedis(redis, id, now);
  }

  /** A ticket for a Postgres read or write about to happen outside `read` (the rolling-expiry refresh). */
  ticket(sessionId: string, now: number): FillTicket {
    return newTicket(sessionId, now, true);
  }

  /**
   * Caches what Postgres answered for the ticket's session, unless it was invalidated since the ticket
   * was taken. Returns a promise only when it writes to Redis.
   */
  fill(ticket: FillTicket, context: SessionContext): Promise<void> | undefined {
    if (this.tiers.length === 0 || context.sessionId !== ticket.sessionId) return undefined;
    const ttlMs = this.ttlMs(context, ticket.now);
    // A fill this old could predate a tombstone that has already expired: drop it rather than risk reviving.
    if (ttlMs <= 0 || Date.now() - ticket.readAt > FILL_MAX_AGE_MS) return undefined;
    // Invalidated here (or announced by another instance) since the read: the context may be stale.
    if (this.l1.isTombstoned(context.sessionId)) return undefined;
    if (this.redis && ticket.redis && this.redis.trust.allows()) return this.fillRedis(this.redis, context, ttlMs);
    this.l1.offer(context, ttlMs);
    return undefined;
  }

  /**
   * Answers a miss: `fromPostgres` reads the session, and the answer is filled with the miss's ticket.
   * Concurrent misses of one session share one read and one fill, so a burst of requests from one user
   * (a page's parallel fetches after a cold start, an eviction, a Redis outage) costs one query, not one
   * each. A request joins only a read that no invalidation has overtaken: a session invalidated here or
   * announced by another instance (tombstoned) is read afresh by every request until the tombstone expires.
   */
  load(id: string, ticket: FillTicket, fromPostgres: () => Promise<SessionContext | null>): Promise<SessionContext | null> {
    const tombstoned = this.l1.isTombstoned(id);
    const shared = this.loading.get(id);
    if (shared && !tombstoned) return shared;
    const work = fromPostgres().then(async (context) => {
      const filling = context ? this.fill(ticket, context) : undefined;
      if (filling) await filling;
      return context;
    });
    if (tombstoned) return work;
    this.loading.set(id, work);
    const done = () => {
      if (this.loading.get(id) === work) this.loading.delete(id);
    };
    work.then(done, done);
    return work;
  }

  /** Drops sessions from every tier. Never throws for Redis; an unreachable Redis goes to the outbox. */
  async invalidate(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) this.loading.delete(id);
    this.l1.forget(ids);
    if (!this.redis) return;
    const { tier, trust } = this.redis;
    if (trust.allows()) {
      try {
        await tier.invalidate(ids);
        trust.succeeded();
        await this.l1.announce(ids);
        return;
      } catch (error) {
        trust.failed(error);
      }
    }
    await trust.missedInvalidation(ids);
  }

  /** What this instance's L1 holds for the session, live or not (tests and diagnostics; no I/O). */
  inspectL1(id: string): SessionContext | undefined {
    return this.l1.get(id)?.context;
  }

  async close(): Promise<void> {
    this.redis?.trust.close();
    this.l1.close();
    this.redis?.tier.close();
  }

  /** The entry never outlives the session, nor an impersonation. */
  private ttlMs(context: SessionContext, now: number): number {
    return Math.min(
      this.options.ttlMs,
      context.expiresAt - now,
      context.absoluteExpiresAt - now,
      context.impersonation ? context.impersonation.expiresAt - now : Infinity,
    );
  }

  private unavailable(id: string, now: number): CacheRead {
    this.metrics.fallback();
    return { kind: "unavailable", ticket: newTicket(id, now, false) };
  }

  private async readRedis({ tier, trust }: RedisSide, id: string, now: number): Promise<CacheRead> {
    let context: SessionContext | null;
    try {
      const raw = await tier.get(id);
      trust.succeeded();
      context = raw === null ? null : (JSON.parse(raw) as SessionContext);
    } catch (error) {
      trust.failed(error);
      return this.unavailable(id, now);
    }
    if (context !== null) {
      // The GET may have been answered just before a revocation seen here since (locally or by pub/sub):
      // this request may still use the answer once, but L1 must not keep it for its whole TTL.
      this.l1.offer(context);
      if (isContextLive(context, now)) {
        this.metrics.redisHit();
        return { kind: "hit", tier: "redis", context };
      }
    }
    this.metrics.miss();
    return { kind: "miss", ticket: newTicket(id, now, true) };
  }

  private async fillRedis({ tier, trust }: RedisSide, context: SessionContext, ttlMs: number): Promise<void> {
    try {
      const stored = await tier.fill(context, ttlMs);
      trust.succeeded();
      if (stored === 0) return; // Redis holds a tombstone: another instance revoked the session since the read.
    } catch (error) {
      trust.failed(error);
    }
    this.l1.offer(context, ttlMs);
  }
}
