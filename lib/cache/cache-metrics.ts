/** Every metric the session cache writes, in one place (the manager only times validations). */
import { getMetrics } from "../observability/metrics";
import type { BreakerState } from "./breaker";

const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

export type CacheMetrics = ReturnType<typeof createCacheMetrics>;

export function createCacheMetrics() {
  const m = getMetrics();
  // Hits are plain additions (folded into nsi_session_cache_hits_total when metrics are read): see metrics.ts.
  const pending = m.pending;
  return {
    l1Hit(): void {
      pending.l1Hits++;
    },
    redisHit(): void {
      pending.redisHits++;
    },
    /** A read that Postgres must answer. */
    miss(): void {
      m.cacheMisses.inc();
    },
    /** A read that Postgres must answer because Redis could not be asked (counted as a miss too). */
    fallback(): void {
      m.cacheFallbacks.inc();
      m.cacheMisses.inc();
    },
    redisError(): void {
      m.cacheErrors.inc();
    },
    breakerMoved(to: BreakerState): void {
      m.breakerState.set(BREAKER_STATE_VALUE[to]);
      m.breakerTransitions.inc({ to });
    },
    outboxDepth(depth: number): void {
      m.outboxDepth.set(depth);
    },
  };
}
