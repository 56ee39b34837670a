/**
 * Every login block ends by itself (no permanent lock-out an attacker could impose on the owner). Proved at
 * lib level, because the windows are 1 and 15 minutes: the in-memory limiter under fake time, and the Redis
 * limiter by the TTL Redis itself holds on every counter (a counter without a TTL would be a lock for ever).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLoginThrottle, type LoginThrottle } from "@/lib/auth/rate-limit";
import { createRedisClient, type RedisClient } from "@/lib/cache/redis-client";
import { testConfig } from "../../support/runtime";
import { probeRedis } from "../../support/services";

const limits = { maxPerIpPerMinute: 5, maxPerAccountPer15Min: 3 };
const ACCOUNT_WINDOW_MS = 15 * 60_000;
const IP_WINDOW_MS = 60_000;

async function fail(throttle: LoginThrottle, ip: string, email: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await throttle.recordFailure(ip, email);
}

describe("in-memory limiter (the insurance when Redis is down), on fake time", () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"], now: Date.parse("2026-11-22T10:00:00Z") });
  });
  afterAll(() => vi.useRealTimers());

  it("an account block still holds one second before its 15-minute window ends", async () => {
    const throttle = createLoginThrottle(null, limits);
    await fail(throttle, "10.0.0.1", "a@example.com", limits.maxPerAccountPer15Min);
    const retryAfter = await throttle.retryAfter("10.0.0.1", "a@example.com");
    expect(retryAfter).toBeGreaterThan(IP_WINDOW_MS / 1000);
    expect(retryAfter).toBeLessThanOrEqual(ACCOUNT_WINDOW_MS / 1000);
    await vi.advanceTimersByTimeAsync(ACCOUNT_WINDOW_MS - 1000);
    expect(await throttle.retryAfter("10.0.0.1", "a@example.com")).toBeGreaterThan(0);
  });

  it("an account block ends once the 15-minute window has passed", async () => {
    const throttle = createLoginThrottle(null, limits);
    await fail(throttle, "10.0.0.2", "b@example.com", limits.maxPerAccountPer15Min);
    expect(await throttle.retryAfter("10.0.0.2", "b@example.com")).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(ACCOUNT_WINDOW_MS + 1000);
    expect(await throttle.retryAfter("10.0.0.2", "b@example.com")).toBe(0);
  });

  it("an address block holds within its minute and ends after it", async () => {
    const throttle = createLoginThrottle(null, limits);
    for (let i = 0; i < limits.maxPerIpPerMinute; i++) await throttle.recordFailure("10.0.0.3", `user${i}@example.com`);
    const retryAfter = await throttle.retryAfter("10.0.0.3", "someone-else@example.com");
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(IP_WINDOW_MS / 1000);
    await vi.advanceTimersByTimeAsync(IP_WINDOW_MS - 1000);
    expect(await throttle.retryAfter("10.0.0.3", "someone-else@example.com")).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await throttle.retryAfter("10.0.0.3", "someone-else@example.com")).toBe(0);
  });
});

const redisProbe = await probeRedis();

describe.skipIf(!redisProbe.ok)("Redis limiter (shared Redis, unique key prefix)", () => {
  const prefix = `sec-throttle-${randomBytes(4).toString("hex")}:`;
  let app: RedisClient;
  let inspector: Redis;

  beforeAll(async () => {
    const config = testConfig({ REDIS_URL: redisProbe.url, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: "1000" });
    app = createRedisClient(config.redis!);
    inspector = new Redis(redisProbe.url);
    if (app.status !== "ready") await new Promise((resolve) => app.once("ready", resolve));
  });
  afterAll(async () => {
    const keys = await inspector.keys(`${prefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    inspector.disconnect();
    app.disconnect();
  });
  afterEach(() => vi.useRealTimers());

  it("keeps every counter under a TTL no longer than its window, so the block expires in Redis by itself", async () => {
    const throttle = createLoginThrottle(app, limits);
    await fail(throttle, "10.9.0.1", "c@example.com", limits.maxPerAccountPer15Min);
    const keys = await inspector.keys(`${prefix}rl:*`);
    const account = keys.filter((k) => k.includes("login_acct"));
    const address = keys.filter((k) => k.includes("login_ip"));
    expect(account).toHaveLength(1);
    expect(address).toHaveLength(1);
    for (const key of account) {
      const ttl = await inspector.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(ACCOUNT_WINDOW_MS);
    }
    for (const key of address) {
      const ttl = await inspector.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(IP_WINDOW_MS);
    }
    expect(await throttle.retryAfter("10.9.0.1", "c@example.com")).toBeGreaterThan(0);
  });

  it("shares a block with another app instance on the same Redis", async () => {
    const first = createLoginThrottle(app, limits);
    await fail(first, "10.9.0.2", "d@example.com", limits.maxPerAccountPer15Min);
    const second = createLoginThrottle(app, limits);
    expect(await second.retryAfter("10.9.0.2", "d@example.com")).toBeGreaterThan(0);
  });

  it("does not share it with an instance that has no Redis (the twin: the count lives in Redis)", async () => {
    const first = createLoginThrottle(app, limits);
    await fail(first, "10.9.0.3", "e@example.com", limits.maxPerAccountPer15Min);
    const isolated = createLoginThrottle(null, limits);
    expect(await isolated.retryAfter("10.9.0.3", "e@example.com")).toBe(0);
  });
});
