/**
 * The optional in-process L1 in front of Redis (SESSION_L1_ENABLED=true), over a private redis-server so
 * that the server's own command counters (INFO commandstats) can prove "zero round trips", and with two
 * runtimes sharing one Postgres database and one Redis key space to play two app instances.
 *
 * Worst-case staleness of an L1 copy on another instance: revocations travel by Redis pub/sub, so normally
 * an instance drops its copy within one message delivery. If that message is lost (subscriber disconnected,
 * Redis down), the copy lives until its L1 TTL runs out: at most SESSION_L1_TTL_MS after that instance last
 * filled it (lru-cache's own real-time clock; reads do not extend it). After that the instance asks Redis,
 * where the tombstone and the deleted entry send it to Postgres, which says no. A reconnecting subscriber
 * also clears its whole L1, since it cannot know what it missed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RedisClient } from "@/lib/cache/redis-client";
import type { Runtime } from "@/lib/runtime";
import { createUser } from "../support/fixtures";
import { createTestInstances, type TestInstances } from "../support/instances";
import { RedisInspector } from "../support/redis-inspect";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { PrivateRedis, eventually, probePostgres, probeRedisServerBinary } from "../support/services";
import { counterSnapshot, delta, waitUntilRedisTrusted } from "./helpers";

const pg = await probePostgres();
const binary = probeRedisServerBinary();

describe.skipIf(!pg.ok || !binary.ok)("L1 session cache", () => {
  let server: PrivateRedis;
  let inspector: RedisInspector;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await PrivateRedis.start();
    inspector = await RedisInspector.connect({ url: server.url });
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  afterAll(async () => {
    await inspector?.close();
    await server?.stop();
  });

  async function runtime(env: Record<string, string>): Promise<TestRuntime> {
    const rt = await createTestRuntime({ backend: "postgres", redisUrl: server.url, env });
    cleanups.push(() => rt.dispose());
    await waitUntilRedisTrusted(rt);
    return rt;
  }

  async function instances(l1TtlMs: number, env: Record<string, string> = {}): Promise<TestInstances & { a: Runtime; b: Runtime; channel: string }> {
    const set = await createTestInstances(2, {
      redisEnv: { REDIS_URL: server.url },
      env: { SESSION_L1_ENABLED: "true", SESSION_L1_TTL_MS: String(l1TtlMs), ...env },
    });
    cleanups.push(() => set.dispose());
    const [a, b] = set.runtimes as [Runtime, Runtime];
    await waitUntilRedisTrusted(a);
    await waitUntilRedisTrusted(b);
    const channel = `${set.keyPrefix}invalidate`;
    // Both instances listen before anything is revoked.
    await eventually(async () => (await inspector.subscribers(channel)) === 2);
    return { ...set, a, b, channel };
  }

  it("answers an L1 hit with zero Postgres queries and zero Redis round trips", async () => {
    const rt = await runtime({ SESSION_L1_ENABLED: "true", SESSION_L1_TTL_MS: "60000" });
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(token);
    const commands = await inspector.commandsExecuted();
    const queries = rt.database.queryCount();
    const before = await counterSnapshot();
    for (let i = 0; i < 5; i++) expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
    expect(await inspector.commandsExecuted()).toBe(commands);
    expect(rt.database.queryCount()).toBe(queries);
    expect(delta(before, await counterSnapshot()).l1Hits).toBe(5);
  });

  it("without L1, every hit is one Redis round trip (and still no Postgres query)", async () => {
    const rt = await runtime({ SESSION_L1_ENABLED: "false" });
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(token);
    const commands = await inspector.commandsExecuted();
    const queries = rt.database.queryCount();
    for (let i = 0; i < 5; i++) expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
    expect((await inspector.commandsExecuted()) - commands).toBe(5);
    expect(rt.database.queryCount()).toBe(queries);
  });

  it("a fill that read Postgres before a revocation cannot put the stale context into L1", async () => {
    const rt = await runtime({ SESSION_L1_ENABLED: "true", SESSION_L1_TTL_MS: "60000" });
    const user = await createUser(rt.database.db);
    const { token, sessionId } = await rt.sessions.createSession(user.id);
    const ticket = rt.cache.ticket(sessionId, rt.clock());
    const stale = (await rt.sessions.validateSessionWithCache(token))!;
    await rt.sessions.revokeSessionWithCache(sessionId);
    await rt.cache.fill(ticket, stale);
    expect(rt.cache.inspectL1(sessionId)).toBeUndefined();
    expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
  });

  it("a miss that nobody revoked meanwhile puts the context into L1", async () => {
    const rt = await runtime({ SESSION_L1_ENABLED: "true", SESSION_L1_TTL_MS: "60000" });
    const user = await createUser(rt.database.db);
    const { token, sessionId } = await rt.sessions.createSession(user.id);
    await rt.sessions.validateSessionWithCache(token);
    expect(rt.cache.inspectL1(sessionId)?.user.id).toBe(user.id);
  });

  it("a Redis read that answered just before a revocation here does not put the stale context into L1", async () => {
    // A long command timeout: while the server is frozen, the GET waits instead of failing.
    const { a, b } = await instances(60_000, { REDIS_COMMAND_TIMEOUT_MS: "10000" });
    const user = await createUser(a.database.db);
    const { token, sessionId } = await a.sessions.createSession(user.id);
    await a.sessions.validateSessionWithCache(token); // Redis holds the context; B's L1 is empty
    expect(b.cache.inspectL1(sessionId)).toBeUndefined();
    server.pause();
    let read: Promise<unknown>;
    let revoke: Promise<unknown>;
    try {
      read = Promise.resolve(b.cache.read(sessionId, b.clock())); // L1 is empty, so a Redis GET, queued first: Redis will answer it with the live context
      revoke = b.sessions.revokeSessionWithCache(sessionId); // Postgres delete, then the Redis delete queued behind the GET
      await eventually(async () => (await a.sessions.findSessionOwner(sessionId)) === null);
    } finally {
      server.resume();
    }
    expect(await read).toMatchObject({ kind: "hit", context: { sessionId } });
    await revoke;
    expect(b.cache.inspectL1(sessionId)).toBeUndefined();
    expect(await b.sessions.validateSessionWithCache(token)).toBeNull();
  });

  it("revoking through instance A makes instance B reject within one pub/sub delivery", async () => {
    // L1 TTL of a minute: only the invalidation message can make B forget within the wait below.
    const { a, b } = await instances(60_000);
    const user = await createUser(a.database.db);
    const { token, sessionId } = await a.sessions.createSession(user.id);
    await b.sessions.validateSessionWithCache(token);
    expect(b.cache.inspectL1(sessionId)?.user.id).toBe(user.id);
    await a.sessions.revokeSessionWithCache(sessionId);
    await eventually(async () => (await b.sessions.validateSessionWithCache(token)) === null, 5_000);
    expect(b.cache.inspectL1(sessionId)).toBeUndefined();
  });

  it("instance B keeps serving a session nobody revoked from its L1", async () => {
    const { a, b } = await instances(60_000);
    const [kept, other] = [await createUser(a.database.db), await createUser(a.database.db)];
    const keptSession = await a.sessions.createSession(kept.id);
    const otherSession = await a.sessions.createSession(other.id);
    await b.sessions.validateSessionWithCache(keptSession.token);
    await a.sessions.revokeSessionWithCache(otherSession.sessionId);
    await eventually(async () => (await b.sessions.validateSessionWithCache(otherSession.token)) === null, 5_000);
    const queries = b.database.queryCount();
    expect((await b.sessions.validateSessionWithCache(keptSession.token))?.user.id).toBe(kept.id);
    expect(b.database.queryCount()).toBe(queries);
  });

  it("with pub/sub cut, instance B's stale copy lives no longer than SESSION_L1_TTL_MS", async () => {
    const l1TtlMs = 200;
    const { a, b, channel } = await instances(l1TtlMs);
    // Cut B's subscriber for good (disconnect() never reconnects): B now misses every invalidation message.
    (b.cache as unknown as { l1: { subscriber: RedisClient } }).l1.subscriber.disconnect();
    await eventually(async () => (await inspector.subscribers(channel)) === 1);
    const user = await createUser(a.database.db);
    const { token, sessionId } = await a.sessions.createSession(user.id);
    await b.sessions.validateSessionWithCache(token);
    await a.sessions.revokeSessionWithCache(sessionId);
    // Bounded by the L1 TTL (see the header); the wait allows the TTL plus scheduling slack on a busy machine.
    await eventually(async () => (await b.sessions.validateSessionWithCache(token)) === null, l1TtlMs + 5_000);
  });

  it("with pub/sub cut, a fill on B refused by A's tombstone does not enter B's L1", async () => {
    const { a, b, channel } = await instances(60_000);
    (b.cache as unknown as { l1: { subscriber: RedisClient } }).l1.subscriber.disconnect();
    await eventually(async () => (await inspector.subscribers(channel)) === 1);
    const user = await createUser(a.database.db);
    const { token, sessionId } = await a.sessions.createSession(user.id);
    const stale = (await a.sessions.validateSessionWithCache(token))!;
    await a.sessions.revokeSessionWithCache(sessionId);
    // B read Postgres just before the revocation and fills now; A's tombstone in Redis refuses it.
    await b.cache.fill(b.cache.ticket(sessionId, b.clock()), stale);
    expect(b.cache.inspectL1(sessionId)).toBeUndefined();
    expect(await b.sessions.validateSessionWithCache(token)).toBeNull();
  });

  it("with pub/sub cut, a fill on B that Redis accepts does enter B's L1", async () => {
    const { a, b, channel } = await instances(60_000);
    (b.cache as unknown as { l1: { subscriber: RedisClient } }).l1.subscriber.disconnect();
    await eventually(async () => (await inspector.subscribers(channel)) === 1);
    const user = await createUser(a.database.db);
    const { token, sessionId } = await a.sessions.createSession(user.id);
    const context = (await a.sessions.validateSessionWithCache(token))!;
    await b.cache.fill(b.cache.ticket(sessionId, b.clock()), context);
    expect(b.cache.inspectL1(sessionId)?.user.id).toBe(user.id);
  });
});
