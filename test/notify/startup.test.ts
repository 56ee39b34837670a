/**
 * Mail at startup: production without SMTP_URL says so clearly; with SMTP_URL each instance starts a worker
 * that delivers on its own and stops cleanly; without it there is no worker (mail waits in the outbox).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { openDatabase } from "@/lib/db/client";
import type { Database } from "@/lib/db/types";
import { enqueueMail, outboxStats } from "@/lib/notify/outbox";
import type { Logger } from "@/lib/observability/logger";
import { runStartupTasks, startMailWorker } from "@/lib/startup";
import { eventually, freePort } from "../support/services";
import { TestSmtpServer } from "../support/smtp";
import { TEST_SECRET, testConfig } from "../support/runtime";

function capturingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const quiet = () => {};
  return { warnings, enabled: () => true, debug: quiet, info: quiet, error: quiet, warn: (m) => void warnings.push(m) };
}

const PRODUCTION = { NODE_ENV: "production", SESSION_SECRET: TEST_SECRET, MFA_ENCRYPTION_KEY: TEST_SECRET, LOG_LEVEL: "silent" };

describe("mail at startup", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ url: undefined, pgliteDir: null, poolMax: 1 });
  });
  afterAll(async () => database?.close());

  it("production without SMTP_URL logs that mail is not configured", async () => {
    const logger = capturingLogger();
    await runStartupTasks(loadConfig(PRODUCTION), database, logger);
    expect(logger.warnings.some((w) => /mail not configured: SMTP_URL is unset/.test(w))).toBe(true);
  });

  it("production with SMTP_URL logs no such warning, and the URL (which may hold a password) appears in no log line", async () => {
    const logger = capturingLogger();
    await runStartupTasks(loadConfig({ ...PRODUCTION, SMTP_URL: "smtp://user:hunter2secret@127.0.0.1:2525" }), database, logger);
    expect(logger.warnings.some((w) => /mail not configured/.test(w))).toBe(false);
    expect(logger.warnings.join("\n")).not.toContain("hunter2secret");
  });

  it("without SMTP_URL no worker starts", () => {
    expect(startMailWorker(testConfig(), database.db, capturingLogger())).toBeNull();
  });

  it("with SMTP_URL the instance's worker polls and delivers by itself, and stops cleanly", async () => {
    const smtp = new TestSmtpServer(await freePort());
    await smtp.start();
    const worker = startMailWorker(testConfig({ SMTP_URL: smtp.url, MAIL_POLL_MS: "50" }), database.db, capturingLogger());
    try {
      expect(worker).not.toBeNull();
      await enqueueMail(database.db, {
        to: "polled@example.com",
        template: "impersonation_ended",
        data: { kind: "impersonation_ended", recipientName: "P", by: { name: null, role: "admin" }, at: new Date().toISOString(), mode: "read", reason: null, cause: "expire", durationS: 60, limitS: null },
      });
      await eventually(() => smtp.received.some((m) => m.to.includes("polled@example.com")), 10_000, 50);
      await eventually(async () => (await outboxStats(database.db)).pending === 0, 5000, 50);
    } finally {
      await worker?.stop();
      await smtp.stop();
    }
  });
});
