/**
 * The Redis breaker while Postgres is down, against a private PostgreSQL cluster and a private redis-server
 * that the tests really stop, freeze and start.
 *
 * Why it matters: the breaker's probe replays the Postgres outbox before trusting Redis again. If every
 * probe needed Postgres, one Redis hiccup during a Postgres outage (a few timed-out GETs on a busy host)
 * would keep the breaker open until Postgres returned, and every cached session would fail with it. The
 * cache tells the two reasons for an open breaker apart (lib/cache/trust.ts): Redis failures alone
 * may close without Postgres; distrust (a lost invalidation, another instance's outbox entries) may not.
 * These tests prove both halves, and that a revoked session is never served either way.
 */
import { eq } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { createPostgresOutbox } from "@/lib/cache/outbox";
import { sessions } from "@/lib/db/schema";
import { getMetrics } from "@/lib/observability/metrics";
import { createUser } from "../support/fixtures";
import { PrivatePostgres, probePrivatePostgres } from "../support/private-postgres";
import { RedisInspector } from "../support/redis-inspect";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { PrivateRedis, eventually, probeRedisServerBinary } from "../support/services";
import { dataKeyOf, waitUntilRedisTrusted } from "./helpers";

const available = probePrivatePostgres().ok && probeRedisServerBinary().ok;

describe.skipIf(!available)("Redis breaker during a Postgres outage", () => {
  let pg: PrivatePostgres;
  let databases = 0;
  let redis: PrivateRedis | undefined;
  let rt: TestRuntime | undefined;
  let inspector: RedisInspector | undefined;

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
  });
  afterAll(async () => pg?.destroy());
  afterEach(async () => {
    redis?.resume();
    pg.thaw();
    if (!pg.isRunning) await pg.start();
    await inspector?.close();
    await rt?.dispose();
    await redis?.stop();
    [redis, rt, inspector] = [undefined, undefined, undefined];
  });

  async function start(outboxPollMs = 0) {
    redis = await PrivateRedis.start();
    const databaseUrl = await pg.createDatabase(`outage_${++databases}`);
    // One failure opens the breaker; an hour of cooldown means only the test runs probes (no races).
    rt = await createTestRuntime({
      backend: "postgres",
      databaseUrl,
      redisUrl: redis.url,
      outboxPollMs,
      env: { REDIS_BREAKER_FAILURES: "1", REDIS_BREAKER_COOLDOWN_MS: "3600000" },
    });
    inspector = await RedisInspector.connect({ url: redis.url });
    await waitUntilRedisTrusted(rt);
    return { rt, redis, inspector, prefix: rt.config.redis!.keyPrefix };
  }

  /** Freezes Redis until one validation times out: the breaker opens for failures only (no distrust). */
  async function openBreakerByTimeout(rt: TestRuntime, redis: PrivateRedis, token: string) {
    redis.pause();
    try {
      expect(await rt.sessions.validateSessionWithCache(token)).not.toBeNull(); // answered by Postgres
      expect(rt.cache.breaker!.current).toBe("open");
    } finally {
      redis.resume();
    }
  }

  /**
   * Postgres goes down while Redis holds a revoked session that only the outbox replay may remove: no probe
   * may close the breaker, the key stays in Redis, and it is not served (without Postgres, no answer at all).
   */
  async function expectHeldBackWithoutPostgres(rt: TestRuntime, inspector: RedisInspector, key: string, token: string) {
    await pg.stop();
    // Several probes, so that at least one gets past the Redis ping on a busy machine: none may close.
    for (let i = 0; i < 3; i++) await rt.cache.breaker!.probeNow();
    expect(rt.cache.breaker!.current).not.toBe("closed");
    expect(await inspector.exists(key)).toBe(true);
    await expect(rt.sessions.validateSessionWithCache(token)).rejects.toThrow();
  }

  /**
   * Postgres comes back, and the pool is clean again: a pooled connection that the shutdown terminated can
   * still fail the first query sent on it (57P01), so every connection is exercised until a whole round of
   * them succeeds. The assertions after this then judge the cache, not the pool's recovery.
   */
  async function postgresBack(rt: TestRuntime) {
    await pg.start();
    const wholePool = () => Promise.allSettled(Array.from({ length: rt.database.poolStats().max }, () => rt.database.ping()));
    await eventually(async () => (await wholePool()).every((r) => r.status === "fulfilled"), 15_000);
  }

  it("closes a breaker opened by Redis timeouts while Postgres is down: cached sessions keep working", async () => {
    const { rt, redis } = await start();
    const user = await createUser(rt.database.db);
    const cached = await rt.sessions.createSession(user.id);
    const notCached = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(cached.token);
    await openBreakerByTimeout(rt, redis, cached.token);

    await pg.stop();
    // Probes until one gets past the Redis ping (its 50 ms timeout can lose a race with a busy machine).
    await waitUntilRedisTrusted(rt);

    const q = rt.database.queryCount();
    expect((await rt.sessions.validateSessionWithCache(cached.token))?.user.id).toBe(user.id);
    expect(rt.database.queryCount() - q).toBe(0);
    // A session that needs Postgres fails (a 503 for the API), and is not answered as anonymous.
    await expect(rt.sessions.validateSessionWithCache(notCached.token)).rejects.toThrow();

    await postgresBack(rt);
    await eventually(async () => (await rt.sessions.validateSessionWithCache(notCached.token).catch(() => null))?.user.id === user.id, 15_000);
  });

  it("closes a breaker opened by Redis timeouts while Postgres hangs: the probe never waits on a Postgres that answers nothing", async () => {
    const { rt, redis } = await start();
    const user = await createUser(rt.database.db);
    const cached = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(cached.token);
    await openBreakerByTimeout(rt, redis, cached.token);

    // Frozen, not stopped: connections are accepted and never answered, so a probe that read the outbox
    // would hold the breaker half-open until the query deadline (6 s) and then fail (the CI run of
    // 2026-11-30 that saw 0 cached answers through a Postgres outage).
    pg.freeze();
    const breaker = rt.cache.breaker!;
    for (let attempt = 0; attempt < 5 && breaker.current !== "closed"; attempt++) {
      // Bounded: a probe stuck on Postgres must fail this test, not hang it.
      await Promise.race([breaker.probeNow(), sleep(1500)]);
    }
    expect(breaker.current).toBe("closed");
    const q = rt.database.queryCount();
    expect((await rt.sessions.validateSessionWithCache(cached.token))?.user.id).toBe(user.id);
    expect(rt.database.queryCount() - q).toBe(0);
    pg.thaw();
  });

  it("serves a cached session whose rolling-expiry write is due while Postgres is down, and writes it once Postgres is back", async () => {
    const { rt } = await start();
    const user = await createUser(rt.database.db);
    const s = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(s.token);
    const seenBefore = (await rt.database.db.select().from(sessions).where(eq(sessions.id, s.sessionId)))[0]!.lastSeenAt.getTime();

    await pg.stop();
    // One refresh interval later the hit wants to write last_seen_at and the new expiry: it cannot.
    rt.clock.advance(rt.config.session.refreshIntervalS * 1000 + 1000);
    const deferred = (await getMetrics().refreshDeferred.get()).values[0]?.value ?? 0;
    expect((await rt.sessions.validateSessionWithCache(s.token))?.user.id).toBe(user.id);
    expect((await getMetrics().refreshDeferred.get()).values[0]?.value).toBe(deferred + 1);

    await postgresBack(rt);
    // The next request writes what was deferred (the session is still due for its refresh).
    await eventually(async () => {
      await rt.sessions.validateSessionWithCache(s.token).catch(() => null);
      const row = (await rt.database.db.select().from(sessions).where(eq(sessions.id, s.sessionId)))[0]!;
      return row.lastSeenAt.getTime() > seenBefore;
    }, 15_000);
  });

  it("keeps a breaker open while Postgres is down when a revocation waits in the outbox, and never serves it", async () => {
    const { rt, redis, inspector, prefix } = await start();
    const [victim, bystander] = [await createUser(rt.database.db), await createUser(rt.database.db)];
    const revoked = await rt.sessions.createSession(victim.id);
    const kept = await rt.sessions.createSession(bystander.id);
    await rt.sessions.validateSessionWithCache(revoked.token);
    await rt.sessions.validateSessionWithCache(kept.token);
    await openBreakerByTimeout(rt, redis, kept.token);
    await rt.sessions.revokeSessionWithCache(revoked.sessionId); // Redis not trusted: goes to the outbox
    expect(await inspector.exists(dataKeyOf(prefix, revoked.sessionId))).toBe(true);

    await expectHeldBackWithoutPostgres(rt, inspector, dataKeyOf(prefix, revoked.sessionId), revoked.token);

    await postgresBack(rt);
    await waitUntilRedisTrusted(rt);
    expect(await inspector.exists(dataKeyOf(prefix, revoked.sessionId))).toBe(false);
    expect(await rt.sessions.validateSessionWithCache(revoked.token)).toBeNull();
    expect((await rt.sessions.validateSessionWithCache(kept.token))?.user.id).toBe(bystander.id);
  });

  it("needs a replay when the outbox poll saw another instance's invalidation while the breaker was open", async () => {
    const { rt, redis, inspector, prefix } = await start(25);
    const user = await createUser(rt.database.db);
    const other = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(other.token);
    await openBreakerByTimeout(rt, redis, other.token);
    // What another instance does when it revokes a session and cannot reach Redis: delete the row, queue the id.
    await rt.database.db.delete(sessions).where(eq(sessions.id, other.sessionId));
    await createPostgresOutbox(rt.database.db).enqueue([other.sessionId]);
    // The poll of this instance has seen it (it runs in every breaker state).
    await eventually(async () => (await getMetrics().outboxDepth.get()).values[0]?.value === 1, 10_000, 25);

    await expectHeldBackWithoutPostgres(rt, inspector, dataKeyOf(prefix, other.sessionId), other.token);

    await postgresBack(rt);
    await waitUntilRedisTrusted(rt);
    expect(await rt.sessions.validateSessionWithCache(other.token)).toBeNull();
  });

  it("remembers an invalidation that reached neither Redis nor the outbox, and deletes it before trusting Redis", async () => {
    const { rt, redis, inspector, prefix } = await start();
    const user = await createUser(rt.database.db);
    const s = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(s.token);
    await openBreakerByTimeout(rt, redis, s.token);

    // Postgres goes down between a revocation's commit and its outbox write: the cache is told to forget
    // the id while both stores are unreachable.
    await pg.stop();
    await expect(rt.cache.invalidate([s.sessionId])).rejects.toThrow();
    expect(await inspector.exists(dataKeyOf(prefix, s.sessionId))).toBe(true);

    // The probe deletes it from Redis even though it cannot replay the outbox (and stays open: distrusted).
    await eventually(async () => {
      await rt.cache.breaker!.probeNow();
      return !(await inspector.exists(dataKeyOf(prefix, s.sessionId)));
    }, 10_000);
    expect(rt.cache.breaker!.current).not.toBe("closed");

    await postgresBack(rt);
    await waitUntilRedisTrusted(rt);
    expect(await inspector.exists(dataKeyOf(prefix, s.sessionId))).toBe(false);
  });
});
