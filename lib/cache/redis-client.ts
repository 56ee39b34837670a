/**
 * One factory for the ioredis client: single node, Cluster or Sentinel. Options are fail-fast: no offline
 * queue (a command while disconnected fails at once instead of waiting), a short command timeout, one retry
 * per request, and reconnection forever with capped backoff. Redis is a cache here; it must never hold a request.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { RedisConfig } from "../config";
import type { Logger } from "../observability/logger";

export type RedisClient = Redis | Cluster;

export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), 2000);
}

export function createRedisClient(config: RedisConfig, logger?: Logger, overrides: Partial<RedisOptions> = {}): RedisClient {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => reconnectDelayMs(times),
    enableReadyCheck: true,
    lazyConnect: false,
    ...overrides,
  };
  let client: RedisClient;
  if (config.mode === "cluster") {
    client = new Cluster(config.clusterNodes!, {
      keyPrefix: config.keyPrefix,
      enableOfflineQueue: false,
      clusterRetryStrategy: (times) => reconnectDelayMs(times),
      slotsRefreshTimeout: Math.max(config.connectTimeoutMs, 1000),
      redisOptions: { ...common },
    });
  } else if (config.mode === "sentinel") {
    client = new Redis({ ...common, keyPrefix: config.keyPrefix, ...sentinelOptions(config) });
  } else {
    client = new Redis(config.url!, { ...common, keyPrefix: config.keyPrefix });
  }
  // Without a listener ioredis prints every connection error as an unhandled event; we log once per state change.
  let lastError = "";
  client.on("error", (error: Error) => {
    if (error.message !== lastError) logger?.warn("redis error", { error: error.message });
    lastError = error.message;
  });
  client.on("ready", () => {
    lastError = "";
  });
  return client;
}

/**
 * Sentinel: follow the master through a failover. A killed master is a lost connection: the reconnect asks
 * the sentinels again. A manual SENTINEL FAILOVER leaves the old master running as a replica, which answers
 * writes with READONLY: reconnect then too (without resending, so the command fails fast and the caller
 * falls back to Postgres). ioredis's `failoverDetector` is left off: with it, a client under load that was
 * reconnecting when +switch-master arrived ended up closed for good in the topology suite.
 */
function sentinelOptions(config: RedisConfig): Partial<RedisOptions> {
  return {
    sentinels: config.sentinels!,
    name: config.sentinelName,
    role: "master",
    reconnectOnError: (error) => (/^READONLY/.test(error.message) ? 1 : false),
    sentinelRetryStrategy: (times) => reconnectDelayMs(times),
    sentinelCommandTimeout: Math.max(config.connectTimeoutMs, 500),
  };
}

/** A second connection for SUBSCRIBE (a subscribed connection cannot run other commands). */
export function duplicateForSubscribe(client: RedisClient): RedisClient {
  const sub = client.duplicate();
  sub.on("error", () => {
    // Reconnects on its own; the publisher side already logs Redis errors.
  });
  return sub;
}
