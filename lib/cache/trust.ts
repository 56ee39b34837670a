/**
 * When Redis may be used: the breaker, the reasons to distrust Redis's contents, the probe that restores
 * trust, the outbox of invalidations Redis missed, and the poll for other instances' outbox entries.
 *
 * Two reasons for the breaker to be open are told apart. Redis being slow or failing (timeouts) says
 * nothing about its contents: once it answers a ping it is trusted as before, without reading Postgres, so
 * cached sessions keep working through a Postgres outage or hang. Distrust (startup, a dropped connection,
 * a lost invalidation, another instance's outbox entries) needs the outbox replayed, so Postgres must be
 * up to close the breaker.
 */
import type { RedisConfig } from "../config";
import type { Logger } from "../observability/logger";
import { CircuitBreaker } from "./breaker";
import type { CacheMetrics } from "./cache-metrics";
import type { InvalidationOutbox } from "./outbox";
import type { RedisClient } from "./redis-client";
import type { RedisTier } from "./redis-tier";

export interface RedisTrustOptions {
  client: RedisClient;
  redis: RedisTier;
  config: RedisConfig;
  outbox: InvalidationOutbox;
  logger: Logger;
  metrics: CacheMetrics;
  /** Interval of the cross-instance outbox check (0 disables). */
  outboxPollMs: number;
  /** The last step of a successful probe (L1 copies may have missed invalidation messages while Redis was away). */
  onTrusted: () => Promise<void>;
}

export class RedisTrust {
  readonly breaker: CircuitBreaker;
  /** Set by every distrust event; cleared only by a probe that replayed the outbox. */
  private replayRequired = true;
  /** Invalidations that reached neither Redis nor the outbox (both were down): deleted by the next probe. */
  private readonly unqueued = new Set<string>();
  private pollTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: RedisTrustOptions) {
    const { client, config, metrics, logger } = options;
    this.breaker = new CircuitBreaker({
      failureThreshold: config.breakerFailures,
      cooldownMs: config.breakerCooldownMs,
      // One command timeout apart: timeouts closer than that fired together, after a stall of this process.
      failureSpacingMs: config.commandTimeoutMs,
      // Real time, not the injected clock: Redis recovers in wall-clock time even when tests freeze session time.
      clock: Date.now,
      probe: () => this.probe(),
      onTransition: (to, from) => {
        metrics.breakerMoved(to);
        logger.info("redis breaker", { from, to });
      },
    });
    // Redis is not trusted until the outbox has been replayed once (startup), nor after any disconnect.
    this.distrust();
    client.on("close", () => this.distrust());
    client.on("ready", () => void this.breaker.probeNow());
    if (client.status === "ready") void this.breaker.probeNow();
    if (options.outboxPollMs > 0) {
      this.pollTimer = setInterval(() => void this.pollOutbox(), options.outboxPollMs);
      this.pollTimer.unref();
    }
  }

  /** May this request use Redis? (When the cooldown is over, this also starts the background probe.) */
  allows(): boolean {
    return this.breaker.allows();
  }

  succeeded(): void {
    this.breaker.recordSuccess();
  }

  failed(error: unknown): void {
    this.options.metrics.redisError();
    this.breaker.recordFailure();
    this.options.logger.debug("redis command failed", { error: error instanceof Error ? error.message : String(error) });
  }

  /**
   * Redis did not take these deletes: stop trusting Redis, then remember the deletes in Postgres for the
   * probe. Throws when Postgres failed too (the ids are then kept in memory for the probe).
   */
  async missedInvalidation(ids: string[]): Promise<void> {
    this.distrust();
    const { outbox, metrics } = this.options;
    try {
      await outbox.enqueue(ids);
    } catch (error) {
      // The revocation itself was committed just before: the probe deletes these before Redis is trusted again.
      for (const id of ids) this.unqueued.add(id);
      throw error;
    }
    metrics.outboxDepth(await outbox.depth().catch(() => ids.length));
  }

  close(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.breaker.dispose();
  }

  /** Redis's contents may be stale: only a probe that has replayed the outbox may close the breaker again. */
  private distrust(): void {
    this.replayRequired = true;
    this.breaker.trip();
  }

  /** The breaker's probe: Redis answers, and every invalidation missed during the outage has been applied. */
  private async probe(): Promise<void> {
    const { redis } = this.options;
    await redis.ping();
    if (this.unqueued.size > 0) {
      const ids = [...this.unqueued];
      await redis.invalidate(ids);
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
    await this.options.onTrusted();
  }

  private async replayOutbox(): Promise<void> {
    const { outbox, redis, metrics } = this.options;
    for (;;) {
      const batch = await outbox.peek(500);
      if (batch.length === 0) break;
      await redis.invalidate(batch);
      await outbox.remove(batch);
    }
    metrics.outboxDepth(0);
  }

  /**
   * Another instance may have queued invalidations we did not see; apply them before trusting Redis.
   * Runs in every breaker state, so that "the outbox was empty" is never older than one interval.
   */
  private async pollOutbox(): Promise<void> {
    try {
      const depth = await this.options.outbox.depth();
      this.options.metrics.outboxDepth(depth);
      if (depth === 0) return;
      const state = this.breaker.current;
      // Open: the next probe will replay it (and cannot close while Postgres is away). Left as is, so
      // that polling does not keep pushing the probe back.
      if (state === "open") {
        this.replayRequired = true;
        return;
      }
      // Half-open: the probe running now may have skipped the replay; the trip keeps it from closing.
      this.distrust();
      if (state === "closed") await this.breaker.probeNow();
    } catch {
      // Postgres unreachable: nothing to learn now.
    }
  }
}
