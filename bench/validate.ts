/**
 * bench/validate.ts — the cached validator in-process, tier by tier, against the floors of what each tier
 * is built on. `npm run bench:validate` (BENCH_SCALE=0.05 for a quick run). See BENCHMARKS.md.
 *
 * Modes: Postgres only, Redis + Postgres, L1 + Redis + Postgres, Redis outage (a private redis-server is
 * SIGKILLed half-way), PGlite (in-memory, fewer iterations). Sessions are real rows in a scratch database,
 * created through the real runtime; accesses follow a Zipf law (s = 1.1).
 */
import { hashSessionToken } from "@/lib/session/token";
import type { Runtime } from "@/lib/runtime";
import { mapLookupAndParse, rawPostgresSelect, rawRedisGet } from "./lib/floors";
import { runBench } from "./lib/lifecycle";
import { fmt, printTable, scaled, startResult, target, type Target } from "./lib/report";
import { redisBytesPerSession } from "./lib/redis-memory";
import { benchRuntime, insertUsers, mapLimit, openMigratedDatabase, privateRedis, redisReady, requireServices, scratchDatabase } from "./lib/services";
import { ratio, summarize, type Summary } from "./lib/stats";
import {
  concurrentThroughput,
  countRedisLookups,
  summarizeWhere,
  TIER_L1,
  TIER_POSTGRES,
  TIER_REDIS,
  validationLoop,
  type Counters,
} from "./lib/validation-loop";
import { zipfSequence } from "./lib/zipf";

const ZIPF_S = 1.1;
const SESSIONS = scaled(10_000, 200);
const USERS = Math.max(50, Math.round(SESSIONS / 5));
const ITERATIONS = scaled(200_000, 2_000);
const WARMUP = scaled(20_000, 500);
const PGLITE_ITERATIONS = scaled(50_000, 1_000);
const FLOOR_ITERATIONS = scaled(100_000, 2_000);
const CONCURRENT_ITERATIONS = scaled(50_000, 1_000);
const CONCURRENCY = 32;

interface ModeOutcome {
  mode: string;
  n: number;
  overall: Summary;
  byTier: { l1: Summary; redis: Summary; postgres: Summary };
  /** Outage mode only: before and after the kill. */
  beforeKill?: Summary;
  afterKill?: Summary;
  seqOpsPerSec: number;
  concOpsPerSec: number;
  counters: Counters;
  hitRate: number;
  queriesPerValidation: number;
  rejected: number;
}

async function createSessions(runtime: Runtime, count: number, concurrency: number): Promise<string[]> {
  const users = await insertUsers(runtime.db, Math.max(50, Math.round(count / 5)));
  return mapLimit(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    return (await runtime.sessions.createSession(users[i % users.length]!.id, { ip: "127.0.0.1", userAgent: "bench" })).token;
  });
}

async function runMode(
  mode: string,
  runtime: Runtime,
  tokens: string[],
  warm: Uint32Array,
  sequence: Uint32Array,
  pause?: { at: number; action: () => Promise<void> },
): Promise<ModeOutcome> {
  const lookups = countRedisLookups(runtime);
  for (const k of warm) if (!(await runtime.sessions.validateSessionWithCache(tokens[k]))) throw new Error(`${mode}: warm-up rejected a session`);
  const loop = await validationLoop(runtime, tokens, sequence, lookups, pause);
  const concOpsPerSec = await concurrentThroughput(runtime, tokens, sequence.subarray(0, Math.min(CONCURRENT_ITERATIONS, sequence.length)), CONCURRENCY);
  const n = sequence.length;
  const c = loop.counters;
  const outcome: ModeOutcome = {
    mode,
    n,
    overall: summarize(loop.samples),
    byTier: {
      l1: summarizeWhere(loop, (i) => loop.tiers[i] === TIER_L1),
      redis: summarizeWhere(loop, (i) => loop.tiers[i] === TIER_REDIS),
      postgres: summarizeWhere(loop, (i) => loop.tiers[i] === TIER_POSTGRES),
    },
    seqOpsPerSec: n / (loop.elapsedMs / 1000),
    concOpsPerSec,
    counters: c,
    hitRate: (c.l1Hits + c.redisHits) / n,
    queriesPerValidation: c.queries / n,
    rejected: loop.rejected,
  };
  if (pause) {
    outcome.beforeKill = summarizeWhere(loop, (i) => i < pause.at);
    outcome.afterKill = summarizeWhere(loop, (i) => i >= pause.at);
  }
  console.log(`${mode}: p50 ${fmt(outcome.overall.p50)} µs, p99 ${fmt(outcome.overall.p99)} µs, ${fmt(outcome.seqOpsPerSec)} ops/s sequential`);
  return outcome;
}

/** Accesses in `sequence` to a session not seen before in the run: misses no cache can avoid. */
function firstTouches(warm: Uint32Array, sequence: Uint32Array): number {
  const seen = new Set(warm);
  let count = 0;
  for (const k of sequence) {
    if (!seen.has(k)) {
      seen.add(k);
      count++;
    }
  }
  return count;
}

async function main(): Promise<void> {
  const result = startResult("validate");
  await requireServices();
  const databaseUrl = await scratchDatabase();
  const [redis, redisToKill] = [await privateRedis(), await privateRedis()];

  console.log(`creating ${SESSIONS} sessions for ${USERS} users…`);
  const pgRuntime = await benchRuntime({ database: await openMigratedDatabase(databaseUrl) });
  const tokens = await createSessions(pgRuntime, SESSIONS, 16);
  const ids = tokens.map(hashSessionToken);
  const warm = zipfSequence(SESSIONS, WARMUP, ZIPF_S, 1);
  const sequence = zipfSequence(SESSIONS, ITERATIONS, ZIPF_S, 2);
  const compulsory = firstTouches(warm, sequence);
  const payload = JSON.stringify(await pgRuntime.sessions.validateSessionWithCache(tokens[0]));

  console.log(`floors (${FLOOR_ITERATIONS} calls each)…`);
  const floorSequence = sequence.subarray(0, FLOOR_ITERATIONS);
  const floors = {
    redisGet: await rawRedisGet(redis.url, payload, FLOOR_ITERATIONS),
    postgresSelect: await rawPostgresSelect(databaseUrl, ids, floorSequence),
    mapParse: mapLookupAndParse(ids, payload, floorSequence),
  };

  const modes: ModeOutcome[] = [];
  modes.push(await runMode("postgres", pgRuntime, tokens, warm, sequence));

  const redisRuntime = await benchRuntime({ database: await openMigratedDatabase(databaseUrl), redisUrl: redis.url, keyPrefix: "bench-redis:" });
  await redisReady(redisRuntime);
  modes.push(await runMode("redis", redisRuntime, tokens, warm, sequence));
  const memory = await redisBytesPerSession(redis.url, "bench-redis:s:");

  const l1Runtime = await benchRuntime({
    database: await openMigratedDatabase(databaseUrl),
    redisUrl: redis.url,
    keyPrefix: "bench-l1:",
    env: { SESSION_L1_ENABLED: "true" },
  });
  await redisReady(l1Runtime);
  modes.push(await runMode("l1", l1Runtime, tokens, warm, sequence));

  const outageRuntime = await benchRuntime({ database: await openMigratedDatabase(databaseUrl), redisUrl: redisToKill.url, keyPrefix: "bench-outage:" });
  await redisReady(outageRuntime);
  const killAt = Math.floor(ITERATIONS / 2);
  modes.push(await runMode("outage", outageRuntime, tokens, warm, sequence, { at: killAt, action: () => redisToKill.kill() }));

  console.log(`PGlite (in-memory): creating ${SESSIONS} sessions, ${PGLITE_ITERATIONS} validations…`);
  const pgliteRuntime = await benchRuntime({ database: await openMigratedDatabase(null) });
  const pgliteTokens = await createSessions(pgliteRuntime, SESSIONS, 1);
  modes.push(await runMode("pglite", pgliteRuntime, pgliteTokens, warm, sequence.subarray(0, PGLITE_ITERATIONS)));

  const by = Object.fromEntries(modes.map((m) => [m.mode, m])) as Record<string, ModeOutcome>;
  const floorOf: Record<string, { name: string; p99: number }> = {
    postgres: { name: "raw SELECT", p99: floors.postgresSelect.summary.p99 },
    redis: { name: "raw GET", p99: floors.redisGet.summary.p99 },
    l1: { name: "Map+parse", p99: floors.mapParse.summary.p99 },
    outage: { name: "Postgres-only", p99: by.postgres!.overall.p99 },
  };
  // The tier each mode is judged on: its own hits (a Redis mode's misses are Postgres reads, shown apart).
  const judged = (m: ModeOutcome): Summary =>
    m.mode === "redis" ? m.byTier.redis : m.mode === "l1" ? m.byTier.l1 : m.mode === "outage" ? m.afterKill! : m.overall;

  printTable(
    `Validation latency (µs), ${ITERATIONS} sequential calls per mode (PGlite ${PGLITE_ITERATIONS}), ${SESSIONS} sessions, Zipf s=${ZIPF_S}`,
    ["mode", "n", "p50", "p95", "p99", "max", "ops/s seq", `ops/s c=${CONCURRENCY}`, "L1 hit", "Redis hit", "miss", "PG q/val", "judged p99", "÷ floor"],
    modes.map((m) => {
      const f = floorOf[m.mode];
      const j = judged(m);
      return [
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
        j.p99,
        f ? `${fmt(ratio(j.p99, f.p99))}× ${f.name}` : "",
      ];
    }),
  );
  printTable(
    "Per tier (µs): samples tagged by the tier that answered",
    ["mode", "L1 n", "L1 p50", "L1 p99", "Redis n", "Redis p50", "Redis p99", "PG n", "PG p50", "PG p99"],
    modes.map((m) => [m.mode, m.byTier.l1.n, m.byTier.l1.p50, m.byTier.l1.p99, m.byTier.redis.n, m.byTier.redis.p50, m.byTier.redis.p99, m.byTier.postgres.n, m.byTier.postgres.p50, m.byTier.postgres.p99]),
  );
  const outage = by.outage!;
  printTable("Outage mode: Redis SIGKILLed before call " + killAt, ["window", "n", "p50", "p95", "p99", "max"], [
    ["before kill", outage.beforeKill!.n, outage.beforeKill!.p50, outage.beforeKill!.p95, outage.beforeKill!.p99, outage.beforeKill!.max],
    ["after kill", outage.afterKill!.n, outage.afterKill!.p50, outage.afterKill!.p95, outage.afterKill!.p99, outage.afterKill!.max],
  ]);
  printTable("Floors (µs)", ["floor", "n", "p50", "p95", "p99", "max", "ops/s"], [
    ["raw ioredis GET " + payload.length + " B", floors.redisGet.summary.n, ...row(floors.redisGet.summary), floors.redisGet.opsPerSec],
    ["raw postgres.js prepared PK SELECT", floors.postgresSelect.summary.n, ...row(floors.postgresSelect.summary), floors.postgresSelect.opsPerSec],
    ["Map.get + JSON.parse", floors.mapParse.summary.n, ...row(floors.mapParse.summary), floors.mapParse.opsPerSec],
  ]);
  console.log(
    `\nRedis memory: ${fmt(memory.memoryUsageAvg, 0)} B per session (MEMORY USAGE over ${memory.sampled} keys), ` +
      `${fmt(memory.usedMemoryPerKey, 0)} B per key from used_memory; payload ${payload.length} B.` +
      `\nCompulsory misses (first access to a session in the run): ${compulsory} of ${ITERATIONS} (${pct(compulsory / ITERATIONS)}).`,
  );

  const redisMode = by.redis!;
  const targets: Target[] = [
    check("Redis-hit p99 ÷ raw GET p99", "≤ 1.5×", ratio(redisMode.byTier.redis.p99, floors.redisGet.summary.p99), 1.5),
    check("L1-hit p99 ÷ Map+parse p99", "≤ 2×", ratio(by.l1!.byTier.l1.p99, floors.mapParse.summary.p99), 2),
    check("Postgres-only p99 ÷ raw SELECT p99", "≤ 1.5×", ratio(by.postgres!.overall.p99, floors.postgresSelect.summary.p99), 1.5),
    target("cache hit rate (Redis mode)", "≥ 97%", pct(redisMode.hitRate), redisMode.hitRate >= 0.97),
    check("outage p99 ÷ Postgres-only p99", "≤ 1.5×", ratio(outage.afterKill!.p99, by.postgres!.overall.p99), 1.5),
    target("Redis bytes per cached session", "≤ 1024 B", `${fmt(memory.memoryUsageAvg, 0)} B`, memory.memoryUsageAvg <= 1024),
    target("valid sessions rejected (all modes)", "0", String(modes.reduce((a, m) => a + m.rejected, 0)), modes.every((m) => m.rejected === 0)),
  ];
  result.finish({
    targets,
    parameters: { sessions: SESSIONS, users: USERS, iterations: ITERATIONS, warmup: WARMUP, pgliteIterations: PGLITE_ITERATIONS, floorIterations: FLOOR_ITERATIONS, concurrency: CONCURRENCY, zipfS: ZIPF_S, killAt },
    unit: "µs",
    payloadBytes: payload.length,
    compulsoryMisses: compulsory,
    floors: { redisGet: floors.redisGet, postgresSelect: floors.postgresSelect, mapParse: floors.mapParse },
    modes,
    redisMemory: memory,
  });
}

function row(s: Summary): number[] {
  return [s.p50, s.p95, s.p99, s.max];
}

function pct(x: number): string {
  return `${fmt(x * 100, 2)}%`;
}

function check(metric: string, targetText: string, measured: number, limit: number): Target {
  return target(metric, targetText, `${fmt(measured)}×`, measured <= limit);
}

runBench(main);
