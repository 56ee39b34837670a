/**
 * Delivers the mail outbox. Every instance runs one worker; they share the table safely:
 *
 * - Claim: one UPDATE over a `FOR UPDATE SKIP LOCKED` sub-select takes a bounded batch of due rows, counts
 *   the attempt and moves `next_attempt_at` past a lease, so no other worker sees them while this one sends.
 * - Send, then mark sent (`sent_at`) in one statement that only touches an unsent row.
 * - A failure stores the error and schedules the next attempt with exponential backoff; after
 *   MAIL_MAX_ATTEMPTS the row is dead (`failed_at`) and the health detail counts it.
 *
 * A crash between a successful send and the mark leaves the row claimed until its lease ends; it is then
 * sent again. Delivery is therefore at least once, and the Message-ID (from the row id) lets the receiving
 * side recognise the duplicate.
 */
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { AppConfig } from "../config";
import { mailOutbox } from "../db/schema";
import type { Db } from "../db/types";
import type { Logger } from "../observability/logger";
import { isDead, retryDelayMs } from "./backoff";
import { renderMail } from "./templates";
import type { MailTransport } from "./transport";

/** The MAIL_* settings (lib/config.ts documents each) and the parts to work with. */
export interface MailWorkerOptions extends Pick<AppConfig["mail"], "pollMs" | "batchSize" | "maxAttempts" | "retryBaseMs" | "retryMaxMs" | "sendTimeoutMs"> {
  db: Db;
  transport: MailTransport;
  logger: Logger;
}

export interface DrainResult {
  sent: number;
  failed: number;
}

const MAX_ERROR_LENGTH = 500;

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
}

const msInterval = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

export function createMailWorker(options: MailWorkerOptions) {
  const { db, transport, logger } = options;
  // Longer than any one send may take (connect, greeting and transfer are each bounded by the timeout).
  const leaseMs = options.sendTimeoutMs * 4;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;

  async function claim() {
    const due = db
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt), lte(mailOutbox.nextAttemptAt, sql`now()`)))
      .orderBy(asc(mailOutbox.nextAttemptAt))
      .limit(options.batchSize)
      .for("update", { skipLocked: true });
    return db
      .update(mailOutbox)
      .set({ attempts: sql`${mailOutbox.attempts} + 1`, nextAttemptAt: msInterval(leaseMs) })
      .where(inArray(mailOutbox.id, due))
      .returning();
  }

  async function deliver(row: Awaited<ReturnType<typeof claim>>[number]): Promise<boolean> {
    try {
      await transport.send({ id: row.id, to: row.recipient, ...renderMail(row.template, row.payload) });
    } catch (error) {
      const dead = isDead(row.attempts, options.maxAttempts);
      await db
        .update(mailOutbox)
        .set(dead ? { failedAt: sql`now()`, lastError: errorText(error) } : { nextAttemptAt: msInterval(retryDelayMs(row.attempts, options)), lastError: errorText(error) })
        .where(and(eq(mailOutbox.id, row.id), isNull(mailOutbox.sentAt)));
      // The recipient's address stays out of the log; the row id finds it.
      logger.warn(dead ? "mail: giving up on a message" : "mail: send failed, will retry", { id: row.id, attempts: row.attempts, error: errorText(error) });
      return false;
    }
    // A single-use account link (an invitation) lives in the outbox only until it is delivered.
    await db
      .update(mailOutbox)
      .set({ sentAt: sql`now()`, lastError: null, payload: sql`${mailOutbox.payload} - 'link'` })
      .where(and(eq(mailOutbox.id, row.id), isNull(mailOutbox.sentAt)));
    return true;
  }

  /** One pass: claims and sends batches until nothing is due. */
  async function drainOnce(): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, failed: 0 };
    for (;;) {
      const rows = await claim();
      for (const row of rows) {
        if (await deliver(row)) result.sent++;
        else result.failed++;
      }
      if (rows.length < options.batchSize || stopped) return result;
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drainOnce()
        .catch((error: unknown) => logger.warn("mail: outbox pass failed", { error: errorText(error) }))
        .finally(() => {
          running = null;
          schedule();
        });
    }, options.pollMs);
    timer.unref();
  }

  return {
    drainOnce,
    start(): void {
      stopped = false;
      if (!timer && !running) schedule();
    },
    /** Stops polling and waits for the pass in flight, so the pool is not closed under it. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      transport.close();
    },
  };
}

export type MailWorker = ReturnType<typeof createMailWorker>;
