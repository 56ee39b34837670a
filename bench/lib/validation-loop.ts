/**
 * The measured loop for bench/validate.ts: sequential `validateSessionWithCache` calls (latency), each sample
 * tagged with the tier that answered, plus a concurrent pass (throughput) and metric-counter deltas.
 *
 * Tier tagging needs no change to the app: a call that issued a Postgres query (database.queryCount())
 * went to Postgres; otherwise it was a Redis hit if it reached cache.getRedis (counted by a thin wrapper
 * installed here), else an L1 hit.
 */
import { performance } from "node:perf_hooks";
import { getMetrics } from "@/lib/observability/metrics";
import type { Runtime } from "@/lib/runtime";
import { summarize, type Summary } from "./stats";

export const TIER_L1 = 0;
export const TIER_REDIS = 1;
export const TIER_POSTGRES = 2;
export const TIER_NAMES = ["l1", "redis", "postgres"] as const;

export interface Counters {
  l1Hits: number;
  redisHits: number;
  misses: number;
  fallbacks: number;
  errors: number;
  queries: number;
}

export async function readCounters(runtime: Runtime): Promise<Counters> {
  const m = getMetrics();
  const hits = (await m.cacheHits.get()).values;
  const sum = async (c: { get(): Promise<{ values: { value: number }[] }> }) => (await c.get()).values.reduce((a, v) => a + v.value, 0);
  return {
    l1Hits: hits.find((v) => v.labels.tier === "l1")?.value ?? 0,
    redisHits: hits.find((v) => v.labels.tier === "redis")?.value ?? 0,
    misses: await sum(m.cacheMisses),
    fallbacks: await sum(m.cacheFallbacks),
    errors: await sum(m.cacheErrors),
    queries: runtime.database.queryCount(),
  };
}

export function diffCounters(after: Counters, before: Counters): Counters {
  return {
    l1Hits: after.l1Hits - before.l1Hits,
    redisHits: after.redisHits - before.redisHits,
    misses: after.misses - before.misses,
    fallbacks: after.fallbacks - before.fallbacks,
    errors: after.errors - before.errors,
    queries: after.queries - before.queries,
  };
}

/** Counts calls that reached the Redis tier (the wrapper is one closure call; it does not touch the result). */
export function countRedisLookups(runtime: Runtime): () => number {
  const cache = runtime.cache;
  const original = cache.getRedis.bind(cache);
  let calls = 0;
  cache.getRedis = (id: string) => {
    calls++;
    return original(id);
  };
  return () => calls;
}

export interface LoopResult {
  /** Microseconds per call. */
  samples: Float64Array;
  tiers: Uint8Array;
  elapsedMs: number;
  /** Calls that answered null although the session is valid (must be 0). */
  rejected: number;
  counters: Counters;
}

/**
 * Validates tokens[sequence[i]] one at a time. `pause` runs untimed between two calls (e.g. to kill Redis
 * mid-run); it is given the index it runs before.
 */
export async function validationLoop(
  runtime: Runtime,
  tokens: string[],
  sequence: Uint32Array,
  redisLookups: () => number,
  pause?: { at: number; action: () => Promise<void> },
): Promise<LoopResult> {
  const n = sequence.length;
  const samples = new Float64Array(n);
  const tiers = new Uint8Array(n);
  const validate = runtime.sessions.validateSessionWithCache;
  const before = await readCounters(runtime);
  let rejected = 0;
  let pausedMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (pause && i === pause.at) {
      const p0 = performance.now();
      await pause.action();
      pausedMs += performance.now() - p0;
    }
    const q0 = runtime.database.queryCount();
    const r0 = redisLookups();
    const s = performance.now();
    const context = await validate(tokens[sequence[i]!]);
    samples[i] = (performance.now() - s) * 1000;
    tiers[i] = runtime.database.queryCount() !== q0 ? TIER_POSTGRES : redisLookups() !== r0 ? TIER_REDIS : TIER_L1;
    if (context === null) rejected++;
  }
  const elapsedMs = performance.now() - t0 - pausedMs;
  return { samples, tiers, elapsedMs, rejected, counters: diffCounters(await readCounters(runtime), before) };
}

/** Samples of one tier (or of a range of indexes) as a summary in µs. */
export function summarizeWhere(result: LoopResult, keep: (i: number) => boolean): Summary {
  const picked = new Float64Array(result.samples.length);
  let k = 0;
  for (let i = 0; i < result.samples.length; i++) if (keep(i)) picked[k++] = result.samples[i]!;
  return summarize(picked, k);
}

/** Throughput with `concurrency` validations in flight (what a busy server asks of this code). */
export async function concurrentThroughput(runtime: Runtime, tokens: string[], sequence: Uint32Array, concurrency: number): Promise<number> {
  let next = 0;
  let rejected = 0;
  const worker = async () => {
    for (let i = next++; i < sequence.length; i = next++) {
      if ((await runtime.sessions.validateSessionWithCache(tokens[sequence[i]!])) === null) rejected++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  if (rejected > 0) throw new Error(`bench: ${rejected} valid sessions were rejected in the concurrent pass`);
  return sequence.length / seconds;
}
