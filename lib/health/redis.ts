/**
 * The Redis tier's health for GET /api/health/redis: reachability, server facts (aggregated over the
 * masters of a Cluster), a timed ping/set/get round trip on a short-lived health key, the session-cache
 * counters, the breaker and the outbox. Every probe is bounded, so a stopped Redis answers in about one
 * timeout instead of hanging the route.
 *
 * Status:
 *  - disabled:  no Redis configured; sessions are validated against Postgres only (HTTP 200).
 *  - healthy:   Redis answers, the breaker is closed, the outbox is empty, no probe was slow or failed (200).
 *  - degraded:  anything less, while sessions still validate through Postgres: Redis unreachable but not
 *               required, breaker open or half-open, invalidations waiting in the outbox, a slow or failed
 *               probe (200: pulling instances out of a load balancer because a cache is down would turn a
 *               slower site into no site, which is what "Redis never takes the site down" forbids).
 *  - unhealthy: REDIS_REQUIRED=true and Redis cannot serve the cache (ping or the set/get round trip
 *               failed): the operator declared the app unfit to run without it (HTTP 503).
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Cluster, type Redis } from "ioredis";
import { createPostgresOutbox } from "../cache/outbox";
import type { RedisClient } from "../cache/redis-client";
import { cacheCounters } from "../observability/metrics";
import { CheckTimeout, withTimeout, type HealthDeps } from "./checks";

export type RedisHealthStatus = "healthy" | "degraded" | "unhealthy" | "disabled";

export interface RedisHealthReport {
  status: RedisHealthStatus;
  timestamp: string;
  redis: { connected: boolean; version: string | null; uptime: number | null; usedMemory: number | null; totalKeys: number | null };
  sessionCache: {
    enabled: boolean;
    /** The Redis tier is serving: reachable, breaker closed, outbox empty. Always false when disabled. */
    healthy: boolean;
    metrics: { hits: number; misses: number; errors: number; total: number; hitRate: number; ttl: number };
    pool: {
      mode: "single" | "cluster" | "sentinel" | null;
      /** ioredis connection status ("ready", "connecting", "reconnecting", "end", ...). */
      status: string | null;
      /** Masters answering INFO (1 for a single node or Sentinel). */
      nodes: number;
      breaker: "closed" | "open" | "half-open" | null;
      outboxDepth: number | null;
    };
  };
  /** Round-trip times in ms; null when the probe did not run or failed. */
  performance: { ping: number | null; set: number | null; get: number | null };
  /** Coarse on purpose: public answers never carry hosts, ports or credentials from driver messages. */
  errors: string[];
}

export type RedisHealthDeps = Pick<HealthDeps, "redis" | "cache" | "config" | "database">;

export interface RedisHealthOptions {
  /** Budget of each probe (the client's own command timeout usually fires first). */
  timeoutMs?: number;
  /** A probe slower than this makes the status degraded; default half the command timeout. */
  slowMs?: number;
  now?: number;
}

export const REDIS_CHECK_TIMEOUT_MS = 500;
/** Long enough to read back, short enough that health keys never pile up. */
export const HEALTH_KEY_TTL_MS = 10_000;
/** One key per process, so instances sharing a Redis do not read each other's probe. */
const HEALTH_KEY = `health:${randomBytes(6).toString("hex")}`;

export function httpStatusOfRedisHealth(status: RedisHealthStatus): 200 | 503 {
  return status === "unhealthy" ? 503 : 200;
}

interface ServerFacts {
  version: string | null;
  uptime: number | null;
  usedMemory: number | null;
  totalKeys: number | null;
  nodes: number;
}

function parseInfo(info: string) {
  const field = (name: string) => new RegExp(`^${name}:([^\\r\\n]+)`, "m").exec(info)?.[1]?.trim() ?? null;
  let keys = 0;
  for (const m of info.matchAll(/^db\d+:keys=(\d+)/gm)) keys += Number(m[1]);
  const uptime = field("uptime_in_seconds");
  const memory = field("used_memory");
  return { version: field("redis_version"), uptime: uptime === null ? null : Number(uptime), usedMemory: memory === null ? null : Number(memory), keys };
}

/** One INFO per master (default sections include server, memory and keyspace): sums, and the youngest uptime. */
async function serverFacts(client: RedisClient, timeoutMs: number): Promise<ServerFacts> {
  const masters: Redis[] = client instanceof Cluster ? client.nodes("master") : [client];
  const infos = await Promise.all(masters.map((node) => withTimeout(node.info(), timeoutMs, "info")));
  const parsed = infos.map(parseInfo);
  if (parsed.length === 0) return { version: null, uptime: null, usedMemory: null, totalKeys: null, nodes: 0 };
  const versions = [...new Set(parsed.map((p) => p.version).filter((v): v is string => v !== null))];
  const uptimes = parsed.map((p) => p.uptime).filter((u): u is number => u !== null);
  return {
    version: versions.length ? versions.join(", ") : null,
    uptime: uptimes.length ? Math.min(...uptimes) : null,
    usedMemory: parsed.reduce((sum, p) => sum + (p.usedMemory ?? 0), 0),
    totalKeys: parsed.reduce((sum, p) => sum + p.keys, 0),
    nodes: parsed.length,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function checkRedisHealth(deps: RedisHealthDeps, options: RedisHealthOptions = {}): Promise<RedisHealthReport> {
  const timeoutMs = options.timeoutMs ?? REDIS_CHECK_TIMEOUT_MS;
  const redisConfig = deps.config.redis;
  const errors: string[] = [];
  const noteError = (check: string, error: unknown) => {
    errors.push(`${check}: ${error instanceof CheckTimeout || /timed? ?out/i.test(String((error as Error)?.message)) ? "timeout" : "error"}`);
  };
  const [counters, outboxDepth] = await Promise.all([
    cacheCounters(),
    deps.redis
      ? withTimeout(createPostgresOutbox(deps.database.db).depth(), timeoutMs, "outbox").catch((error: unknown) => {
          noteError("outbox", error);
          return null;
        })
      : Promise.resolve(null),
  ]);
  const total = counters.hits + counters.misses;
  const report: RedisHealthReport = {
    status: "disabled",
    timestamp: new Date(options.now ?? Date.now()).toISOString(),
    redis: { connected: false, version: null, uptime: null, usedMemory: null, totalKeys: null },
    sessionCache: {
      enabled: deps.redis !== null,
      healthy: false,
      metrics: {
        hits: counters.hits,
        misses: counters.misses,
        errors: counters.errors,
        total,
        hitRate: total > 0 ? Math.round((counters.hits / total) * 10_000) / 10_000 : 0,
        ttl: deps.config.session.cacheTtlS,
      },
      pool: { mode: redisConfig?.mode ?? null, status: deps.redis?.status ?? null, nodes: 0, breaker: deps.cache.breaker?.current ?? null, outboxDepth },
    },
    performance: { ping: null, set: null, get: null },
    errors,
  };
  const client = deps.redis;
  if (!client) return report;

  const timed = async (name: "ping" | "set" | "get", work: () => Promise<unknown>): Promise<unknown> => {
    const started = performance.now();
    try {
      const value = await withTimeout(work(), timeoutMs, name);
      report.performance[name] = round(performance.now() - started);
      return value;
    } catch (error) {
      noteError(name, error);
      throw error;
    }
  };

  let roundTripOk = false;
  try {
    await timed("ping", () => client.ping());
    report.redis.connected = true;
    const nonce = randomBytes(8).toString("hex");
    // The client's keyPrefix puts the health key under REDIS_KEY_PREFIX; PX keeps it short-lived.
    await timed("set", () => client.set(HEALTH_KEY, nonce, "PX", HEALTH_KEY_TTL_MS));
    const readBack = await timed("get", () => client.get(HEALTH_KEY));
    if (readBack === nonce) roundTripOk = true;
    else errors.push("get: read back a different value");
  } catch {
    // Recorded in errors; a failed ping skips the other probes so a stopped Redis costs one timeout.
  }

  if (report.redis.connected) {
    try {
      const facts = await serverFacts(client, timeoutMs);
      Object.assign(report.redis, { version: facts.version, uptime: facts.uptime, usedMemory: facts.usedMemory, totalKeys: facts.totalKeys });
      report.sessionCache.pool.nodes = facts.nodes;
    } catch (error) {
      noteError("info", error);
    }
  }

  const breaker = deps.cache.breaker?.current ?? null;
  const slowMs = options.slowMs ?? Math.max(1, (redisConfig?.commandTimeoutMs ?? 50) / 2);
  const slow = Object.values(report.performance).some((ms) => ms !== null && ms > slowMs);
  if (slow) errors.push(`slow: a probe took more than ${slowMs} ms`);
  if (breaker && breaker !== "closed") errors.push(`breaker: ${breaker} (sessions are validated against Postgres)`);
  if (outboxDepth !== null && outboxDepth > 0) errors.push(`outbox: ${outboxDepth} invalidation(s) waiting for replay`);

  report.sessionCache.healthy = roundTripOk && breaker === "closed" && outboxDepth === 0;
  if (!roundTripOk) report.status = redisConfig?.required ? "unhealthy" : "degraded";
  else report.status = errors.length === 0 ? "healthy" : "degraded";
  return report;
}
