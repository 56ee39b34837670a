/**
 * lib/health/redis.ts against a private redis-server that the tests freeze, kill or leave alone: the status
 * rules (healthy / degraded / unhealthy) and their HTTP codes. The healthy report's shape and the Cluster
 * aggregation are covered by the shared cached-validator suite on both targets.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresOutbox } from "@/lib/cache/outbox";
import { checkRedisHealth, httpStatusOfRedisHealth } from "@/lib/health/redis";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { PrivateRedis, probePostgres, probeRedisServerBinary } from "../support/services";
import { waitUntilRedisTrusted } from "./helpers";

const pg = await probePostgres();
/** "healthy" must not hinge on this shared machine's scheduling: slowness has its own test (slowMs: 0). */
const RELAXED = { slowMs: 10_000 };
const binary = probeRedisServerBinary();

describe.skipIf(!pg.ok || !binary.ok)("GET /api/health/redis logic", () => {
  let server: PrivateRedis | undefined;
  let rt: TestRuntime | undefined;

  afterEach(async () => {
    await rt?.dispose();
    await server?.stop();
    [server, rt] = [undefined, undefined];
  });

  async function start(env: Record<string, string> = {}) {
    server = await PrivateRedis.start();
    rt = await createTestRuntime({ backend: "postgres", redisUrl: server.url, env });
    await waitUntilRedisTrusted(rt);
    return { rt, server };
  }

  it("is healthy (200) when Redis answers, the breaker is closed and the outbox is empty", async () => {
    const { rt } = await start();
    const report = await checkRedisHealth(rt, RELAXED);
    expect(report.status).toBe("healthy");
    expect(httpStatusOfRedisHealth(report.status)).toBe(200);
    expect(report.sessionCache.healthy).toBe(true);
  });

  it("is degraded (200), not unhealthy, while an optional Redis is frozen, and still answers", async () => {
    const { rt, server } = await start();
    server.pause();
    try {
      const report = await checkRedisHealth(rt);
      expect(report.status).toBe("degraded");
      expect(httpStatusOfRedisHealth(report.status)).toBe(200);
      expect(report.redis.connected).toBe(false);
      expect(report.errors).toContain("ping: timeout");
      expect(report.performance).toEqual({ ping: null, set: null, get: null });
      expect(report.sessionCache.healthy).toBe(false);
    } finally {
      server.resume();
    }
  });

  it("is unhealthy (503) when a required Redis is down", async () => {
    const { rt, server } = await start({ REDIS_REQUIRED: "true" });
    await server.kill();
    const report = await checkRedisHealth(rt);
    expect(report.status).toBe("unhealthy");
    expect(httpStatusOfRedisHealth(report.status)).toBe(503);
    expect(report.redis.connected).toBe(false);
    expect(report.errors.some((e) => e.startsWith("ping: "))).toBe(true);
  });

  it("is healthy (200) when a required Redis answers", async () => {
    const { rt } = await start({ REDIS_REQUIRED: "true" });
    const report = await checkRedisHealth(rt, RELAXED);
    expect(report.status).toBe("healthy");
    expect(httpStatusOfRedisHealth(report.status)).toBe(200);
  });

  it("is degraded while invalidations wait in the outbox", async () => {
    const { rt } = await start();
    await createPostgresOutbox(rt.database.db).enqueue(["a".repeat(64)]);
    const report = await checkRedisHealth(rt);
    expect(report.status).toBe("degraded");
    expect(report.sessionCache.pool.outboxDepth).toBe(1);
    expect(report.sessionCache.healthy).toBe(false);
    expect(report.errors).toContain("outbox: 1 invalidation(s) waiting for replay");
  });

  it("is degraded while the breaker keeps requests away from a reachable Redis", async () => {
    const { rt } = await start();
    rt.cache.breaker!.trip();
    const report = await checkRedisHealth(rt);
    expect(report.redis.connected).toBe(true);
    expect(report.status).toBe("degraded");
    expect(report.sessionCache.pool.breaker).toBe("open");
    expect(report.sessionCache.healthy).toBe(false);
  });

  it("is degraded when a probe is slower than the threshold", async () => {
    const { rt } = await start();
    const report = await checkRedisHealth(rt, { slowMs: 0 });
    expect(report.status).toBe("degraded");
    expect(report.errors).toContain("slow: a probe took more than 0 ms");
  });

  it("never puts hosts or ports from driver errors into the public answer", async () => {
    const { rt, server } = await start();
    await server.kill();
    const report = await checkRedisHealth(rt);
    expect(JSON.stringify(report)).not.toContain(String(server.port));
  });
});
