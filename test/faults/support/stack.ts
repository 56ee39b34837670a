/**
 * One fault-test stack: a private PostgreSQL cluster, optionally a private redis-server, and a `next start`
 * server (production build in .next-faults) wired to both, seeded with an admin and sample users.
 * Nothing here touches the shared services on 5432/6379.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { sampleUserRows } from "@/lib/db/seed";
import { hashSessionToken } from "@/lib/session/token";
import { createCookieSealer } from "@/lib/session/cookie-seal";
import { startNextServer, TEST_SERVER_SECRET, type NextServer } from "../../support/next-server";
import { PrivatePostgres, probePrivatePostgres } from "../../support/private-postgres";
import { eventually, PrivateRedis, probeRedisServerBinary } from "../../support/services";
import { login, request } from "./http";

export const FAULTS_DIST_DIR = ".next-faults";
export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "fault-suite-admin-password-1";
export const SAMPLE_PASSWORD = "sample-password-123";
export const COOKIE_NAME = "__Host-sid";
const SAMPLE_USERS = 60;

/** Both private services can run here (or the suites skip, or fail under REQUIRE_SERVICES=1). */
export function faultServicesAvailable(options: { redis: boolean }): boolean {
  const pg = probePrivatePostgres().ok;
  return options.redis ? pg && probeRedisServerBinary().ok : pg;
}

export interface FaultStack {
  pg: PrivatePostgres;
  redis: PrivateRedis | null;
  server: NextServer;
  /** Seeded, active, role "user" accounts (password SAMPLE_PASSWORD). */
  userEmails: string[];
  /** Drops sessions from the Redis tier only, so their next validation needs Postgres. */
  evictFromRedis(cookies: string[]): Promise<void>;
  /** Logs `count` sessions in, spread over the sample users; answers their cookie pairs. */
  loginMany(count: number): Promise<string[]>;
  /** The Redis breaker as /api/health/detailed reports it. */
  breakerState(): Promise<string | null>;
  waitForBreakerClosed(timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

export interface StackOptions {
  redis?: boolean;
  redisArgs?: string[];
  env?: Record<string, string | undefined>;
}

export async function startFaultStack(options: StackOptions = {}): Promise<FaultStack> {
  const pg = await PrivatePostgres.start();
  let redis: PrivateRedis | null = null;
  let server: NextServer | undefined;
  const keyPrefix = `f${randomBytes(3).toString("hex")}:`;
  try {
    const databaseUrl = await pg.createDatabase("app");
    redis = options.redis ? await PrivateRedis.start(options.redisArgs ?? []) : null;
    server = await startNextServer({
      distDir: FAULTS_DIST_DIR,
      fixtures: { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, users: SAMPLE_USERS },
      readyPath: "/api/health/ready",
      timeoutMs: 120_000,
      env: {
        DATABASE_URL: databaseUrl,
        // Override whatever the caller's shell (CI) points at: only the private services are used.
        REDIS_URL: redis?.url,
        REDIS_CLUSTER_NODES: undefined,
        REDIS_SENTINELS: undefined,
        REDIS_REQUIRED: undefined,
        REDIS_KEY_PREFIX: keyPrefix,
        // Logins in a test come from one address; the limits are not what these tests measure.
        LOGIN_MAX_PER_IP_PER_MINUTE: "10000",
        LOG_LEVEL: "info",
        ...options.env,
      },
    });
  } catch (error) {
    await redis?.stop();
    await pg.destroy();
    throw error;
  }
  const started = server;
  const userEmails = sampleUserRows(SAMPLE_USERS, "unused")
    .filter((u) => u.status === "active" && u.role === "user")
    .map((u) => u.email);

  const breakerState = async () => {
    const token = started.env.METRICS_TOKEN;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const answer = await request(started.url, "/api/health/detailed", { timeoutMs: 10_000, headers });
    return (answer.json as { breaker?: { state: string | null } } | null)?.breaker?.state ?? null;
  };

  return {
    pg,
    redis,
    server: started,
    userEmails,
    async loginMany(count) {
      const cookies: string[] = [];
      // Sequential: each login is an Argon2 verification, and the point is the load that follows.
      for (let i = 0; i < count; i++) cookies.push(await login(started.url, userEmails[i % userEmails.length]!, SAMPLE_PASSWORD, COOKIE_NAME));
      return cookies;
    },
    async evictFromRedis(cookies) {
      const client = new Redis(redis!.url, { maxRetriesPerRequest: 1 });
      try {
        for (const cookie of cookies) {
          const token = await tokenOfCookie(cookie, started.env.SESSION_SECRET?.split(",")[0]);
          // The key layout of lib/cache/redis-tier.ts: `${prefix}s:{<session id>}`.
          if (token) await client.del(`${keyPrefix}s:{${hashSessionToken(token)}}`);
        }
      } finally {
        client.disconnect();
      }
    },
    breakerState,
    async waitForBreakerClosed(timeoutMs = 30_000) {
      await eventually(async () => (await breakerState().catch(() => null)) === "closed", timeoutMs, 200);
    },
    async dispose() {
      await started.stop().catch(() => {});
      await redis?.stop().catch(() => {});
      await pg.destroy().catch(() => {});
    },
  };
}

/** The raw session token inside a cookie pair (to check that logs never contain it). */
export async function tokenOfCookie(cookiePair: string, secret = TEST_SERVER_SECRET): Promise<string | null> {
  const sealer = createCookieSealer({ secrets: [secret], ttlS: 30 * 24 * 3600, clock: Date.now });
  return sealer.unseal(cookiePair.slice(cookiePair.indexOf("=") + 1));
}

/** Secret values found in a server's output (should be none). */
export function leakedSecrets(output: string, secrets: string[]): string[] {
  return secrets.filter((s) => s.length >= 8 && output.includes(s));
}
