/**
 * The cache tiers in front of Postgres: an optional in-process L1 and Redis.
 *
 * Contract with the validator: `get` answers a context, `null` (not cached) or `undefined` (Redis unusable:
 * fall back to Postgres). Nothing here ever throws on a Redis problem. Writes and deletes are guarded so that
 * a revoked session cannot come back:
 *  - every invalidation leaves a short-lived tombstone, and a fill is refused while one exists (a miss that
 *    read Postgres just before the revocation cannot write the stale context after it);
 *  - an invalidation that cannot reach Redis goes to the Postgres outbox and trips the breaker; Redis is
 *    trusted again only after a probe has replayed the outbox.
 * Two reasons for the breaker to be open are told apart. Redis being slow or failing (timeouts) says
 * nothing about its contents: once it answers a ping it is trusted as before, without reading Postgres, so
 * cached sessions keep working through a Postgres outage or hang. Distrust (startup, a dropped connection,
 * a lost invalidation, another instance's outbox entries) needs the outbox replayed, so Postgres must be
 * up to close the breaker.
 */
import { LRUCache } from "lru-cache";
import type { RedisConfig } from "../config";
import type { Logger } from "../observability/logger";
import { getMetrics } from "../observability/metrics";
import type { SessionContext } from "../session/types";
import { CircuitBreaker } from "./breaker";
import type { InvalidationOutbox } from "./outbox";
import { duplicateForSubscribe, type RedisClient } from "./redis-client";

/** Longer than any fill can take (fills older than FILL_MAX_AGE_MS are dropped), so tombstones always win. */
export const TOMBSTONE_TTL_MS = 10_000;
export const FILL_MAX_AGE_MS = 5_000;

// Both keys of a session share the {hash tag} so the scripts work on Redis Cluster (same slot).
const dataKey = (id: string) => `s:{${id}}`;
const tombstoneKey = (id: string) => `t:{${id}}`;

const FILL_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const INVALIDATE_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1`;

type ScriptedClient = RedisClient & {
  nsiFill(data: string, tomb: string, value: string, ttlMs: number): Promise<number>;
  nsiInvalidate(data: string, tomb: string, tombTtlMs: number): Promise<number>;
};

export interface SessionCacheOptions {
  client: RedisClient | null;
  redisConfig: RedisConfig | null;
  outbox: InvalidationOutbox;
  logger: Logger;
  l1?: { enabled: boolean; ttlMs: number; max: number };
  /** Interval of the cross-instance outbox check (0 disables; tests that count queries turn it off). */
  outboxPollMs?: number;
}

export type CacheTier = "l1" | "redis";

export class SessionCache {
  readonly breaker: CircuitBreaker | null;
  private readonly client: ScriptedClient | null;
  private readonly l1: LRUCache<string, SessionContext> | null;
  /** In-process tombstones, mirroring Redis's: recently invalidated ids that no fill may cache again. */
  private readonly localTombstones = new LRUCache<string, true>({ max: 100_000, ttl: TOMBSTONE_TTL_MS });
  /** Set by every distrust event; cleared only by a probe that replayed the outbox. */
  private replayRequired = true;
  /** Invalidations that reached neither Redis nor the outbox (both were down): deleted by the next probe. */
  private readonly unqueued = new Set<string>();
  private subscriber: RedisClient | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly channel: string;
  private readonly metrics = getMetrics();

  constructor(private readonly options: SessionCacheOptions) {
    const { client, redisConfig } = options;
    this.channel = `${redisConfig?.keyPrefix ?? ""}invalidate`;
    this.l1 = options.l1?.enabled ? new LRUCache({ max: options.l1.max, ttl: options.l1.ttlMs, ttlAutopurge: false }) : null;
    if (!client || !redisConfig) {
      this.client = null;
      this.breaker = null;
      return;
    }
    client.defineCommand("nsiFill", { numberOfKeys: 2, lua: FILL_SCRIPT });
    client.defineCommand("nsiInvalidate", { numberOfKeys: 2, lua: INVALIDATE_SCRIPT });
    this.client = client as ScriptedClient;
    this.breaker = new CircuitBreaker({
      failureThreshold: redisConfig.breakerFailures,
      cooldownMs: redisConfig.breakerCooldownMs,
      // Real time, not the injected clock: Redis recovers in wall-clock time even when tests freeze session time.
      clock: Date.now,
      probe: () => this.probe(),
      onTransition: (to, from) => {
        this.metrics.breakerState.set(to === "closed" ? 0 : to === "half-open" ? 1 : 2);
        this.metrics.breakerTransitions.inc({ to });
        options.logger.info("redis breaker", { from, to });
      },
    });
    // Redis is not trusted until the outbox has been replayed once (startup), nor after any disconnect.
    this.distrust();
    client.on("close", () => this.distrust());
    client.on("ready", () => void this.breaker?.probeNow());
    if (client.status === "ready") void this.breaker.probeNow();
    if (this.l1) this.subscribe(client);
    const pollMs = options.outboxPollMs ?? redisConfig.outboxPollMs;
    if (pollMs > 0) {
      this.pollTimer = setInterval(() => void this.pollOutbox(), pollMs);
      this.pollTimer.unref();
    }
  }

  get redisEnabled(): boolean {
    return this.client !== null;
  }

  /** False when running on Postgres alone (no Redis, no L1): there is nothing to fill. */
  get cachesAnything(): boolean {
    return this.client !== null || this.l1 !== null;
  }

  get l1Enabled(): boolean {
    return this.l1 !== null;
  }

  get redis(): RedisClient | null {
    return this.client;
  }

  /** L1 lookup (synchronous, no I/O). */
  getL1(id: string): SessionContext | undefined {
    return this.l1?.get(id);
  }

  /** Redis lookup. `undefined` means "Redis unusable right now": the caller falls back to Postgres. */
  async getRedis(id: string): Promise<SessionContext | null | undefined> {
    if (!this.client || !this.breaker!.allows()) return undefined;
    try {
      const raw = await this.client.get(dataKey(id));
      this.breaker!.recordSuccess();
      if (raw === null) return null;
      const context = JSON.parse(raw) as SessionContext;
      // The GET may have been answered just before a revocation seen here since (locally or by pub/sub):
      // the caller may still use this answer once, but L1 must not keep it for its whole TTL.
      if (!this.localTombstones.has(id)) this.l1?.set(id, context);
      return context;
    } catch (error) {
      this.noteFailure(error);
      return undefined;
    }
  }

  /** Writes a context loaded from Postgres at `readStartedAt` (wall-clock ms); refused if an invalidation happened since. */
  async fill(context: SessionContext, ttlMs: number, readStartedAt: number, options: { skipRedis?: boolean } = {}): Promise<void> {
    const id = context.sessionId;
    // A fill this old could predate a tombstone that has already expired: drop it rather than risk reviving.
    if (ttlMs <= 0 || Date.now() - readStartedAt > FILL_MAX_AGE_MS) return;
    // Invalidated here (or announced by another instance) since the read: the context may be stale.
    if (this.localTombstones.has(id)) return;
    // skipRedis: this request's read already failed; a second timeout on the write-back would double its wait.
    if (this.client && !options.skipRedis && this.breaker!.allows()) {
      try {
        const stored = await this.client.nsiFill(dataKey(id), tombstoneKey(id), JSON.stringify(context), Math.ceil(ttlMs));
        this.breaker!.recordSuccess();
        if (stored === 0) return; // Redis holds a tombstone: same reasoning, another instance revoked it.
      } catch (error) {
        this.noteFailure(error);
      }
    }
    if (this.l1 && !this.localTombstones.has(id)) this.l1.set(id, context, { ttl: Math.min(ttlMs, this.options.l1!.ttlMs) });
  }

  /** Drops sessions from every tier. Never throws for Redis; an unreachable Redis goes to the outbox. */
  async invalidate(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.forgetLocally(ids);
    if (!this.client) return;
    if (this.breaker!.allows()) {
      try {
        await this.deleteInRedis(ids);
        this.breaker!.recordSuccess();
        await this.publish(ids);
        return;
      } catch (error) {
        this.noteFailure(error);
      }
    }
    // Redis did not take the delete: stop trusting Redis, then remember the delete in Postgres for the probe.
    this.distrust();
    try {
      await this.options.outbox.enqueue(ids);
    } catch (error) {
      // Postgres failed too (the revocation itself was committed just before): keep the ids in memory so
      // the probe deletes them before Redis is trusted again.
      for (const id of ids) this.unqueued.add(id);
      throw error;
    }
    this.metrics.outboxDepth.set(await this.options.outbox.depth().catch(() => ids.length));
  }

  /** Redis's contents may be stale: only a probe that has replayed the outbox may close the breaker again. */
  private distrust(): void {
    this.replayRequired = true;
    this.breaker?.trip();
  }

  /** Drops sessions from L1 and remembers them as tombstoned in this process, so an in-flight fill cannot re-add them. */
  private forgetLocally(ids: string[]): void {
    for (const id of ids) {
      this.l1?.delete(id);
      this.localTombstones.set(id, true);
    }
  }

  async close(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.breaker?.dispose();
    this.subscriber?.disconnect();
    this.client?.disconnect();
  }

  private async deleteInRedis(ids: string[]): Promise<void> {
    // One call per id: in a Cluster the ids live in different slots.
    await Promise.all(ids.map((id) => this.client!.nsiInvalidate(dataKey(id), tombstoneKey(id), TOMBSTONE_TTL_MS)));
  }

  private async publish(ids: string[] | "*"): Promise<void> {
    if (!this.l1) return;
    try {
      await this.client!.publish(this.channel, JSON.stringify(ids));
    } catch {
      // Other instances' L1 entries then expire by their short TTL: the documented worst case.
    }
  }

  /** The breaker's probe: Redis answers, and every invalidation missed during the outage has been applied. */
  private async probe(): Promise<void> {
    await this.client!.ping();
    if (this.unqueued.size > 0) {
      const ids = [...this.unqueued];
      await this.deleteInRedis(ids);
      for (const id of ids) this.unqueued.delete(id);
    }
    // Opened by Redis failures alone: no invalidation was lost (each one that missed Redis set
    // replayRequired, and so does the poll on finding another instance's), so Redis is as trustworthy as
    // before it failed and the probe does not touch Postgres. A Postgres read here would hold the breaker
    // half-open, with every cached session sent to Postgres, for as long as Postgres takes to answer: during
    // a Postgres outage or hang, that is the whole outage.
    if (this.replayRequired) {
      // Cleared first: a distrust event while the replay runs sets it again (and the breaker's generation
      // check keeps this probe from closing).
      this.replayRequired = false;
      try {
        await this.replayOutbox();
      } catch (error) {
        this.replayRequired = true;
        throw error;
      }
    }
    // L1 copies may have missed invalidation messages while Redis was away.
    this.l1?.clear();
    await this.publish("*");
  }

  private async replayOutbox(): Promise<void> {
    for (;;) {
      const batch = await this.options.outbox.peek(500);
      if (batch.length === 0) break;
      await this.deleteInRedis(batch);
      await this.options.outbox.remove(batch);
    }
    this.metrics.outboxDepth.set(0);
  }

  /**
   * Another instance may have queued invalidations we did not see; apply them before trusting Redis.
   * Runs in every breaker state, so that "the outbox was empty" is never older than one interval.
   */
  private async pollOutbox(): Promise<void> {
    try {
      const depth = await this.options.outbox.depth();
      this.metrics.outboxDepth.set(depth);
      if (depth === 0) return;
      const state = this.breaker!.current;
      // Open: the next probe will replay it (and cannot close while Postgres is away). Left as is, so
      // that polling does not keep pushing the probe back.
      if (state === "open") {
        this.replayRequired = true;
        return;
      }
      // Half-open: the probe running now may have skipped the replay; the trip keeps it from closing.
      this.distrust();
      if (state === "closed") await this.breaker!.probeNow();
    } catch {
      // Postgres unreachable: nothing to learn now.
    }
  }

  private subscribe(client: RedisClient): void {
    const sub = duplicateForSubscribe(client);
    this.subscriber = sub;
    // Messages published while we were disconnected are lost, so a reconnect starts from an empty L1.
    sub.on("ready", () => {
      this.l1?.clear();
      // Subscribe on every ready: with the offline queue off, a subscribe sent while connecting would fail.
      void sub.subscribe(this.channel).catch(() => {});
    });
    sub.on("message", (_channel: string, message: string) => {
      try {
        const ids = JSON.parse(message) as string[] | "*";
        if (ids === "*") this.l1?.clear();
        else this.forgetLocally(ids);
      } catch {
        this.l1?.clear();
      }
    });
  }

  private noteFailure(error: unknown): void {
    this.metrics.cacheErrors.inc();
    this.breaker!.recordFailure();
    this.options.logger.debug("redis command failed", { error: error instanceof Error ? error.message : String(error) });
  }
}
