/** bench/validate.ts's result shape and its console tables. */
import { fmt, printTable } from "./report";
import type { redisBytesPerSession } from "./redis-memory";
import { ratio, type Summary } from "./stats";
import { BLOCK, type Counters } from "./validation-loop";

type RedisMemory = Awaited<ReturnType<typeof redisBytesPerSession>>;

export interface ModeOutcome {
  mode: string;
  n: number;
  overall: Summary;
  byTier: { l1: Summary; redis: Summary; postgres: Summary };
  /** What the mode is judged on (its own tier; the outage mode after the kill) and its comparator, same calls. */
  judged: Summary;
  comparatorName?: string;
  comparator?: Summary;
  seqOpsPerSec: number;
  concOpsPerSec: number;
  counters: Counters;
  hitRate: number;
  queriesPerValidation: number;
  rejected: number;
  beforeKill?: Summary;
  /** Judged samples whose previous call was answered by the same tier (no other I/O code ran in between). */
  afterSameTier?: Summary;
}

export function printValidateTables(
  modes: ModeOutcome[],
  run: { zipfS: number; cacheIterations: number; postgresIterations: number; pgliteIterations: number; concurrency: number; killAt: number; compulsory: number },
  payloadBytes: number,
  memory: RedisMemory,
): void {
  printTable(
    `Validation latency (µs), sequential; Zipf s=${run.zipfS}; cache modes ${run.cacheIterations} calls, Postgres-bound ${run.postgresIterations}, PGlite ${run.pgliteIterations}`,
    ["mode", "n", "p50", "p95", "p99", "max", "ops/s seq", `ops/s c=${run.concurrency}`, "L1 hit", "Redis hit", "miss", "PG q/val"],
    modes.map((m) => [
      m.mode,
      m.n,
      m.overall.p50,
      m.overall.p95,
      m.overall.p99,
      m.overall.max,
      m.seqOpsPerSec,
      m.concOpsPerSec,
      pct(m.counters.l1Hits / m.n),
      pct(m.counters.redisHits / m.n),
      pct(m.counters.misses / m.n),
      fmt(m.queriesPerValidation, 3),
    ]),
  );
  const judgedRows = modes
    .filter((m) => m.comparator)
    .map((m) => ({ m, on: m.mode === "redis" ? "Redis hits" : m.mode === "l1" ? "L1 hits" : m.mode === "outage" ? "after the kill" : "all calls", s: m.judged }));
  for (const m of modes.filter((x) => x.afterSameTier)) {
    judgedRows.push({ m, on: m.mode === "l1" ? "L1 hits after an L1 hit" : "Redis hits after a Redis hit", s: m.afterSameTier! });
  }
  printTable(
    "Judged against the floor, measured interleaved in blocks of " + BLOCK + " calls (µs)",
    ["mode", "judged on", "n", "p50", "p99", "floor", "floor p50", "floor p99", "p50 ÷", "p99 ÷"],
    judgedRows.map(({ m, on, s }) => [
      m.mode,
      on,
      s.n,
      s.p50,
      s.p99,
      m.comparatorName!,
      m.comparator!.p50,
      m.comparator!.p99,
      `${fmt(ratio(s.p50, m.comparator!.p50))}×`,
      `${fmt(ratio(s.p99, m.comparator!.p99))}×`,
    ]),
  );
  printTable(
    "Per tier (µs): samples tagged by the tier that answered",
    ["mode", "L1 n", "L1 p50", "L1 p99", "Redis n", "Redis p50", "Redis p99", "PG n", "PG p50", "PG p99"],
    modes.map((m) => [m.mode, m.byTier.l1.n, m.byTier.l1.p50, m.byTier.l1.p99, m.byTier.redis.n, m.byTier.redis.p50, m.byTier.redis.p99, m.byTier.postgres.n, m.byTier.postgres.p50, m.byTier.postgres.p99]),
  );
  const outage = modes.find((m) => m.mode === "outage")!;
  console.log(
    `\nOutage: Redis SIGKILLed before call ${run.killAt}; before the kill p50 ${fmt(outage.beforeKill!.p50)} / p99 ${fmt(outage.beforeKill!.p99)} µs, ` +
      `after p50 ${fmt(outage.judged.p50)} / p99 ${fmt(outage.judged.p99)} µs (max ${fmt(outage.judged.max)}).` +
      `\nRedis memory: ${fmt(memory.memoryUsageAvg, 0)} B per session (MEMORY USAGE over ${memory.sampled} keys), ` +
      `${fmt(memory.usedMemoryPerKey, 0)} B per key from used_memory; payload ${payloadBytes} B.` +
      `\nCompulsory misses (first access to a session in the run): ${run.compulsory} of ${run.cacheIterations} (${pct(run.compulsory / run.cacheIterations)}).`,
  );
}

export function pct(x: number): string {
  return `${fmt(x * 100, 2)}%`;
}
