/**
 * One real `next start` per test file, on the build the global setup made (.next-test).
 * Backed by a scratch PostgreSQL database and the shared Redis (unique key prefix) when they are reachable,
 * else by the server's private PGlite. Seeded with a known admin and 30 sample users.
 */
import { randomBytes } from "node:crypto";
import { openDatabase } from "@/lib/db/client";
import { SAMPLE_PASSWORD, sampleUserRows } from "@/lib/db/seed";
import type { Database } from "@/lib/db/types";
import { startNextServer, type NextServer } from "../../support/next-server";
import { createScratchDatabase, probePostgres, probeRedis } from "../../support/services";
import { HttpClient } from "./client";

export const DIST_DIR = ".next-test";
export const ADMIN = { email: "admin@example.com", password: "admin-password-for-http-tests" };
export const SAMPLE_USERS = 30;

/** A seeded sample user by index (see lib/db/seed.ts: 3 is an admin, 5/17/29 support, 7 and 11 banned). */
export function sampleUser(index: number): { email: string; password: string; role: string; status: string } {
  const row = sampleUserRows(SAMPLE_USERS, "")[index]!;
  return { email: row.email, password: SAMPLE_PASSWORD, role: row.role!, status: row.status! };
}

export interface TestServerOptions {
  /** "auto": PostgreSQL when reachable, else PGlite. */
  database?: "auto" | "postgres" | "pglite";
  /** "auto": the shared Redis when reachable; a URL for a private one; "none" for no cache tier. */
  redis?: "auto" | "none" | string;
  env?: Record<string, string | undefined>;
}

export interface TestServer {
  server: NextServer;
  url: string;
  database: "postgres" | "pglite";
  redis: boolean;
  /** A direct handle on the server's scratch PostgreSQL database (null on PGlite, which the server locks). */
  db: Database | null;
  client(userAgent?: string): HttpClient;
  /** A client signed in as the seeded admin. */
  admin(): Promise<HttpClient>;
  stop(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const wantPg = options.database ?? "auto";
  const usePg = wantPg === "postgres" || (wantPg === "auto" && (await probePostgres()).ok);
  const redisOpt = options.redis ?? "auto";
  let redisUrl: string | undefined = redisOpt;
  if (redisOpt === "none") redisUrl = undefined;
  else if (redisOpt === "auto") {
    const probe = await probeRedis();
    redisUrl = probe.ok ? probe.url : undefined;
  }

  const scratch = usePg ? await createScratchDatabase() : null;
  let server: NextServer | undefined;
  let db: Database | null = null;
  try {
    server = await startNextServer({
      distDir: DIST_DIR,
      fixtures: { adminEmail: ADMIN.email, adminPassword: ADMIN.password, users: SAMPLE_USERS },
      env: {
        // Never inherit a database or Redis from the outer environment: each file picks its own.
        DATABASE_URL: scratch?.url,
        REDIS_URL: redisUrl,
        REDIS_CLUSTER_NODES: undefined,
        REDIS_SENTINELS: undefined,
        REDIS_KEY_PREFIX: `http${randomBytes(4).toString("hex")}:`,
        // Failed logins in the refusal tests must not throttle the rest of the file.
        LOGIN_MAX_PER_IP_PER_MINUTE: "1000",
        LOGIN_MAX_PER_ACCOUNT_PER_15MIN: "1000",
        DB_POOL_MAX: "4",
        ...options.env,
      },
    });
    db = scratch ? await openDatabase({ url: scratch.url, poolMax: 2 }) : null;
  } catch (error) {
    await server?.stop();
    await scratch?.drop();
    throw error;
  }
  const started = server;
  return {
    server: started,
    url: started.url,
    database: usePg ? "postgres" : "pglite",
    redis: redisUrl !== undefined,
    db,
    client: (userAgent) => new HttpClient(started.url, userAgent),
    async admin() {
      const c = new HttpClient(started.url, "admin-browser/1.0");
      await c.loginAs(ADMIN.email, ADMIN.password);
      return c;
    },
    async stop() {
      await started.stop();
      await db?.close();
      await scratch?.drop();
    },
  };
}
