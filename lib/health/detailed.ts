/**
 * The detailed health report: pool, cache tiers and counters, breaker, outbox, versions, uptime.
 * For operators (optionally behind METRICS_TOKEN); every probe is bounded like the simple checks.
 */
import { sql } from "drizzle-orm";
import { createPostgresOutbox } from "../cache/outbox";
import type { Db } from "../db/types";
import { outboxStats } from "../notify/outbox";
import { cacheCounters } from "../observability/metrics";
import { CHECK_TIMEOUT_MS, checkDatabase, checkRedis, overallStatus, withTimeout, type HealthDeps } from "./checks";
import { rowsOf } from "../db/rows";

export interface Versions {
  app: string;
  next: string;
}

async function postgresVersion(db: Db): Promise<string | null> {
  const rows = rowsOf<{ server_version: string }>(await db.execute(sql`show server_version`));
  return rows[0]?.server_version ?? null;
}

/** Connections as Postgres itself sees them (every instance of this app shares the application_name). */
async function serverConnections(db: Db): Promise<Record<string, number>> {
  const rows = rowsOf<{ state: string | null; n: number }>(
    await db.execute(
      sql`select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
          where application_name = 'next-session-impersonation' group by 1`,
    ),
  );
  const byState: Record<string, number> = { total: 0 };
  for (const row of rows) {
    byState[row.state ?? "unknown"] = row.n;
    byState.total! += row.n;
  }
  return byState;
}

async function redisVersion(deps: Pick<HealthDeps, "redis">): Promise<string | null> {
  if (!deps.redis) return null;
  const info = await deps.redis.info("server");
  return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? null;
}

/** null when the probe failed or timed out: the report still answers, with what it could learn. */
async function bounded<T>(work: () => Promise<T>, what: string): Promise<T | null> {
  try {
    return await withTimeout(work(), CHECK_TIMEOUT_MS, what);
  } catch {
    return null;
  }
}

export async function detailedHealth(deps: HealthDeps, versions: Versions, now = Date.now()) {
  const { database: pool, cache, config } = deps;
  const outbox = createPostgresOutbox(deps.database.db);
  const [database, redis, pgVersion, connections, outboxDepth, redisVer, counters, mailOutbox] = await Promise.all([
    checkDatabase(deps),
    checkRedis(deps),
    bounded(() => postgresVersion(pool.db), "postgres version"),
    pool.driver === "postgres" ? bounded(() => serverConnections(pool.db), "pg_stat_activity") : Promise.resolve(null),
    bounded(() => outbox.depth(), "outbox depth"),
    bounded(() => redisVersion(deps), "redis version"),
    cacheCounters(),
    bounded(() => outboxStats(pool.db), "mail outbox"),
  ]);
  const lookups = counters.hits + counters.misses;
  return {
    status: overallStatus(database, redis),
    timestamp: new Date(now).toISOString(),
    uptime: { processS: Math.round(process.uptime()), runtimeS: Math.round((now - deps.startedAt) / 1000) },
    database: { ...database, driver: pool.driver, pool: pool.poolStats(), serverConnections: connections },
    redis: { ...redis, mode: config.redis?.mode ?? null },
    cache: {
      tiers: [...cache.tiers, "postgres"],
      counters: { ...counters, hitRate: lookups > 0 ? Math.round((counters.hits / lookups) * 1000) / 1000 : null },
      ttlS: config.session.cacheTtlS,
      l1TtlMs: cache.tiers.includes("l1") ? config.session.l1.ttlMs : null,
    },
    breaker: { state: cache.breaker?.current ?? null, transitions: cache.breaker?.transitions ?? 0 },
    outbox: { depth: outboxDepth },
    // Without SMTP_URL nothing is sent: `configured: false` says so, and `pending` grows.
    mail: { configured: Boolean(config.mail.smtpUrl), pending: mailOutbox?.pending ?? null, failed: mailOutbox?.failed ?? null, oldestPendingAgeS: mailOutbox?.oldestPendingAgeS ?? null },
    versions: {
      node: process.version,
      next: versions.next,
      app: versions.app,
      postgres: pgVersion,
      redis: redisVer,
    },
  };
}

export type DetailedHealth = Awaited<ReturnType<typeof detailedHealth>>;
