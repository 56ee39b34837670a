/**
 * Work a server does once when it starts, before it serves: migrations, the development seed, a warning when
 * production has no admin who can sign in, and the periodic prune of expired sessions.
 */
import type { AppConfig } from "./config";
import { migrateDatabase } from "./db/migrate";
import { countUsableAdmins, countUsers, seedDatabase, type SeedOptions } from "./db/seed";
import type { Database, Db } from "./db/types";
import { createSmtpTransport } from "./notify/transport";
import { createMailWorker, type MailWorker } from "./notify/worker";
import type { Logger } from "./observability/logger";
import type { SessionManager } from "./session/manager";

/** The seed's options as the configuration gives them (shared by startup and `npm run db:seed`). */
export function seedOptionsFrom(config: AppConfig): SeedOptions {
  return {
    adminEmail: config.seed.adminEmail,
    adminPassword: config.seed.adminPassword,
    sampleUsers: config.seed.sampleUsers,
    setupTtlS: config.seed.setupTtlS,
    dataDir: config.dataDir,
    production: config.isProduction,
    appOrigin: config.appOrigin,
  };
}

export async function runStartupTasks(config: AppConfig, database: Database, logger: Logger): Promise<void> {
  if (config.database.migrateOnStart) await migrateDatabase(database);
  const seed = config.database.seedOnStart;
  // "auto" seeds only an empty development database; production provisioning is an operator's explicit step.
  if (seed === "true" || (seed === "auto" && !config.isProduction && (await countUsers(database.db)) === 0)) {
    await seedDatabase(database.db, seedOptionsFrom(config));
  }
  if (config.isProduction && !config.mail.smtpUrl) {
    logger.warn("mail not configured: SMTP_URL is unset, so notification mail waits in the outbox and is never sent");
  }
  if (config.isProduction && config.mail.devMailbox) {
    logger.warn("DEV_MAILBOX=true in production: /dev/mailbox shows every outbox message to anyone; only for test deployments");
  }
  if (config.isProduction && (await countUsableAdmins(database.db)) === 0) {
    logger.warn("no admin can sign in yet: run `npm run admin:create` (or `npm run db:seed` with ADMIN_PASSWORD) to provision one");
  }
}

/** Deletes expired sessions every SESSION_PRUNE_INTERVAL_S; returns the stop function (null when disabled). */
export function startSessionPruning(config: AppConfig, sessions: SessionManager, logger: Logger): (() => void) | null {
  if (config.session.pruneIntervalS <= 0) return null;
  const timer = setInterval(() => {
    sessions.pruneExpired().then(
      (n) => n > 0 && logger.info("pruned expired sessions", { count: n }),
      (error: unknown) => logger.warn("session prune failed", { error }),
    );
  }, config.session.pruneIntervalS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** The outbox worker of this instance; null without SMTP_URL (mail then waits in the outbox). */
export function startMailWorker(config: AppConfig, db: Db, logger: Logger): MailWorker | null {
  if (!config.mail.smtpUrl) return null;
  const worker = createMailWorker({
    db,
    logger,
    transport: createSmtpTransport({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, sendTimeoutMs: config.mail.sendTimeoutMs }),
    ...config.mail,
  });
  worker.start();
  return worker;
}
