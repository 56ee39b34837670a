/**
 * Service startup for the benchmarks, on top of the test harness (test/support): a scratch Postgres database,
 * private redis-servers, in-process runtimes built by the real composition root, and `next start` servers
 * built into .next-bench. Everything registers its cleanup (bench/lib/lifecycle.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { hashPassword } from "@/lib/auth/password";
import { loadConfig } from "@/lib/config";
import { openDatabase } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { users } from "@/lib/db/schema";
import type { Database, Db } from "@/lib/db/types";
import { createLogger } from "@/lib/observability/logger";
import { createRuntime, type Runtime } from "@/lib/runtime";
import { ensureBuilt, startNextServer, TEST_MFA_KEY, TEST_SERVER_SECRET, type NextServer } from "@/test/support/next-server";
import { PrivatePgBouncer } from "@/test/topology/support/pgbouncer";
import { createScratchDatabase, PrivateRedis, probePostgres, probeRedisServerBinary } from "@/test/support/services";
import { defer } from "./lifecycle";

export const BENCH_DIST_DIR = ".next-bench";
export const BENCH_PASSWORD = "bench-password-0123456789";
const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Benchmarks need real services: fail loudly instead of skipping. */
export async function requireServices(): Promise<void> {
  const pg = await probePostgres();
  if (!pg.ok) throw new Error(`bench: PostgreSQL is required (${pg.url}: ${pg.why})`);
  if (!probeRedisServerBinary().ok) throw new Error("bench: the redis-server binary must be on PATH");
}

export async function scratchDatabase(): Promise<string> {
  const scratch = await createScratchDatabase();
  defer(() => scratch.drop());
  return scratch.url;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start();
  defer(() => redis.stop());
  return redis;
}

export async function openMigratedDatabase(url: string | null, poolMax = 10, options: { prepare?: boolean; migrationUrl?: string } = {}): Promise<Database> {
  const database = await openDatabase({ url: url ?? undefined, pgliteDir: null, poolMax, ...options });
  await migrateDatabase(database);
  return database;
}

/** A private PgBouncer (transaction mode) in front of `databaseUrl`'s server; null without the binary. */
export async function pgBouncerFor(databaseUrl: string): Promise<string | null> {
  if (spawnSync("pgbouncer", ["--version"], { stdio: "ignore" }).status !== 0) {
    console.warn("bench: pgbouncer not installed, the PgBouncer mode is skipped");
    return null;
  }
  const url = new URL(databaseUrl);
  const bouncer = await PrivatePgBouncer.start(Number(url.port || 5432), { poolSize: 10 });
  defer(() => bouncer.stop());
  return bouncer.urlFor(url.pathname.slice(1));
}

/**
 * An in-process runtime from the real composition root. The refresh interval is an hour so the measured
 * path stays the read path (refresh writes are bounded at one per session per interval by design).
 */
export async function benchRuntime(options: {
  database: Database;
  redisUrl?: string;
  keyPrefix?: string;
  env?: Record<string, string>;
}): Promise<Runtime> {
  const config = loadConfig({
    NODE_ENV: "production",
    SESSION_SECRET: TEST_SERVER_SECRET,
    MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
    LOG_LEVEL: "silent",
    SESSION_REFRESH_INTERVAL: "3600",
    SESSION_PRUNE_INTERVAL_S: "0",
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: options.keyPrefix ?? "bench:" } : {}),
    ...options.env,
  });
  const runtime = await createRuntime(config, {
    database: options.database,
    logger: createLogger("silent"),
    skipStartupTasks: true,
    // The cross-instance outbox poll is one query a second off the hot path; off, so queries/validation is exact.
    outboxPollMs: 0,
  });
  defer(() => runtime.close());
  return runtime;
}

/** Waits until the runtime trusts Redis (connected, outbox replayed, breaker closed). */
export async function redisReady(runtime: Runtime, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (runtime.cache.breaker?.current !== "closed") {
    if (Date.now() > deadline) throw new Error("bench: Redis breaker did not close");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `count` active users sharing one Argon2 hash of BENCH_PASSWORD; returns their ids and emails. */
export async function insertUsers(db: Db, count: number, tag = "bench"): Promise<{ id: string; email: string }[]> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const out: { id: string; email: string }[] = [];
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      email: `${tag}.${start + i}@example.com`,
      name: `Bench User ${start + i}`,
      role: "user" as const,
      status: "active" as const,
      passwordHash,
    }));
    out.push(...(await db.insert(users).values(rows).returning({ id: users.id, email: users.email })));
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Builds the app into .next-bench when sources changed (BENCH_REUSE_BUILD=1 skips that check when a build
 * exists: handy while other work keeps touching app/ and lib/).
 */
export function ensureBenchBuild(): void {
  if (process.env.BENCH_REUSE_BUILD === "1" && existsSync(path.join(ROOT, BENCH_DIST_DIR, "BUILD_ID"))) return;
  const started = Date.now();
  ensureBuilt(BENCH_DIST_DIR);
  const took = (Date.now() - started) / 1000;
  if (took > 2) console.log(`built ${BENCH_DIST_DIR} in ${took.toFixed(0)} s`);
}

/**
 * A production `next start` on a free port against the given database and Redis. Login limits are raised:
 * the benchmarks log in hundreds of times from one address on purpose.
 */
export async function benchServer(env: Record<string, string | undefined>, nodeArgs?: string[]): Promise<NextServer> {
  const server = await startNextServer({
    distDir: BENCH_DIST_DIR,
    nodeArgs,
    env: {
      DB_SEED_ON_START: "false",
      LOGIN_MAX_PER_IP_PER_MINUTE: "100000",
      LOGIN_MAX_PER_ACCOUNT_PER_15MIN: "100000",
      LOG_LEVEL: "error",
      ...env,
    },
  });
  defer(() => server.stop());
  return server;
}

/** Resident memory of a process in KiB (/proc/<pid>/status VmRSS), or NaN when it is gone. */
export function rssKiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time a process has used so far, user + system, in µs (/proc/<pid>/stat utime + stime), or NaN. */
export function cpuMicros(pid: number | undefined): number {
  return pid ? statCpuMicros(`/proc/${pid}/stat`) : NaN;
}

/**
 * The same for the process's main thread alone (/proc/<pid>/task/<pid>/stat): where Next runs every request.
 * Steadier than the whole process, whose GC helper and libuv threads run on their own schedule.
 */
export function mainThreadCpuMicros(pid: number | undefined): number {
  return pid ? statCpuMicros(`/proc/${pid}/task/${pid}/stat`) : NaN;
}

function statCpuMicros(file: string): number {
  try {
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
    const stat = readFileSync(file, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_S;
  } catch {
    return NaN;
  }
}
