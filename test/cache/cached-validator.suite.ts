/**
 * The cached validator's integration suite, written once and run against every Redis target (a single
 * node, a 3-master Cluster): real PostgreSQL, real Redis, no mocks. Session time moves through the manual
 * clock; Redis TTLs run on real time, which is exactly the gap the "never serve an expired context" rule covers.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeUserRole, setUserBanned } from "@/lib/admin/user-admin";
import { FILL_MAX_AGE_MS } from "@/lib/cache/contract";
import { checkRedisHealth, HEALTH_KEY_TTL_MS, httpStatusOfRedisHealth } from "@/lib/health/redis";
import type { Runtime } from "@/lib/runtime";
import { setUserRole } from "@/lib/users/users";
import { createUser } from "../support/fixtures";
import { createTestInstances } from "../support/instances";
import { RedisInspector, type RedisTargetSpec } from "../support/redis-inspect";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { eventually } from "../support/services";
import { counterSnapshot, dataKeyOf, delta, signedInAdmin, tombstoneKeyOf, waitUntilRedisTrusted } from "./helpers";

/** "healthy" must not hinge on a shared machine's scheduling: slowness has its own test in health.test.ts. */
const RELAXED = { slowMs: 10_000 };

export interface RedisTarget {
  /** Runtime env that selects this Redis (REDIS_URL or REDIS_CLUSTER_NODES). */
  env: Record<string, string>;
  spec: RedisTargetSpec;
  /** Masters the health report should aggregate over. */
  masters: number;
}

export function describeCachedValidator(name: string, available: boolean, target: () => RedisTarget): void {
  describe.skipIf(!available)(`cached validator on ${name}`, () => {
    let rt: TestRuntime;
    let redis: RedisInspector;
    let prefix: string;

    beforeAll(async () => {
      const t = target();
      prefix = `t${randomBytes(4).toString("hex")}:`;
      rt = await createTestRuntime({ backend: "postgres", env: { ...t.env, REDIS_KEY_PREFIX: prefix } });
      redis = await RedisInspector.connect(t.spec);
      await waitUntilRedisTrusted(rt);
    });
    afterAll(async () => {
      await redis?.close();
      await rt?.dispose();
    });

    const validate = (token: string) => rt.sessions.validateSessionWithCache(token);

    it("a miss makes exactly one Postgres read, and the hit after it makes none", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      const before = await counterSnapshot();
      let queries = rt.database.queryCount();
      expect((await validate(token))?.user.id).toBe(user.id);
      expect(rt.database.queryCount() - queries).toBe(1);
      queries = rt.database.queryCount();
      for (let i = 0; i < 3; i++) expect((await validate(token))?.user.id).toBe(user.id);
      expect(rt.database.queryCount() - queries).toBe(0);
      const d = delta(before, await counterSnapshot());
      expect(d.misses).toBe(1);
      expect(d.redisHits).toBe(3);
      expect(d.fallbacks).toBe(0);
    });

    it("an unknown token costs a Postgres read every time and is never cached as a session", async () => {
      const token = randomBytes(32).toString("base64url");
      const queries = rt.database.queryCount();
      expect(await validate(token)).toBeNull();
      expect(await validate(token)).toBeNull();
      expect(rt.database.queryCount() - queries).toBe(2);
    });

    it("keys the cached value by the token's SHA-256 and never stores the raw token", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      await validate(token);
      const keys = await redis.keys(prefix);
      expect(keys).toContain(dataKeyOf(prefix, sessionId));
      for (const key of keys) {
        expect(key).not.toContain(token);
        expect((await redis.get(key)) ?? "").not.toContain(token);
      }
      const cached = JSON.parse((await redis.get(dataKeyOf(prefix, sessionId)))!) as { sessionId: string; user: { id: string } };
      expect(cached.sessionId).toBe(sessionId);
      expect(cached.user.id).toBe(user.id);
    });

    it("never serves an expired session from the cache, even while Redis still holds it", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      await validate(token);
      rt.clock.advance(rt.config.session.idleTtlS * 1000 + 1);
      expect(await redis.exists(dataKeyOf(prefix, sessionId))).toBe(true);
      expect(await validate(token)).toBeNull();
      expect(await redis.exists(dataKeyOf(prefix, sessionId))).toBe(false);
    });

    it("still serves a session one millisecond before its idle expiry", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      await validate(token);
      rt.clock.advance(rt.config.session.idleTtlS * 1000 - 1);
      expect((await validate(token))?.user.id).toBe(user.id);
    });

    it("rejects a banned user's cached session on the next request", async () => {
      const admin = await signedInAdmin(rt);
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      await validate(token);
      expect(await redis.exists(dataKeyOf(prefix, sessionId))).toBe(true);
      const banned = await setUserBanned(rt, admin, user.id, true, {}, "abuse");
      expect(banned.ok).toBe(true);
      expect(await validate(token)).toBeNull();
    });

    it("keeps serving another user's cached session when someone else is banned", async () => {
      const admin = await signedInAdmin(rt);
      const [bystander, offender] = [await createUser(rt.database.db), await createUser(rt.database.db)];
      const { token } = await rt.sessions.createSession(bystander.id);
      await validate(token);
      expect((await setUserBanned(rt, admin, offender.id, true, {})).ok).toBe(true);
      const queries = rt.database.queryCount();
      expect((await validate(token))?.user.id).toBe(bystander.id);
      expect(rt.database.queryCount() - queries).toBe(0);
    });

    it("shows a role change made through changeUserRole on the next request", async () => {
      const admin = await signedInAdmin(rt);
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      expect((await validate(token))?.user.role).toBe("user");
      expect((await changeUserRole(rt, admin, user.id, "support", {})).ok).toBe(true);
      expect((await validate(token))?.user.role).toBe("support");
    });

    it("does not see a role change written behind the cache's back (why changeUserRole must drop the entry)", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      await validate(token);
      await setUserRole(rt.database.db, user.id, "support");
      expect((await validate(token))?.user.role).toBe("user");
    });

    it("refuses a fill that read Postgres before a revocation (the tombstone wins)", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      const ticket = rt.cache.ticket(sessionId, rt.clock());
      const staleContext = (await validate(token))!;
      await rt.sessions.revokeSessionWithCache(sessionId);
      // The slow request's fill lands after the revocation:
      await rt.cache.fill(ticket, staleContext);
      expect(await redis.exists(dataKeyOf(prefix, sessionId))).toBe(false);
      expect(await redis.exists(tombstoneKeyOf(prefix, sessionId))).toBe(true);
      expect(await validate(token)).toBeNull();
    });

    it("accepts a fill when nothing was invalidated since its read", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      const context = (await validate(token))!;
      // Evicted (maxmemory, TTL) rather than invalidated: no tombstone, so the next fill may write it again.
      await redis.raw.del(dataKeyOf(prefix, sessionId));
      await rt.cache.fill(rt.cache.ticket(sessionId, rt.clock()), context);
      expect(await redis.exists(dataKeyOf(prefix, sessionId))).toBe(true);
    });

    it("drops a fill older than the tombstone can vouch for", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      const context = (await validate(token))!;
      await redis.raw.del(dataKeyOf(prefix, sessionId));
      await rt.cache.fill({ ...rt.cache.ticket(sessionId, rt.clock()), readAt: Date.now() - FILL_MAX_AGE_MS - 1 }, context);
      expect(await redis.exists(dataKeyOf(prefix, sessionId))).toBe(false);
    });

    it("caps the cache TTL at the time the session has left", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      // Keep it alive up to 10 s before its absolute expiry: the entry must not outlive that, whatever SESSION_CACHE_TTL says.
      const step = rt.config.session.idleTtlS * 1000 - 60_000;
      const until = rt.config.session.absoluteTtlS * 1000 - 10_000;
      let elapsed = 0;
      while (elapsed + step < until) {
        rt.clock.advance(step);
        elapsed += step;
        expect(await validate(token)).not.toBeNull();
      }
      rt.clock.advance(until - elapsed);
      expect(await validate(token)).not.toBeNull();
      const ttl = await redis.pttl(dataKeyOf(prefix, sessionId));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);
    });

    it("with L1 on, two instances sharing this Redis: a revocation through one reaches the other's L1 by pub/sub", async () => {
      const set = await createTestInstances(2, { redisEnv: target().env, env: { SESSION_L1_ENABLED: "true", SESSION_L1_TTL_MS: "60000" } });
      try {
        const [a, b] = set.runtimes as [Runtime, Runtime];
        await waitUntilRedisTrusted(a);
        await waitUntilRedisTrusted(b);
        await eventually(async () => (await redis.subscribers(`${set.keyPrefix}invalidate`)) >= 2);
        const user = await createUser(a.database.db);
        const { token, sessionId } = await a.sessions.createSession(user.id);
        await b.sessions.validateSessionWithCache(token);
        expect(b.cache.inspectL1(sessionId)?.user.id).toBe(user.id);
        await a.sessions.revokeSessionWithCache(sessionId);
        await eventually(async () => (await b.sessions.validateSessionWithCache(token)) === null, 5_000);
      } finally {
        await set.dispose();
      }
    });

    it("reports healthy with server facts, timings and a short-lived health key under the prefix", async () => {
      const report = await checkRedisHealth(rt, RELAXED);
      expect(report.errors).toEqual([]);
      expect(report.status).toBe("healthy");
      expect(httpStatusOfRedisHealth(report.status)).toBe(200);
      expect(report.redis.connected).toBe(true);
      expect(report.redis.version).toMatch(/^\d+\.\d+/);
      expect(report.redis.uptime).toBeGreaterThanOrEqual(0);
      expect(report.redis.usedMemory).toBeGreaterThan(0);
      const ours = await redis.keys(prefix);
      expect(report.redis.totalKeys).toBeGreaterThanOrEqual(ours.length);
      expect(report.sessionCache).toMatchObject({ enabled: true, healthy: true, pool: { nodes: target().masters, breaker: "closed", outboxDepth: 0 } });
      expect(report.sessionCache.metrics.ttl).toBe(rt.config.session.cacheTtlS);
      expect(report.sessionCache.metrics.total).toBe(report.sessionCache.metrics.hits + report.sessionCache.metrics.misses);
      for (const ms of Object.values(report.performance)) expect(ms).toBeGreaterThanOrEqual(0);
      const healthKeys = ours.filter((k) => k.startsWith(`${prefix}health:`));
      expect(healthKeys).toHaveLength(1);
      const ttl = await redis.pttl(healthKeys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(HEALTH_KEY_TTL_MS);
    });
  });
}
