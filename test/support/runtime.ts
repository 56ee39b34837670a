/** Builds isolated runtimes for tests: a fresh database per call, an optional Redis, a manual clock. */
import { randomBytes } from "node:crypto";
import { manualClock } from "@/lib/clock";
import { loadConfig, type AppConfig } from "@/lib/config";
import { openDatabase } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { createRedisClient } from "@/lib/cache/redis-client";
import { createRuntime, type Runtime } from "@/lib/runtime";
import { createLogger } from "@/lib/observability/logger";
import { createScratchDatabase } from "./services";

export type Backend = "pglite" | "postgres";

export interface TestRuntimeOptions {
  backend: Backend;
  redisUrl?: string;
  env?: Record<string, string>;
  start?: number;
  /** A database of the caller's (e.g. on a private cluster the test stops); else a scratch one. */
  databaseUrl?: string;
  /** A PGlite folder of the caller's (pglite backend); else an in-memory database. */
  pgliteDir?: string;
  /** The cross-instance outbox poll; off by default so that query counts are exact. */
  outboxPollMs?: number;
}

export interface TestRuntime extends Runtime {
  clock: ReturnType<typeof manualClock>;
  dispose(): Promise<void>;
}

export const TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({ NODE_ENV: "test", SESSION_SECRET: TEST_SECRET, LOG_LEVEL: "silent", SESSION_PRUNE_INTERVAL_S: "0", ...env });
}

export async function createTestRuntime(options: TestRuntimeOptions): Promise<TestRuntime> {
  const scratch = options.backend === "postgres" && !options.databaseUrl ? await createScratchDatabase() : null;
  const env: Record<string, string> = { ...(options.env ?? {}) };
  if (options.redisUrl) {
    env.REDIS_URL = options.redisUrl;
    // A unique prefix keeps parallel test files apart on a shared Redis.
    env.REDIS_KEY_PREFIX = `t${randomBytes(4).toString("hex")}:`;
  }
  const config = testConfig(env);
  const database = await openDatabase({ url: options.databaseUrl ?? scratch?.url, pgliteDir: options.pgliteDir ?? null, poolMax: 5 });
  await migrateDatabase(database);
  const clock = manualClock(options.start ?? Date.parse("2026-01-01T00:00:00Z"));
  const logger = createLogger("silent");
  const redis = config.redis ? createRedisClient(config.redis, logger) : null;
  const runtime = await createRuntime(config, { database, redis, clock, logger, skipStartupTasks: true, outboxPollMs: options.outboxPollMs ?? 0 });
  return Object.assign(runtime, {
    clock,
    async dispose() {
      await runtime.close();
      await scratch?.drop();
    },
  }) as TestRuntime;
}
