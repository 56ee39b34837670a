/**
 * bench/validate.ts — the cached validator in-process, tier by tier, against the floors of what each tier
 * is built on. `npm run bench:validate` (BENCH_SCALE=0.05 for a quick run). See BENCHMARKS.md.
 *
 * Modes: Postgres only, Postgres only with DB_PREPARE=false (direct, and through a private PgBouncer in
 * transaction mode when the binary is installed), Redis + Postgres, L1 + Redis + Postgres, Redis outage (a
 * private redis-server is SIGKILLed half-way), PGlite (in-memory, fewer iterations), and read- and write-mode
 * impersonation sessions (Redis + Postgres, and Postgres only), each judged against plain sessions validated
 * interleaved: the mode travels in the cached context, so it must cost nothing. Sessions are real rows in a scratch database,
 * created through the real runtime; accesses follow a Zipf law (s = 1.1). Each mode is measured interleaved
 * with the floor it is judged against.
 */
import { sql } from "drizzle-orm";
import type { Runtime } from "@/lib/runtime";
import { hashSessionToken } from "@/lib/session/token";
import { openFloors, type Comparator } from "./lib/floors";
import { createImpersonations } from "./lib/impersonations";
import { runBench } from "./lib/lifecycle";
import { redisBytesPerSession, redisKeyExists } from "./lib/redis-memory";
import { fmt, scaled, startResult, target, type Target } from "./lib/report";
import { pct, printValidateTables, type ModeOutcome } from "./lib/validate-report";
import { benchRuntime, insertUsers, mapLimit, openMigratedDatabase, pgBouncerFor, privateRedis, redisReady, requireServices, scratchDatabase } from "./lib/services";
import { ratio, summarize } from "./lib/stats";
import { BLOCK, concurrentThroughput, countRedisLookups, summarizeWhere, TIER_L1, TIER_POSTGRES, TIER_REDIS, validationLoop } from "./lib/validation-loop";
import { zipfSequence } from "./lib/zipf";

const ZIPF_S = 1.1;
const SESSIONS = scaled(10_000, 200);
const WARMUP = scaled(20_000, 500);
/** The cache modes are cheap: the full 200,000. */
const CACHE_ITERATIONS = scaled(200_000, 2 * BLOCK);
/** Postgres-bound modes cost ~4x more per call (and their comparator as much again): 50,000 keeps the run in budget. */
const POSTGRES_ITERATIONS = scaled(50_000, 2 * BLOCK);
/** Postgres only has no cache to fill: its warm-up only settles the JIT and the pool. */
const POSTGRES_WARMUP = scaled(5_000, 500);
const PGLITE_SESSIONS = scaled(2_000, 100);
const PGLITE_ITERATIONS = scaled(5_000, BLOCK);
const CONCURRENT_ITERATIONS = scaled(20_000, BLOCK);
/** Impersonations per mode, each started through the real service (audit rows, notices): fewer than sessions. */
const IMPERSONATIONS = scaled(1_000, 50);
const CONCURRENCY = 32;

async function createSessions(runtime: Runtime, count: number, concurrency: number): Promise<string[]> {
  const users = await insertUsers(runtime.database.db, Math.max(50, Math.round(count / 5)));
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
  options: { judgedTier?: number; comparatorName?: string; comparator?: Comparator; comparatorFrom?: number; pause?: { at: number; action: () => Promise<void> } } = {},
): Promise<ModeOutcome> {
  const lookups = countRedisLookups(runtime);
  for (const k of warm) if (!(await runtime.sessions.validateSessionWithCache(tokens[k]))) throw new Error(`${mode}: warm-up rejected a session`);
  const loop = await validationLoop(runtime, tokens, sequence, lookups, options);
  const concOpsPerSec = await concurrentThroughput(runtime, tokens, sequence.subarray(0, Math.min(CONCURRENT_ITERATIONS, sequence.length)), CONCURRENCY);
  const n = sequence.length;
  const c = loop.counters;
  const afterKill = (i: number) => !options.pause || i >= options.pause.at;
  const judgedKeep = (i: number) => afterKill(i) && (options.judgedTier === undefined || loop.tiers[i] === options.judgedTier);
  const outcome: ModeOutcome = {
    mode,
    n,
    overall: summarize(loop.samples),
    byTier: {
      l1: summarizeWhere(loop.samples, (i) => loop.tiers[i] === TIER_L1),
      redis: summarizeWhere(loop.samples, (i) => loop.tiers[i] === TIER_REDIS),
      postgres: summarizeWhere(loop.samples, (i) => loop.tiers[i] === TIER_POSTGRES),
    },
    judged: summarizeWhere(loop.samples, judgedKeep),
    comparatorName: options.comparatorName,
    comparator: options.comparator ? summarizeWhere(loop.comparator, afterKill) : undefined,
    seqOpsPerSec: n / (loop.elapsedMs / 1000),
    concOpsPerSec,
    counters: c,
    hitRate: (c.l1Hits + c.redisHits) / n,
    queriesPerValidation: c.queries / n,
    rejected: loop.rejected,
    beforeKill: options.pause ? summarizeWhere(loop.samples, (i) => i < options.pause!.at) : undefined,
    afterSameTier:
      options.judgedTier === undefined ? undefined : summarizeWhere(loop.samples, (i) => i > 0 && judgedKeep(i) && loop.tiers[i - 1] === loop.tiers[i]),
  };
  const vs = outcome.comparator ? `; ${outcome.comparatorName} p99 ${fmt(outcome.comparator.p99)} µs` : "";
  console.log(`${mode}: p50 ${fmt(outcome.overall.p50)} µs, judged p99 ${fmt(outcome.judged.p99)} µs${vs}`);
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

  console.log(`creating ${SESSIONS} sessions…`);
  const pgRuntime = await benchRuntime({ database: await openMigratedDatabase(databaseUrl) });
  const tokens = await createSessions(pgRuntime, SESSIONS, 16);
  const ids = tokens.map(hashSessionToken);
  const warm = zipfSequence(SESSIONS, WARMUP, ZIPF_S, 1);
  const sequence = zipfSequence(SESSIONS, CACHE_ITERATIONS, ZIPF_S, 2);
  const pgSequence = sequence.subarray(0, POSTGRES_ITERATIONS);
  // A settled table, as in production: fresh rows would pay for hint bits on their first read, and only
  // in whichever loop happens to read them first.
  await pgRuntime.database.db.execute(sql`vacuum analyze`);
  const payload = JSON.stringify(await pgRuntime.sessions.validateSessionWithCache(tokens[0]));
  const floorKey = (id: string) => `bench-redis:s:{${id}}`;
  const floors = await openFloors({ redisUrl: redis.url, redisKey: floorKey, databaseUrl, ids, sequence, payload });

  const modes: ModeOutcome[] = [];
  const pgWarm = warm.subarray(0, POSTGRES_WARMUP);
  modes.push(await runMode("postgres", pgRuntime, tokens, pgWarm, pgSequence, { comparatorName: "raw SELECT", comparator: floors.postgresSelect }));
  // DB_PREPARE=false, judged against the prepared read of the same sessions interleaved: the price of
  // re-planning the hot read on every call (direct), and of the pooler's extra hop on top (PgBouncer).
  const preparedRead: Comparator = (i) => pgRuntime.sessions.validateSessionWithCache(tokens[pgSequence[i]!]);
  const unprepared = await benchRuntime({ database: await openMigratedDatabase(databaseUrl, 10, { prepare: false }) });
  modes.push(await runMode("postgres-unprepared", unprepared, tokens, pgWarm, pgSequence, { comparatorName: "prepared", comparator: preparedRead }));
  const bouncer = await pgBouncerFor(databaseUrl);
  if (bouncer) {
    const pooled = await openMigratedDatabase(bouncer, 10, { prepare: false, migrationUrl: databaseUrl });
    modes.push(await runMode("pgbouncer-unprepared", await benchRuntime({ database: pooled }), tokens, pgWarm, pgSequence, { comparatorName: "prepared direct", comparator: preparedRead }));
  }

  const redisRuntime = await benchRuntime({ database: await openMigratedDatabase(databaseUrl), redisUrl: redis.url, keyPrefix: "bench-redis:" });
  await redisReady(redisRuntime);
  modes.push(await runMode("redis", redisRuntime, tokens, warm, sequence, { judgedTier: TIER_REDIS, comparatorName: "raw GET", comparator: floors.redisGet }));
  const memory = await redisBytesPerSession(redis.url, "bench-redis:s:");
  // The raw-GET floor reads the app's keys by their layout: make sure it really read sessions, not nulls.
  if (!(await redisKeyExists(redis.url, floorKey(ids[sequence[0]!]!)))) throw new Error("bench: the raw GET floor does not read the app's session keys");

  const l1Env = { SESSION_L1_ENABLED: "true" };
  const l1Runtime = await benchRuntime({ database: await openMigratedDatabase(databaseUrl), redisUrl: redis.url, keyPrefix: "bench-l1:", env: l1Env });
  await redisReady(l1Runtime);
  modes.push(await runMode("l1", l1Runtime, tokens, warm, sequence, { judgedTier: TIER_L1, comparatorName: "Map+parse", comparator: floors.mapParse }));

  const outageRuntime = await benchRuntime({ database: await openMigratedDatabase(databaseUrl), redisUrl: redisToKill.url, keyPrefix: "bench-outage:" });
  await redisReady(outageRuntime);
  const killAt = Math.floor(POSTGRES_ITERATIONS / 2 / BLOCK) * BLOCK;
  // Judged against Postgres-only validation of the same sessions, interleaved after the kill.
  const postgresOnly: Comparator = (i) => pgRuntime.sessions.validateSessionWithCache(tokens[pgSequence[i]!]);
  modes.push(
    await runMode("outage", outageRuntime, tokens, warm, pgSequence, {
      comparatorName: "Postgres-only",
      comparator: postgresOnly,
      comparatorFrom: killAt,
      pause: { at: killAt, action: () => redisToKill.kill() },
    }),
  );
  await floors.close();

  // Impersonation sessions, read-only and write, on the hot path (Redis hits) and on a miss (Postgres only),
  // each judged against plain sessions of the same tier validated interleaved.
  console.log(`impersonations: ${IMPERSONATIONS} per mode…`);
  const starter = await benchRuntime({ database: await openMigratedDatabase(databaseUrl), env: { STAFF_MFA: "optional" } });
  const impersonationSequence = zipfSequence(IMPERSONATIONS, CACHE_ITERATIONS, ZIPF_S, 5);
  const impersonationWarm = zipfSequence(IMPERSONATIONS, Math.min(WARMUP, IMPERSONATIONS * 4), ZIPF_S, 6);
  const plainOnRedis: Comparator = (i) => redisRuntime.sessions.validateSessionWithCache(tokens[sequence[i]!]);
  const plainOnPostgres: Comparator = (i) => pgRuntime.sessions.validateSessionWithCache(tokens[pgSequence[i]!]);
  for (const mode of ["read", "write"] as const) {
    const impersonationTokens = await createImpersonations(starter, IMPERSONATIONS, mode);
    modes.push(
      await runMode(`redis-${mode}-impersonation`, redisRuntime, impersonationTokens, impersonationWarm, impersonationSequence, { judgedTier: TIER_REDIS, comparatorName: "plain session", comparator: plainOnRedis }),
    );
    modes.push(
      await runMode(`postgres-${mode}-impersonation`, pgRuntime, impersonationTokens, impersonationWarm.subarray(0, POSTGRES_WARMUP), impersonationSequence.subarray(0, POSTGRES_ITERATIONS), {
        comparatorName: "plain session",
        comparator: plainOnPostgres,
      }),
    );
  }

  console.log(`PGlite (in-memory): ${PGLITE_SESSIONS} sessions, ${PGLITE_ITERATIONS} validations…`);
  const pgliteRuntime = await benchRuntime({ database: await openMigratedDatabase(null) });
  const pgliteTokens = await createSessions(pgliteRuntime, PGLITE_SESSIONS, 1);
  await pgliteRuntime.database.db.execute(sql`vacuum analyze`);
  const pgliteWarm = zipfSequence(PGLITE_SESSIONS, Math.min(WARMUP, PGLITE_SESSIONS), ZIPF_S, 3);
  modes.push(await runMode("pglite", pgliteRuntime, pgliteTokens, pgliteWarm, zipfSequence(PGLITE_SESSIONS, PGLITE_ITERATIONS, ZIPF_S, 4)));

  printValidateTables(
    modes,
    { zipfS: ZIPF_S, cacheIterations: CACHE_ITERATIONS, postgresIterations: POSTGRES_ITERATIONS, pgliteIterations: PGLITE_ITERATIONS, concurrency: CONCURRENCY, killAt, compulsory: firstTouches(warm, sequence) },
    payload.length,
    memory,
  );
  const by = Object.fromEntries(modes.map((m) => [m.mode, m])) as Record<string, ModeOutcome>;
  const judgedRatio = (m: ModeOutcome) => ratio(m.judged.p99, m.comparator?.p99 ?? NaN);
  const targets: Target[] = [
    check("Redis-hit p99 ÷ raw GET p99", "≤ 1.5×", judgedRatio(by.redis!), 1.5),
    target("  same, Redis hits right after a Redis hit", "–", `${fmt(ratio(by.redis!.afterSameTier!.p99, by.redis!.comparator!.p99))}×`, null),
    check("L1-hit p99 ÷ Map+parse p99", "≤ 2×", judgedRatio(by.l1!), 2),
    target("  same, L1 hits right after an L1 hit (no I/O before)", "–", `${fmt(ratio(by.l1!.afterSameTier!.p99, by.l1!.comparator!.p99))}×`, null),
    check("Postgres-only p99 ÷ raw SELECT p99", "≤ 1.5×", judgedRatio(by.postgres!), 1.5),
    target("DB_PREPARE=false p99 ÷ prepared p99 (direct)", "–", `${fmt(judgedRatio(by["postgres-unprepared"]!))}×`, null),
    ...(by["pgbouncer-unprepared"]
      ? [target("DB_PREPARE=false via PgBouncer p99 ÷ prepared direct p99", "–", `${fmt(judgedRatio(by["pgbouncer-unprepared"]))}×`, null)]
      : []),
    ...(["read", "write"] as const).flatMap((mode) => [
      check(`${mode}-mode impersonation p99 ÷ plain session p99 (Redis hits)`, "≤ 1.2×", judgedRatio(by[`redis-${mode}-impersonation`]!), 1.2),
      check(`${mode}-mode impersonation p99 ÷ plain session p99 (Postgres only)`, "≤ 1.2×", judgedRatio(by[`postgres-${mode}-impersonation`]!), 1.2),
    ]),
    target("cache hit rate (Redis mode)", "≥ 97%", pct(by.redis!.hitRate), by.redis!.hitRate >= 0.97),
    check("outage p99 ÷ Postgres-only p99", "≤ 1.5×", judgedRatio(by.outage!), 1.5),
    target("Redis bytes per cached session", "≤ 1024 B", `${fmt(memory.memoryUsageAvg, 0)} B`, memory.memoryUsageAvg <= 1024),
    target("valid sessions rejected (all modes)", "0", String(modes.reduce((a, m) => a + m.rejected, 0)), modes.every((m) => m.rejected === 0)),
  ];
  result.finish({
    targets,
    parameters: {
      sessions: SESSIONS,
      warmup: WARMUP,
      postgresWarmup: POSTGRES_WARMUP,
      cacheIterations: CACHE_ITERATIONS,
      postgresIterations: POSTGRES_ITERATIONS,
      pgliteSessions: PGLITE_SESSIONS,
      pgliteIterations: PGLITE_ITERATIONS,
      concurrentIterations: CONCURRENT_ITERATIONS,
      concurrency: CONCURRENCY,
      impersonations: IMPERSONATIONS,
      block: BLOCK,
      zipfS: ZIPF_S,
      killAt,
    },
    unit: "µs",
    payloadBytes: payload.length,
    modes,
    redisMemory: memory,
  });
}

function check(metric: string, targetText: string, measured: number, limit: number): Target {
  return target(metric, targetText, `${fmt(measured)}×`, measured <= limit);
}

runBench(main);
