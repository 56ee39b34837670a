/**
 * Redis failures against a private redis-server that each test kills (SIGKILL) or freezes (SIGSTOP):
 * validation keeps answering from Postgres, nobody is logged out, and a revocation made during the outage
 * is never undone by a stale Redis entry once Redis is back.
 *
 * The breaker runs on wall-clock time (Redis recovers in real time), so recovery is awaited with `eventually`;
 * nothing here asserts a duration.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresOutbox } from "@/lib/cache/outbox";
import { cacheInvalidations } from "@/lib/db/schema";
import { createUser } from "../support/fixtures";
import { RedisInspector } from "../support/redis-inspect";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { PrivateRedis, eventually, probePostgres, probeRedisServerBinary } from "../support/services";
import { counterSnapshot, dataKeyOf, delta, tombstoneKeyOf, waitUntilRedisTrusted } from "./helpers";

const pg = await probePostgres();
const binary = probeRedisServerBinary();

describe.skipIf(!pg.ok || !binary.ok)("cached validator when Redis fails", () => {
  let server: PrivateRedis | undefined;
  let rt: TestRuntime | undefined;
  let inspector: RedisInspector | undefined;

  afterEach(async () => {
    await inspector?.close();
    await rt?.dispose();
    await server?.stop();
    [server, rt, inspector] = [undefined, undefined, undefined];
  });

  async function start(env: Record<string, string>) {
    server = await PrivateRedis.start();
    rt = await createTestRuntime({ backend: "postgres", redisUrl: server.url, env });
    inspector = await RedisInspector.connect({ url: server.url });
    await waitUntilRedisTrusted(rt);
    return { rt, server, inspector, prefix: rt.config.redis!.keyPrefix };
  }

  const outboxIds = async (rt: TestRuntime) => (await rt.database.db.select({ id: cacheInvalidations.sessionId }).from(cacheInvalidations)).map((r) => r.id);

  it("keeps validating through Postgres while Redis is dead, logs nobody out, and uses Redis again after a restart", async () => {
    const { rt, server } = await start({ REDIS_BREAKER_COOLDOWN_MS: "50" });
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(token);

    await server.kill();
    const before = await counterSnapshot();
    const queries = rt.database.queryCount();
    for (let i = 0; i < 5; i++) expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
    const during = delta(before, await counterSnapshot());
    expect(during.fallbacks).toBe(5);
    expect(during.redisHits).toBe(0);
    expect(rt.database.queryCount() - queries).toBe(5);
    expect(rt.cache.breaker!.current).not.toBe("closed");

    await server.start();
    await waitUntilRedisTrusted(rt);
    await rt.sessions.validateSessionWithCache(token); // the restarted Redis is empty: one miss refills it
    const afterRestart = await counterSnapshot();
    const q = rt.database.queryCount();
    expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
    expect(rt.database.queryCount() - q).toBe(0);
    expect(delta(afterRestart, await counterSnapshot()).redisHits).toBe(1);
  });

  it("keeps a revoked session rejected while Redis is dead", async () => {
    const { rt, server } = await start({ REDIS_BREAKER_COOLDOWN_MS: "50" });
    const user = await createUser(rt.database.db);
    const { token, sessionId } = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(token);
    await server.kill();
    await rt.sessions.revokeSessionWithCache(sessionId);
    expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
    expect(await outboxIds(rt)).toContain(sessionId);
  });

  it("answers every validation while Redis is frozen, opens the breaker at the threshold, then stops touching Redis", async () => {
    const threshold = 3;
    const { rt, server } = await start({ REDIS_BREAKER_FAILURES: String(threshold), REDIS_BREAKER_COOLDOWN_MS: "100" });
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(token);

    server.pause();
    try {
      const start = await counterSnapshot();
      let validations = 0;
      while (rt.cache.breaker!.current === "closed") {
        // Before the breaker opens, every failed Redis command (a timed-out GET or fill) is counted.
        expect(delta(start, await counterSnapshot()).errors).toBeLessThan(threshold);
        expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
        validations++;
        expect(validations).toBeLessThanOrEqual(threshold);
      }
      const opened = await counterSnapshot();
      expect(delta(start, opened).errors).toBe(threshold);

      for (let i = 0; i < 5; i++) expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
      const open = delta(opened, await counterSnapshot());
      expect(open.errors).toBe(0); // no request sent a command to the frozen server
      expect(open.fallbacks).toBe(5);
    } finally {
      server.resume();
    }

    // No reconnect happens after SIGCONT (the socket never closed), so no "ready" event starts a probe:
    // traffic does, once the cooldown is over (allows() starts it in the background).
    await eventually(async () => {
      expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
      return rt.cache.breaker!.current === "closed";
    }, 15_000);
    await rt.sessions.validateSessionWithCache(token);
    const q = rt.database.queryCount();
    const before = await counterSnapshot();
    expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
    expect(rt.database.queryCount() - q).toBe(0);
    expect(delta(before, await counterSnapshot()).redisHits).toBe(1);
  });

  it("sends a revocation made while Redis is frozen to the outbox, and replays it before trusting the stale copy again", async () => {
    // A long cooldown keeps the breaker open until the test runs the probe itself: the stale key's
    // presence after SIGCONT is then certain, not a race with a background probe.
    const { rt, server, inspector, prefix } = await start({ REDIS_BREAKER_FAILURES: "1", REDIS_BREAKER_COOLDOWN_MS: "600000" });
    const [victim, bystander] = [await createUser(rt.database.db), await createUser(rt.database.db)];
    const revoked = await rt.sessions.createSession(victim.id);
    const kept = await rt.sessions.createSession(bystander.id);
    await rt.sessions.validateSessionWithCache(revoked.token);
    await rt.sessions.validateSessionWithCache(kept.token);
    expect(await inspector.exists(dataKeyOf(prefix, revoked.sessionId))).toBe(true);

    server.pause();
    try {
      expect((await rt.sessions.validateSessionWithCache(revoked.token))?.user.id).toBe(victim.id); // times out: breaker opens
      expect(rt.cache.breaker!.current).toBe("open");
      await rt.sessions.revokeSessionWithCache(revoked.sessionId);
      expect(await outboxIds(rt)).toEqual([revoked.sessionId]);
      expect(await rt.sessions.validateSessionWithCache(revoked.token)).toBeNull();
    } finally {
      server.resume();
    }

    // Redis is back with the revoked session's context still inside ...
    expect(await inspector.exists(dataKeyOf(prefix, revoked.sessionId))).toBe(true);
    // ... and it is not served while the breaker is open.
    expect(await rt.sessions.validateSessionWithCache(revoked.token)).toBeNull();

    await rt.cache.breaker!.probeNow();
    expect(rt.cache.breaker!.current).toBe("closed");
    expect(await outboxIds(rt)).toEqual([]);
    expect(await inspector.exists(dataKeyOf(prefix, revoked.sessionId))).toBe(false);
    expect(await rt.sessions.validateSessionWithCache(revoked.token)).toBeNull();
    // The replay removed exactly what was revoked: the other session is still a Redis hit.
    const q = rt.database.queryCount();
    expect((await rt.sessions.validateSessionWithCache(kept.token))?.user.id).toBe(bystander.id);
    expect(rt.database.queryCount() - q).toBe(0);
  });

  it("replays the outbox against a killed Redis that restarts from a snapshot holding the revoked session", async () => {
    const { rt, server, inspector: before, prefix } = await start({ REDIS_BREAKER_COOLDOWN_MS: "50" });
    const [victim, bystander] = [await createUser(rt.database.db), await createUser(rt.database.db)];
    const revoked = await rt.sessions.createSession(victim.id);
    const kept = await rt.sessions.createSession(bystander.id);
    await rt.sessions.validateSessionWithCache(revoked.token);
    await rt.sessions.validateSessionWithCache(kept.token);
    await before.saveSnapshot(); // dump.rdb now holds both contexts

    await server.kill();
    await rt.sessions.revokeSessionWithCache(revoked.sessionId);
    expect(await outboxIds(rt)).toEqual([revoked.sessionId]);
    expect(await createPostgresOutbox(rt.database.db).depth()).toBe(1);

    await server.start(); // loads dump.rdb: the stale context is back
    await waitUntilRedisTrusted(rt);
    await before.close();
    const after = (inspector = await RedisInspector.connect({ url: server.url }));
    expect(await outboxIds(rt)).toEqual([]);
    // The snapshot was loaded (the kept session's entry survived the crash) and the replay hit this server.
    expect(await after.exists(dataKeyOf(prefix, kept.sessionId))).toBe(true);
    expect(await after.exists(dataKeyOf(prefix, revoked.sessionId))).toBe(false);
    expect(await after.exists(tombstoneKeyOf(prefix, revoked.sessionId))).toBe(true);
    expect(await rt.sessions.validateSessionWithCache(revoked.token)).toBeNull();
    expect((await rt.sessions.validateSessionWithCache(kept.token))?.user.id).toBe(bystander.id);
  });

  it("never serves the stale copy while the probe is still replaying (breaker half-open)", async () => {
    const { rt, server } = await start({ REDIS_BREAKER_FAILURES: "1", REDIS_BREAKER_COOLDOWN_MS: "600000" });
    const user = await createUser(rt.database.db);
    const { token, sessionId } = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(token);
    server.pause();
    try {
      await rt.sessions.validateSessionWithCache(token);
      await rt.sessions.revokeSessionWithCache(sessionId);
    } finally {
      server.resume();
    }
    const probe = rt.cache.breaker!.probeNow();
    expect(rt.cache.breaker!.current).toBe("half-open");
    expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
    await probe;
    expect(rt.cache.breaker!.current).toBe("closed");
    await eventually(async () => (await outboxIds(rt)).length === 0);
  });
});
