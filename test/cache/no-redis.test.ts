/** Without any Redis configured the site still works: Postgres answers every validation, health says "disabled". */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRedisHealth, httpStatusOfRedisHealth } from "@/lib/health/redis";
import { createUser } from "../support/fixtures";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { probePostgres } from "../support/services";
import { counterSnapshot, delta } from "./helpers";

const pg = await probePostgres();

describe("session validation with no Redis configured", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ backend: pg.ok ? "postgres" : "pglite" });
  });
  afterAll(async () => rt?.dispose());

  it("validates through Postgres on every request and counts no Redis fallbacks", async () => {
    expect(rt.redis).toBeNull();
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id);
    const before = await counterSnapshot();
    const queries = rt.database.queryCount();
    for (let i = 0; i < 3; i++) expect((await rt.sessions.validateSessionWithCache(token))?.user.id).toBe(user.id);
    expect(rt.database.queryCount() - queries).toBe(3);
    const d = delta(before, await counterSnapshot());
    expect(d.misses).toBe(3);
    expect(d.fallbacks).toBe(0);
    expect(d.errors).toBe(0);
  });

  it("answers concurrent requests of one session with one Postgres query", async () => {
    const user = await createUser(rt.database.db);
    const { token } = await rt.sessions.createSession(user.id);
    const queries = rt.database.queryCount();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => rt.sessions.validateSessionWithCache(token)));
    expect(answers.map((a) => a?.user.id)).toEqual(Array(5).fill(user.id));
    expect(rt.database.queryCount() - queries).toBe(1);
  });

  it("rejects a revoked session", async () => {
    const user = await createUser(rt.database.db);
    const { token, sessionId } = await rt.sessions.createSession(user.id);
    await rt.sessions.revokeSessionWithCache(sessionId);
    expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
  });

  it("reports the Redis tier as disabled with HTTP 200", async () => {
    const report = await checkRedisHealth(rt);
    expect(report.status).toBe("disabled");
    expect(httpStatusOfRedisHealth(report.status)).toBe(200);
    expect(report.redis).toEqual({ connected: false, version: null, uptime: null, usedMemory: null, totalKeys: null });
    expect(report.sessionCache.enabled).toBe(false);
    expect(report.sessionCache.pool).toMatchObject({ mode: null, breaker: null });
    expect(report.performance).toEqual({ ping: null, set: null, get: null });
    expect(report.errors).toEqual([]);
    expect(Number.isNaN(Date.parse(report.timestamp))).toBe(false);
  });
});
