/**
 * The measured loop for bench/validate.ts: sequential `validateSessionWithCache` calls (latency), each sample
 * tagged with the tier that answered, interleaved block by block with a comparator (a floor, or another
 * mode) so that both are measured under the same machine load; plus a concurrent pass (throughput) and
 * the app's own metric-counter deltas.
 *
 * Tier tagging needs no change to the app: a call that issued a Postgres query (database.queryCount())
 * went to Postgres; otherwise it was a Redis hit if its cache.read had to ask Redis (the read answered a
 * promise; counted by a thin wrapper installed here), else an L1 hit.
 */
import { performance } from "node:perf_hooks";
import { getMetrics } from "@/lib/observability/metrics";
import type { Runtime } from "@/lib/runtime";
import type { Comparator } from "./floors";
import { summarize, type Summary } from "./stats";

export const TIER_L1 = 0;
export const TIER_REDIS = 1;
export const TIER_POSTGRES = 2;
/** Calls per block; the mode and its comparator alternate blocks (tens of milliseconds each). */
export const BLOCK = 500;

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

/** total += after - before, field by field. */
function addDelta(total: Counters, after: Counters, before: Counters): void {
  for (const k of Object.keys(total) as (keyof Counters)[]) total[k] += after[k] - before[k];
}

/** Counts calls that reached the Redis tier (the wrapper is one closure call; it does not touch the result). */
export function countRedisLookups(runtime: Runtime): () => number {
  const cache = runtime.cache;
  const original = cache.read.bind(cache);
  let calls = 0;
  cache.read = (id: string, now: number) => {
    const read = original(id, now);
    if (read instanceof Promise) calls++;
    return read;
  };
  return () => calls;
}

export interface LoopResult {
  /** Microseconds per call. */
  samples: Float64Array;
  tiers: Uint8Array;
  /** The comparator's samples (µs), index for index; empty without a comparator. */
  comparator: Float64Array;
  /** Wall time of the mode's own calls only. */
  elapsedMs: number;
  /** Calls that answered null although the session is valid (must be 0). */
  rejected: number;
  counters: Counters;
}

/**
 * Validates tokens[sequence[i]] one at a time. `pause` runs untimed before index `at` (a multiple of
 * BLOCK), e.g. to kill Redis mid-run; the comparator runs only from block `comparatorFrom` on.
 */
export async function validationLoop(
  runtime: Runtime,
  tokens: string[],
  sequence: Uint32Array,
  redisLookups: () => number,
  options: { comparator?: Comparator; comparatorFrom?: number; pause?: { at: number; action: () => Promise<void> } } = {},
): Promise<LoopResult> {
  const n = sequence.length;
  const { comparator, pause } = options;
  const samples = new Float64Array(n);
  const tiers = new Uint8Array(n);
  const compared = new Float64Array(comparator ? n : 0);
  // Metrics are process-wide: deltas are taken around the mode's own blocks only, never the comparator's
  // (which may itself be a validation, e.g. Postgres-only as the outage mode's yardstick).
  const counters: Counters = { l1Hits: 0, redisHits: 0, misses: 0, fallbacks: 0, errors: 0, queries: 0 };
  let rejected = 0;
  let elapsedMs = 0;
  const runComparator = async (start: number, end: number) => {
    if (!comparator || start < (options.comparatorFrom ?? 0)) return;
    for (let i = start; i < end; i++) {
      const s = performance.now();
      const value = comparator(i);
      if (value instanceof Promise) await value; // synchronous comparators are timed without an await
      compared[i] = (performance.now() - s) * 1000;
    }
  };
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    if (pause && pause.at === start) await pause.action();
    // Every other block the comparator goes first: neither side always reads what the other just warmed.
    const comparatorFirst = (start / BLOCK) % 2 === 1;
    if (comparatorFirst) await runComparator(start, end);
    const before = await readCounters(runtime);
    const b0 = performance.now();
    for (let i = start; i < end; i++) {
      const q0 = runtime.database.queryCount();
      const r0 = redisLookups();
      const s = performance.now();
      const context = await runtime.sessions.validateSessionWithCache(tokens[sequence[i]!]);
      samples[i] = (performance.now() - s) * 1000;
      tiers[i] = runtime.database.queryCount() !== q0 ? TIER_POSTGRES : redisLookups() !== r0 ? TIER_REDIS : TIER_L1;
      if (context === null) rejected++;
    }
    elapsedMs += performance.now() - b0;
    addDelta(counters, await readCounters(runtime), before);
    if (!comparatorFirst) await runComparator(start, end);
  }
  return { samples, tiers, comparator: compared, elapsedMs, rejected, counters };
}

/** The samples (mode or comparator) whose index passes `keep`, summarised in µs. */
export function summarizeWhere(values: Float64Array, keep: (i: number) => boolean): Summary {
  const picked = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (keep(i)) picked[k++] = values[i]!;
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
