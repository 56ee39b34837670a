/**
 * The in-process tier: the optional L1 copies, the local tombstones, and the pub/sub channel that carries
 * invalidations between instances' L1s.
 *
 * Local tombstones exist with L1 off too: they are this process's record of recent invalidations (its own
 * and those announced by other instances), and refuse every fill of those sessions, Redis's included.
 * Worst-case staleness of an L1 copy: one pub/sub delivery, or its L1 TTL when the message is lost (the
 * subscriber reconnects with an empty L1, since it cannot know what it missed).
 */
import { LRUCache } from "lru-cache";
import type { SessionContext } from "../session/types";
import { TOMBSTONE_TTL_MS, type CacheHit } from "./contract";
import { duplicateForSubscribe, type RedisClient } from "./redis-client";

export interface L1Options {
  enabled: boolean;
  ttlMs: number;
  max: number;
}

/**
 * lru-cache's default ttlResolution (1 ms) caches "now" behind a 1 ms timer: when lookups are more than a
 * millisecond apart (any server below ~1k requests a second per instance), every lookup schedules a timer
 * whose firing is one more wake-up of the event loop. Reading the clock on each lookup is cheaper.
 */
const CLOCK_EVERY_LOOKUP = { ttlResolution: 0 } as const;

export class L1Tier {
  /** Holds the hit answers themselves, so that an L1 hit allocates nothing. */
  private readonly entries: LRUCache<string, CacheHit> | null;
  private readonly ttlMs: number;
  /** Recently invalidated ids that no fill may cache again. */
  private readonly tombstones = new LRUCache<string, true>({ max: 100_000, ttl: TOMBSTONE_TTL_MS, ...CLOCK_EVERY_LOOKUP });
  private publisher: RedisClient | null = null;
  private subscriber: RedisClient | null = null;
  private channel = "";

  constructor(options: L1Options | undefined) {
    this.entries = options?.enabled ? new LRUCache({ max: options.max, ttl: options.ttlMs, ttlAutopurge: false, ...CLOCK_EVERY_LOOKUP }) : null;
    this.ttlMs = options?.ttlMs ?? 0;
  }

  get enabled(): boolean {
    return this.entries !== null;
  }

  /** Synchronous, no I/O. The caller checks liveness. */
  get(id: string): CacheHit | undefined {
    return this.entries?.get(id);
  }

  /** The one way into L1: refused while the session is tombstoned here. */
  offer(context: SessionContext, ttlMs = this.ttlMs): void {
    if (!this.entries || this.tombstones.has(context.sessionId)) return;
    this.entries.set(context.sessionId, { kind: "hit", tier: "l1", context }, { ttl: Math.min(ttlMs, this.ttlMs) });
  }

  isTombstoned(id: string): boolean {
    return this.tombstones.has(id);
  }

  /** Drops the sessions and tombstones them in this process, so an in-flight fill cannot re-add them. */
  forget(ids: string[]): void {
    for (const id of ids) {
      this.entries?.delete(id);
      this.tombstones.set(id, true);
    }
  }

  clear(): void {
    this.entries?.clear();
  }

  /** Joins the instances' invalidation channel (L1 only: without copies there is nothing to announce or drop). */
  connect(client: RedisClient, channel: string): void {
    if (!this.entries) return;
    this.publisher = client;
    this.channel = channel;
    const sub = duplicateForSubscribe(client);
    this.subscriber = sub;
    // Messages published while we were disconnected are lost, so a reconnect starts from an empty L1.
    sub.on("ready", () => {
      this.clear();
      // Subscribe on every ready: with the offline queue off, a subscribe sent while connecting would fail.
      void sub.subscribe(channel).catch(() => {});
    });
    sub.on("message", (_channel: string, message: string) => {
      try {
        const ids = JSON.parse(message) as string[] | "*";
        if (ids === "*") this.clear();
        else this.forget(ids);
      } catch {
        this.clear();
      }
    });
  }

  /** Tells the other instances to drop these sessions ("*": everything). Never throws. */
  async announce(ids: string[] | "*"): Promise<void> {
    if (!this.publisher) return;
    try {
      await this.publisher.publish(this.channel, JSON.stringify(ids));
    } catch {
      // Other instances' L1 entries then expire by their short TTL: the documented worst case.
    }
  }

  close(): void {
    this.subscriber?.disconnect();
  }
}
