/**
 * One isolated production server for e2e: `next start` from the shared e2e build, on a database that
 * exists only for it (a temp PGlite folder by default; a scratch PostgreSQL database when DATABASE_URL is
 * set) and, when REDIS_URL is set, under a Redis key prefix nobody else uses.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { startNextServer, type NextServer } from "../../test/support/next-server";
import { createScratchDatabase } from "../../test/support/services";
import { ADMIN_EMAIL, ADMIN_PASSWORD, E2E_DIST_DIR, E2E_SESSION_SECRET, FIXTURE_USERS } from "./constants";

export interface E2EServer {
  server: NextServer;
  /** http://localhost:<port>: Chromium treats localhost as secure, so production's Secure __Host- cookie works. */
  url: string;
  dispose(): Promise<void>;
}

export interface E2EServerOptions {
  name: string;
  port?: number;
  env?: Record<string, string>;
}

/** The variables every e2e server shares; a server adds its own (TTLs, step-up window) on top. */
function baseEnv(): Record<string, string> {
  return {
    SESSION_SECRET: E2E_SESSION_SECRET,
    // Every spec signs in from 127.0.0.1, often as the same admin: the production limits would throttle the suite.
    LOGIN_MAX_PER_IP_PER_MINUTE: "10000",
    LOGIN_MAX_PER_ACCOUNT_PER_15MIN: "10000",
    LOG_LEVEL: "warn",
    // The servers run `next start` (production), where /dev/mailbox is off: the notification spec reads it.
    DEV_MAILBOX: "true",
  };
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    // SCAN + DEL on our own prefix only: the Redis server is shared, so never FLUSH anything.
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } catch {
    // Best effort: every key carries a TTL anyway.
  } finally {
    client.disconnect();
  }
}

export async function startE2EServer(options: E2EServerOptions): Promise<E2EServer> {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  const scratch = databaseUrl ? await createScratchDatabase() : null;
  const redisPrefix = `nsi-e2e-${options.name}-${randomBytes(4).toString("hex")}:`;
  try {
    const server = await startNextServer({
      distDir: E2E_DIST_DIR,
      fixtures: { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, users: FIXTURE_USERS },
      port: options.port,
      timeoutMs: 120_000,
      env: {
        ...baseEnv(),
        ...(scratch ? { DATABASE_URL: scratch.url } : {}),
        ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisPrefix } : {}),
        ...options.env,
      },
    });
    return {
      server,
      url: `http://localhost:${server.port}`,
      async dispose() {
        await server.stop();
        if (redisUrl) await deleteRedisKeys(redisUrl, redisPrefix);
        await scratch?.drop();
      },
    };
  } catch (error) {
    await scratch?.drop();
    throw error;
  }
}
