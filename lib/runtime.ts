/**
 * The composition root: builds every service from the config, once per process.
 * Tests build their own runtimes with `createRuntime` (in-memory PGlite or a scratch Postgres database,
 * a private Redis, a manual clock); the app uses `getRuntime()`.
 */
import type { LoginDeps } from "./auth/login";
import type { MfaDeps } from "./auth/mfa/service";
import { createTotpSecretBox } from "./auth/mfa/totp";
import { createFactorThrottle, createLoginThrottle, createResetThrottle, type LoginThrottle } from "./auth/rate-limit";
import { createPostgresOutbox } from "./cache/outbox";
import { createRedisClient, type RedisClient } from "./cache/redis-client";
import { SessionCache } from "./cache/session-cache";
import { systemClock, type Clock } from "./clock";
import { getConfig, type AppConfig } from "./config";
import { openDatabase } from "./db/client";
import type { Database } from "./db/types";
import type { ImpersonationDeps } from "./impersonation/service";
import type { GrantDeps } from "./impersonation/grants";
import { createLogger, type Logger } from "./observability/logger";
import { createCookieSealer, type CookieSealer } from "./session/cookie-seal";
import { createImpersonationSessions, type ImpersonationSessions } from "./session/impersonation-sessions";
import { createSessionManager, type SessionManager } from "./session/manager";
import { createSessionStore } from "./session/store";
import { configureNotices } from "./notify/notify-audit";
import { enqueueMail } from "./notify/outbox";
import type { InvitationDeps } from "./account/invitations";
import type { PasswordResetDeps } from "./account/password-reset";
import type { StepUpDeps } from "./auth/step-up";
import type { MailWorker } from "./notify/worker";
import { startAuditAnchoring } from "./audit/anchor";
import { runStartupTasks, startMailWorker, startSessionPruning } from "./startup";

export interface Runtime {
  config: AppConfig;
  logger: Logger;
  clock: Clock;
  /** The one database handle: `database.db` for queries, plus ping, counters and advisory locks. */
  database: Database;
  redis: RedisClient | null;
  cache: SessionCache;
  sessions: SessionManager;
  impersonationSessions: ImpersonationSessions;
  impersonation: ImpersonationDeps;
  /** Consent (lib/impersonation/grants.ts): grants, revocations, access requests and their answers. */
  grants: GrantDeps;
  invitations: InvitationDeps;
  passwordReset: PasswordResetDeps;
  sealer: CookieSealer;
  throttle: LoginThrottle;
  mfa: MfaDeps;
  /** The one step-up rule's dependencies (admin actions, MFA resets, staff invitations, bulk jobs). */
  stepUp: StepUpDeps;
  /** What `login()` needs, wired once. */
  login: LoginDeps;
  /** This instance's outbox worker (null without SMTP_URL, or when startup tasks are skipped). */
  mailWorker: MailWorker | null;
  startedAt: number;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  database?: Database;
  redis?: RedisClient | null;
  logger?: Logger;
  /** Cross-instance outbox poll (0 disables). */
  outboxPollMs?: number;
  /** Skip migrations/seed (tests do their own). */
  skipStartupTasks?: boolean;
}

async function waitForRedis(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`REDIS_REQUIRED=true but Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off("ready", onReady);
    };
    client.on("ready", onReady);
  });
}

export async function createRuntime(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const database =
    overrides.database ??
    (await openDatabase({
      url: config.database.url,
      migrationUrl: config.database.migrationUrl,
      prepare: config.database.prepare,
      pgliteDir: config.database.pgliteDir,
      poolMax: config.database.poolMax,
      connectTimeoutS: config.database.connectTimeoutS,
      idleTimeoutS: config.database.idleTimeoutS,
      statementTimeoutMs: config.database.statementTimeoutMs,
    }));
  const db = database.db;

  if (!overrides.skipStartupTasks) await runStartupTasks(config, database, logger);

  let redis: RedisClient | null = null;
  if (overrides.redis !== undefined) redis = overrides.redis;
  else if (config.redis) redis = createRedisClient(config.redis, logger);
  if (redis && config.redis?.required) await waitForRedis(redis, Math.max(config.redis.connectTimeoutMs * 5, 2000));
  if (!redis && !overrides.skipStartupTasks) {
    logger.info("redis not configured: sessions are validated against Postgres only (set REDIS_URL to add the cache tier)");
  }

  const outbox = createPostgresOutbox(db);
  const cache = new SessionCache({
    client: redis,
    redisConfig: redis ? config.redis ?? { ...DEFAULT_TEST_REDIS } : null,
    outbox,
    logger,
    ttlMs: config.session.cacheTtlS * 1000,
    l1: config.session.l1,
    outboxPollMs: overrides.outboxPollMs,
  });
  const store = createSessionStore(database);
  const sessions = createSessionManager({
    store,
    cache,
    clock,
    logger,
    policy: {
      idleTtlS: config.session.idleTtlS,
      absoluteTtlS: config.session.absoluteTtlS,
      refreshIntervalS: config.session.refreshIntervalS,
    },
  });
  const impersonationSessions = createImpersonationSessions({ db, store, cache, sessions });
  const sealer = createCookieSealer({ secrets: config.session.secrets, ttlS: config.session.absoluteTtlS, clock });
  const throttle = createLoginThrottle(redis, config.login);

  const mfa: MfaDeps = {
    db,
    sessions,
    box: createTotpSecretBox(config.mfa.encryptionKeys),
    throttle: createFactorThrottle(redis, config.mfa.maxFailuresPer15Min),
    policy: config.mfa.staffPolicy,
    issuer: config.mfa.issuer,
    webauthn: config.mfa.webauthn,
    reauthWindowS: config.impersonation.reauthWindowS,
    // A passkey change spans two requests (options, then the answer), so its step-up window is never below five minutes.
    stepUpWindowS: Math.max(config.impersonation.reauthWindowS, 300),
  };
  const stepUp: StepUpDeps = { db, sessions, throttle, mfa, windowS: config.impersonation.reauthWindowS };
  const stopPruning = overrides.skipStartupTasks ? null : startSessionPruning(config, sessions, logger);
  const stopAnchoring = overrides.skipStartupTasks ? null : startAuditAnchoring(database.db, logger, config.auditAnchorIntervalS);
  configureNotices({ impersonation: config.notify.impersonation, disclose: config.impersonation.disclose });
  const mailWorker = overrides.skipStartupTasks ? null : startMailWorker(config, db, logger);

  return {
    config,
    logger,
    clock,
    database,
    redis,
    cache,
    sessions,
    impersonationSessions,
    grants: { db, impersonationSessions, clock },
    invitations: {
      db,
      clock,
      inviteTtlS: config.inviteTtlS,
      stepUp,
      sendInvitation: async (tx, mail) => {
        await enqueueMail(tx, {
          to: mail.to,
          template: "invite",
          data: { name: mail.name, role: mail.role, link: mail.link, expiresAt: mail.expiresAt.toISOString(), invitedBy: mail.invitedBy.name },
        });
      },
    },
    passwordReset: {
      db,
      clock,
      ttlS: config.reset.ttlS,
      throttle: createResetThrottle(redis, config.reset),
      logger,
      appOrigin: config.appOrigin ?? null,
      sendReset: async (tx, mail) => {
        await enqueueMail(tx, {
          to: mail.to,
          template: "password_reset",
          data: { name: mail.name, link: mail.link, expiresAt: mail.expiresAt.toISOString(), sentBy: mail.sentBy?.name ?? null },
        });
      },
    },
    impersonation: {
      db,
      sessions,
      impersonationSessions,
      ttlS: config.impersonation.ttlS,
      reauthWindowS: config.impersonation.reauthWindowS,
      reasonMinLength: config.impersonation.reasonMinLength,
      consent: config.impersonation.consent,
      writeRoles: config.impersonation.writeRoles,
      throttle,
      mfa,
    },
    sealer,
    throttle,
    mfa,
    stepUp,
    login: { db, sessions, throttle, refuseSampleAccounts: config.isProduction },
    mailWorker,
    startedAt: Date.now(),
    async close() {
      stopPruning?.();
      stopAnchoring?.();
      await mailWorker?.stop();
      await cache.close();
      await database.close();
    },
  };
}

/** Used only when a test passes a Redis client without a Redis config. */
const DEFAULT_TEST_REDIS = {
  mode: "single" as const,
  sentinelName: "mymaster",
  keyPrefix: "",
  required: false,
  commandTimeoutMs: 50,
  connectTimeoutMs: 1000,
  breakerFailures: 5,
  breakerCooldownMs: 1000,
  outboxPollMs: 1000,
};

const globalForRuntime = globalThis as unknown as { __nsiRuntime?: Promise<Runtime> };

/** The process-wide runtime (kept on globalThis so dev-mode module reloads reuse the database and Redis). */
export function getRuntime(): Promise<Runtime> {
  globalForRuntime.__nsiRuntime ??= createRuntime(getConfig()).catch((error: unknown) => {
    globalForRuntime.__nsiRuntime = undefined;
    throw error;
  });
  return globalForRuntime.__nsiRuntime;
}
