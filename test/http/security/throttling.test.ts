/**
 * Login throttling over HTTP (lib/auth/rate-limit.ts): per account-and-address and per address, with small
 * limits set through the environment. The server trusts X-Forwarded-For (TRUST_PROXY=true, as behind a
 * proxy that overwrites it), so each test picks the client address it speaks from. That the blocks end by
 * themselves is proved at lib level in throttle-expiry.test.ts (the windows are 1 and 15 minutes).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpResponse } from "../support/client";
import { sampleUser, startTestServer, type TestServer } from "../support/server";
import { hasRedisServerBinary, PrivateRedis, REQUIRE_SERVICES } from "../../support/services";

const ACCOUNT_LIMIT = 3;
const IP_LIMIT = 6;
const limits = {
  TRUST_PROXY: "true",
  LOGIN_MAX_PER_ACCOUNT_PER_15MIN: String(ACCOUNT_LIMIT),
  LOGIN_MAX_PER_IP_PER_MINUTE: String(IP_LIMIT),
};

function attempt(t: TestServer, account: { email: string }, password: string, ip: string): Promise<HttpResponse> {
  return t.client().post("/api/auth/login", { email: account.email, password }, { headers: { "x-forwarded-for": ip } });
}

function expectRateLimited(res: HttpResponse, maxSeconds: number): void {
  expect(res.status, res.text).toBe(429);
  expect(res.body.error.code).toBe("RATE_LIMITED");
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(maxSeconds);
  expect(res.setCookies).toEqual([]);
}

describe("login throttling (Redis-backed when Redis is reachable)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: limits });
  });
  afterAll(async () => t?.stop());

  it("signs in with the right password after fewer failures than the limit (the twin of the block below)", async () => {
    const user = sampleUser(0);
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) expect((await attempt(t, user, "wrong-password", "10.1.0.1")).status).toBe(401);
    expect((await attempt(t, user, user.password, "10.1.0.1")).status).toBe(200);
  });

  it("after LOGIN_MAX_PER_ACCOUNT_PER_15MIN failures, the next attempt from that address gets 429 RATE_LIMITED with Retry-After, even with the right password", async () => {
    const user = sampleUser(1);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) expect((await attempt(t, user, "wrong-password", "10.1.0.2")).status).toBe(401);
    const blocked = await attempt(t, user, user.password, "10.1.0.2");
    expectRateLimited(blocked, 15 * 60);
    expect(blocked.body.error.details?.retryAfter).toBe(Number(blocked.headers.get("retry-after")));
  });

  it("lets the same account sign in from another address while one address is blocked on it (no lock-out of the owner)", async () => {
    const user = sampleUser(2);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await attempt(t, user, "wrong-password", "10.1.0.3");
    expectRateLimited(await attempt(t, user, user.password, "10.1.0.3"), 15 * 60);
    const owner = await attempt(t, user, user.password, "10.1.0.4");
    expect(owner.status, owner.text).toBe(200);
    expect(owner.body.user.email).toBe(user.email);
  });

  it("after LOGIN_MAX_PER_IP_PER_MINUTE failures across many accounts, that address gets 429 for any account", async () => {
    // One failure per account: only the per-address budget can be what blocks.
    const accounts = [12, 13, 14, 15, 16, 18].map(sampleUser);
    expect(accounts).toHaveLength(IP_LIMIT);
    for (const account of accounts) expect((await attempt(t, account, "wrong-password", "10.2.0.1")).status).toBe(401);
    const fresh = sampleUser(19);
    expectRateLimited(await attempt(t, fresh, fresh.password, "10.2.0.1"), 60);
  });

  it("leaves other addresses alone while one address is blocked", async () => {
    const fresh = sampleUser(19);
    expect((await attempt(t, fresh, fresh.password, "10.2.0.2")).status).toBe(200);
  });
});

const canRunPrivateRedis = hasRedisServerBinary();
if (!canRunPrivateRedis && REQUIRE_SERVICES) throw new Error("REQUIRE_SERVICES=1: the redis-server binary is needed for the Redis-down throttling test");

describe.skipIf(!canRunPrivateRedis)("login throttling with Redis dead", () => {
  let redis: PrivateRedis;
  let t: TestServer;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await startTestServer({ redis: redis.url, env: limits });
    // A first sign-in while Redis is up, so the app is connected and then loses it mid-life.
    expect((await attempt(t, sampleUser(20), sampleUser(20).password, "10.3.0.9")).status).toBe(200);
    await redis.kill();
  });
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
  });

  it("still throttles through the in-memory insurance limiter, and never answers 5xx", async () => {
    const user = sampleUser(21);
    const statuses: number[] = [];
    for (let i = 0; i < ACCOUNT_LIMIT; i++) statuses.push((await attempt(t, user, "wrong-password", "10.3.0.1")).status);
    expect(statuses).toEqual(Array(ACCOUNT_LIMIT).fill(401));
    expectRateLimited(await attempt(t, user, user.password, "10.3.0.1"), 15 * 60);
  });

  it("still signs the owner in from another address (the twin)", async () => {
    const user = sampleUser(21);
    const browser = t.client();
    const res = await browser.post("/api/auth/login", { email: user.email, password: user.password }, { headers: { "x-forwarded-for": "10.3.0.2" } });
    expect(res.status, res.text).toBe(200);
    expect((await browser.whoami())?.user.email).toBe(user.email);
  });
});
