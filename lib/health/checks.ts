/**
 * Health checks for the health routes. Framework-agnostic: they take the runtime's parts and answer plain
 * objects. Every check is bounded by a short timeout, so a hung Postgres or a stopped Redis makes the check
 * answer "down" quickly instead of making the health route hang.
 */
import type { BreakerState } from "../cache/breaker";
import { isFullyMigrated } from "../db/migrate";
import type { Runtime } from "../runtime";

export type HealthDeps = Pick<Runtime, "database" | "cache" | "redis" | "config" | "startedAt">;

/** Short enough for a load balancer's probe (often 1-2 s), long enough for one round trip under load. */
export const CHECK_TIMEOUT_MS = 1000;

export interface CheckResult {
  status: "up" | "down" | "disabled";
  latencyMs?: number;
  /** Coarse on purpose ("timeout" | "error"): public health answers must not reveal hosts or ports. */
  error?: "timeout" | "error";
}

export class CheckTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = "CheckTimeout";
  }
}

/** Resolves with the work's value or rejects with CheckTimeout; the work itself is left to finish or fail. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(what, ms)), ms);
  });
  // A late rejection of the abandoned work must not become an unhandled rejection.
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function timed(work: () => Promise<unknown>, ms: number, what: string): Promise<CheckResult> {
  const started = performance.now();
  try {
    await withTimeout(work(), ms, what);
    return { status: "up", latencyMs: round(performance.now() - started) };
  } catch (error) {
    return { status: "down", latencyMs: round(performance.now() - started), error: error instanceof CheckTimeout ? "timeout" : "error" };
  }
}

export function checkDatabase(deps: Pick<HealthDeps, "database">, ms = CHECK_TIMEOUT_MS): Promise<CheckResult> {
  return timed(() => deps.database.ping(), ms, "postgres");
}

export interface RedisCheckResult extends CheckResult {
  required: boolean;
  /** Whether requests use Redis right now (closed) or go straight to Postgres (open, half-open). */
  breaker: BreakerState | null;
}

export async function checkRedis(deps: Pick<HealthDeps, "redis" | "cache" | "config">, ms = CHECK_TIMEOUT_MS): Promise<RedisCheckResult> {
  const required = deps.config.redis?.required ?? false;
  if (!deps.redis) return { status: "disabled", required, breaker: null };
  const redis = deps.redis;
  const result = await timed(() => redis.ping(), ms, "redis");
  return { ...result, required, breaker: deps.cache.breaker?.current ?? null };
}

export type OverallStatus = "ok" | "degraded" | "down";

export interface HealthSummary {
  status: OverallStatus;
  timestamp: string;
  uptimeS: number;
  database: CheckResult;
  redis: RedisCheckResult;
}

/**
 * down: Postgres (the source of truth) is unreachable, or a required Redis is.
 * degraded: an optional Redis is unreachable or not yet trusted (breaker not closed): sessions still
 * validate, through Postgres, so the site works, only slower.
 */
export function overallStatus(database: CheckResult, redis: RedisCheckResult): OverallStatus {
  if (database.status !== "up") return "down";
  if (redis.status === "disabled") return "ok";
  if (redis.status === "down") return redis.required ? "down" : "degraded";
  return redis.breaker && redis.breaker !== "closed" ? "degraded" : "ok";
}

export async function healthSummary(deps: HealthDeps, now = Date.now()): Promise<HealthSummary> {
  const [database, redis] = await Promise.all([checkDatabase(deps), checkRedis(deps)]);
  return {
    status: overallStatus(database, redis),
    timestamp: new Date(now).toISOString(),
    uptimeS: Math.round((now - deps.startedAt) / 1000),
    database,
    redis,
  };
}

export interface Readiness {
  ready: boolean;
  checks: {
    database: CheckResult & { migrated: boolean };
    redis: RedisCheckResult;
    shuttingDown: boolean;
  };
}

/**
 * Ready means "send me traffic": Postgres answers and every committed migration is applied; Redis counts
 * only when REDIS_REQUIRED=true (otherwise the app serves from Postgres without it); and the process is
 * not draining for a shutdown.
 */
export async function readiness(deps: HealthDeps, options: { shuttingDown: boolean }): Promise<Readiness> {
  const [database, migrated, redis] = await Promise.all([
    checkDatabase(deps),
    withTimeout(isFullyMigrated(deps.database), CHECK_TIMEOUT_MS, "migrations").catch(() => false),
    checkRedis(deps),
  ]);
  const redisOk = !redis.required || redis.status === "up";
  return {
    ready: database.status === "up" && migrated && redisOk && !options.shuttingDown,
    checks: { database: { ...database, migrated }, redis, shuttingDown: options.shuttingDown },
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
