/**
 * Several app "instances" in one test process: separate runtimes (own pools, own Redis clients, own L1)
 * over one scratch Postgres database and one Redis key space, the way a scaled-out deployment runs.
 */
import { randomBytes } from "node:crypto";
import { createRedisClient } from "@/lib/cache/redis-client";
import { manualClock } from "@/lib/clock";
import { openDatabase } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { createLogger } from "@/lib/observability/logger";
import { createRuntime, type Runtime } from "@/lib/runtime";
import { testConfig } from "./runtime";
import { createScratchDatabase } from "./services";

export interface TestInstances {
  runtimes: Runtime[];
  clock: ReturnType<typeof manualClock>;
  keyPrefix: string;
  dispose(): Promise<void>;
}

export async function createTestInstances(count: number, options: { redisEnv: Record<string, string>; env?: Record<string, string> }): Promise<TestInstances> {
  const scratch = await createScratchDatabase();
  const keyPrefix = `t${randomBytes(4).toString("hex")}:`;
  const config = testConfig({ ...options.env, ...options.redisEnv, REDIS_KEY_PREFIX: keyPrefix });
  const clock = manualClock(Date.parse("2026-01-01T00:00:00Z"));
  const logger = createLogger("silent");
  const runtimes: Runtime[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const database = await openDatabase({ url: scratch.url, pgliteDir: null, poolMax: 3 });
      if (i === 0) await migrateDatabase(database);
      const redis = createRedisClient(config.redis!, logger);
      runtimes.push(await createRuntime(config, { database, redis, clock, logger, skipStartupTasks: true, outboxPollMs: 0 }));
    }
  } catch (error) {
    await Promise.all(runtimes.map((r) => r.close()));
    await scratch.drop();
    throw error;
  }
  return {
    runtimes,
    clock,
    keyPrefix,
    async dispose() {
      await Promise.all(runtimes.map((r) => r.close()));
      await scratch.drop();
    },
  };
}
