/**
 * Health checks against real backends: PGlite for the database, a private redis-server that is paused
 * (SIGSTOP) to prove a check answers "down" instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import type { Database } from "@/lib/db/types";
import { createTestRuntime, type TestRuntime } from "@/test/support/runtime";
import { eventually, PrivateRedis, probeRedisServerBinary } from "@/test/support/services";
import { checkDatabase, checkRedis, overallStatus, readiness, withTimeout, type CheckResult, type RedisCheckResult } from "./checks";

const up: CheckResult = { status: "up" };
const down: CheckResult = { status: "down", error: "error" };
const redis = (r: Partial<RedisCheckResult>): RedisCheckResult => ({ status: "up", required: false, breaker: "closed", ...r });

describe("overallStatus", () => {
  it("is ok when Postgres is up and Redis is healthy or not configured", () => {
    expect(overallStatus(up, redis({}))).toBe("ok");
    expect(overallStatus(up, redis({ status: "disabled", breaker: null }))).toBe("ok");
  });

  it("is degraded, not down, when an optional Redis is unreachable or not yet trusted", () => {
    expect(overallStatus(up, redis({ status: "down", breaker: "open" }))).toBe("degraded");
    expect(overallStatus(up, redis({ breaker: "half-open" }))).toBe("degraded");
  });

  it("is down when Postgres is down, or when a required Redis is", () => {
    expect(overallStatus(down, redis({}))).toBe("down");
    expect(overallStatus(up, redis({ status: "down", required: true }))).toBe("down");
  });
});

describe("withTimeout", () => {
  it("answers the work's value when it is in time", async () => {
    expect(await withTimeout(Promise.resolve(7), 1000, "x")).toBe(7);
  });

  it("rejects with a CheckTimeout when the work never settles", async () => {
    await expect(withTimeout(new Promise(() => {}), 20, "never")).rejects.toThrow(/never did not answer within 20 ms/);
  });
});

describe("database checks on PGlite", () => {
  let migrated: Database;
  let bare: Database;
  beforeAll(async () => {
    migrated = await openDatabase({ pgliteDir: null });
    await migrateDatabase(migrated);
    bare = await openDatabase({ pgliteDir: null });
  });
  afterAll(async () => {
    await migrated.close();
    await bare.close();
  });

  it("reports a reachable database as up", async () => {
    expect((await checkDatabase({ database: migrated })).status).toBe("up");
  });

  it("reports a closed database as down without throwing", async () => {
    const gone = await openDatabase({ pgliteDir: null });
    await gone.close();
    expect(await checkDatabase({ database: gone })).toMatchObject({ status: "down" });
  });

  it("is ready only once every migration is applied", async () => {
    const deps = (database: Database) => ({ database, cache: { breaker: null }, redis: null, config: { redis: null }, startedAt: 0 }) as never;
    expect((await readiness(deps(migrated), { shuttingDown: false })).ready).toBe(true);
    const unmigrated = await readiness(deps(bare), { shuttingDown: false });
    expect(unmigrated.ready).toBe(false);
    expect(unmigrated.checks.database).toMatchObject({ status: "up", migrated: false });
  });

  it("is not ready while shutting down, even with a healthy database", async () => {
    const deps = { database: migrated, cache: { breaker: null }, redis: null, config: { redis: null }, startedAt: 0 } as never;
    expect((await readiness(deps, { shuttingDown: true })).ready).toBe(false);
  });
});

describe.skipIf(!probeRedisServerBinary().ok)("Redis check against a private redis-server", () => {
  let server: PrivateRedis;
  let rt: TestRuntime;
  beforeAll(async () => {
    server = await PrivateRedis.start();
    rt = await createTestRuntime({ backend: "pglite", redisUrl: server.url });
    await eventually(() => rt.redis!.status === "ready");
    await rt.cache.breaker!.probeNow();
  });
  afterAll(async () => {
    await rt?.dispose();
    await server?.stop();
  });

  it("reports a responsive Redis as up with a closed breaker", async () => {
    expect(await checkRedis(rt)).toMatchObject({ status: "up", breaker: "closed", required: false });
  });

  it("reports a frozen Redis (SIGSTOP) as down instead of hanging", async () => {
    server.pause();
    try {
      expect(await checkRedis(rt, 200)).toMatchObject({ status: "down" });
    } finally {
      server.resume();
    }
  });

  it("counts Redis for readiness only when it is required", async () => {
    server.pause();
    try {
      expect((await readiness(rt, { shuttingDown: false })).ready).toBe(true);
      const required = { ...rt, config: { ...rt.config, redis: { ...rt.config.redis!, required: true } } };
      expect((await readiness(required, { shuttingDown: false })).ready).toBe(false);
    } finally {
      server.resume();
    }
  });
});
