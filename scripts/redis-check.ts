/**
 * `npm run test:redis`: can this machine reach the Redis the app is configured for? Uses lib/config's Redis
 * settings (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, key prefix, timeouts), falling back to
 * redis://127.0.0.1:6379 when none is set, and runs PING, SET, GET and DEL on a throwaway key with timings.
 * Exit 0 when all four work; exit 1 with a message saying what to do otherwise.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createRedisClient, type RedisClient } from "../lib/cache/redis-client";
import { ConfigError, loadConfig, type RedisConfig } from "../lib/config";

const FALLBACK_URL = "redis://127.0.0.1:6379";
const CHECK_KEY_TTL_MS = 10_000;

function redisSettings(): { config: RedisConfig; fromEnv: boolean } {
  // Only the Redis settings matter here: a missing SESSION_SECRET must neither stop the check in
  // production nor make loadConfig generate a development secret on disk, so a placeholder stands in.
  const env = { ...process.env, SESSION_SECRET: process.env.SESSION_SECRET || "redis-check-placeholder-secret-not-used-0000" };
  const loaded = loadConfig(env).redis;
  if (loaded) return { config: loaded, fromEnv: true };
  const defaults = loadConfig({ ...env, REDIS_URL: FALLBACK_URL }).redis!;
  return { config: defaults, fromEnv: false };
}

function describeTarget(config: RedisConfig): string {
  if (config.mode === "cluster") return `cluster ${config.clusterNodes!.map((n) => `${n.host}:${n.port}`).join(",")}`;
  if (config.mode === "sentinel") return `sentinel ${config.sentinels!.map((n) => `${n.host}:${n.port}`).join(",")} (${config.sentinelName})`;
  // Never print a password that may sit in the URL.
  const url = new URL(config.url!);
  if (url.password) url.password = "***";
  return url.toString();
}

function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms (status: ${client.status})`)), timeoutMs);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round((performance.now() - started) * 100) / 100 };
}

async function main(): Promise<number> {
  let settings: ReturnType<typeof redisSettings>;
  try {
    settings = redisSettings();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : String(error));
    return 1;
  }
  const { config, fromEnv } = settings;
  const target = describeTarget(config);
  console.log(`Redis check: ${target}${fromEnv ? "" : " (no REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS set: trying the default)"}`);
  // The app's fail-fast command timeout is meant for the request path; a one-off check can wait longer.
  const client = createRedisClient({ ...config, commandTimeoutMs: Math.max(config.commandTimeoutMs, 2000) }, undefined, { retryStrategy: () => null });
  let lastError = "";
  client.on("error", (error: Error) => (lastError = error.message));
  try {
    await waitUntilReady(client, Math.max(config.connectTimeoutMs * 3, 3000));
  } catch (error) {
    console.error(`no Redis reachable at ${target}: start one with \`redis-server\` or set REDIS_URL (${lastError || (error as Error).message})`);
    client.disconnect();
    return 1;
  }
  const key = `redis-check:${randomBytes(6).toString("hex")}`;
  const value = randomBytes(8).toString("hex");
  try {
    const ping = await timed(() => client.ping());
    const set = await timed(() => client.set(key, value, "PX", CHECK_KEY_TTL_MS));
    const get = await timed(() => client.get(key));
    const del = await timed(() => client.del(key));
    if (get.value !== value) throw new Error(`GET returned ${JSON.stringify(get.value)}, expected what SET wrote`);
    if (del.value !== 1) throw new Error("DEL did not remove the check key");
    console.log(`  PING ${ping.ms} ms (${ping.value})`);
    console.log(`  SET  ${set.ms} ms`);
    console.log(`  GET  ${get.ms} ms`);
    console.log(`  DEL  ${del.ms} ms`);
    console.log(`OK: Redis (${config.mode}) answers; keys live under "${config.keyPrefix}".`);
    return 0;
  } catch (error) {
    console.error(`Redis at ${target} is reachable but a command failed: ${(error as Error).message}`);
    return 1;
  } finally {
    client.disconnect();
  }
}

process.exitCode = await main();
