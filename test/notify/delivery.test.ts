/**
 * The outbox worker against a real SMTP server (smtp-server, in process, on a free port): mail arrives with
 * the right headers; while the server is down a message waits with backoff and is delivered once it returns,
 * exactly once, with two instances' workers racing over one PostgreSQL database.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "@/lib/db/schema";
import { createLogger } from "@/lib/observability/logger";
import { stopImpersonation } from "@/lib/impersonation/service";
import { enqueueMail, outboxStats } from "@/lib/notify/outbox";
import { createSmtpTransport, messageIdFor } from "@/lib/notify/transport";
import { createMailWorker, type MailWorkerOptions } from "@/lib/notify/worker";
import type { ImpersonationNotice } from "@/lib/notify/impersonation-notice";
import type { Db } from "@/lib/db/types";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { createScratchDatabase, eventually, freePort, probePostgres } from "../support/services";
import { TestSmtpServer } from "../support/smtp";
import { impersonating } from "../impersonation/setup";

const FROM = "Sessions console <no-reply@mail.example.test>";
const pg = await probePostgres();

function workerFor(db: Db, smtpUrl: string, overrides: Partial<MailWorkerOptions> = {}) {
  return createMailWorker({
    db,
    logger: createLogger("silent"),
    transport: createSmtpTransport({ smtpUrl, from: FROM, sendTimeoutMs: 2000 }),
    pollMs: 50,
    batchSize: 5,
    maxAttempts: 10,
    retryBaseMs: 300,
    retryMaxMs: 2000,
    sendTimeoutMs: 2000,
    ...overrides,
  });
}

const sample = (n: number): ImpersonationNotice => ({
  kind: "impersonation_started",
  recipientName: `User ${n}`,
  by: { name: "Ada Admin", role: "admin" },
  at: new Date().toISOString(),
  mode: "read",
  reason: `Ticket ${n}`,
  cause: null,
  durationS: null,
  limitS: 3600,
});

describe.skipIf(!pg.ok)("mail delivery over SMTP (PostgreSQL)", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: TestRuntime;
  let b: TestRuntime;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    a = await createTestRuntime({ backend: "postgres", databaseUrl: scratch.url });
    b = await createTestRuntime({ backend: "postgres", databaseUrl: scratch.url });
  });
  afterAll(async () => {
    await a?.dispose();
    await b?.dispose();
    await scratch?.drop();
  });

  it("an impersonation's mails arrive at the user's address with From, Subject and a Message-ID from the outbox row", async () => {
    const smtp = new TestSmtpServer(await freePort());
    await smtp.start();
    const worker = workerFor(a.database.db, smtp.url);
    try {
      const imp = await impersonating(a);
      await stopImpersonation(a.impersonation, imp.context, {});
      const rows = await a.database.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, imp.target.email));
      expect(rows).toHaveLength(2);
      expect(await worker.drainOnce()).toMatchObject({ sent: 2, failed: 0 });
      const mine = smtp.received.filter((m) => m.to.includes(imp.target.email));
      expect(mine).toHaveLength(2);
      expect(mine.map((m) => m.headers["message-id"]).sort()).toEqual(rows.map((r) => messageIdFor(r.id, FROM)).sort());
      const started = mine.find((m) => m.headers.subject === "A staff member signed in to your account")!;
      expect(started.headers.from).toBe(FROM);
      expect(started.headers["auto-submitted"]).toBe("auto-generated");
      expect(started.raw).toContain(imp.admin.user.name);
      expect(mine.some((m) => m.headers.subject === "Staff access to your account ended")).toBe(true);
      for (const secret of [imp.token, imp.context.sessionId, imp.admin.token, imp.admin.sessionId]) expect(smtp.received.map((m) => m.raw).join("\n")).not.toContain(secret);
      const sent = await a.database.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, imp.target.email));
      expect(sent.every((r) => r.sentAt !== null && r.attempts === 1)).toBe(true);
    } finally {
      await worker.stop();
      await smtp.stop();
    }
  });

  it("with the SMTP server down a message waits with its error and a backoff; once it is back two workers deliver each message exactly once", async () => {
    const port = await freePort();
    const url = `smtp://127.0.0.1:${port}`;
    const to = (n: number) => `race-${n}@example.com`;
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) ids.push((await enqueueMail(a.database.db, { to: to(n), template: "impersonation_started", data: sample(n) })).id);

    // A backoff longer than a pass over the batch takes on a loaded machine, so the second pass finds nothing due.
    const slow = { retryBaseMs: 3000, retryMaxMs: 3000 };
    const first = workerFor(a.database.db, url, slow);
    const failed = await first.drainOnce();
    expect(failed).toEqual({ sent: 0, failed: 12 });
    const waiting = await a.database.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, to(0)));
    expect(waiting[0]).toMatchObject({ attempts: 1, sentAt: null, failedAt: null });
    expect(waiting[0]!.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(waiting[0]!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    // Within the backoff nothing is due: a second pass sends nothing and counts no attempt.
    expect(await first.drainOnce()).toEqual({ sent: 0, failed: 0 });
    expect((await outboxStats(a.database.db)).pending).toBeGreaterThanOrEqual(12);

    const smtp = new TestSmtpServer(port);
    await smtp.start();
    const workers = [first, workerFor(b.database.db, url, slow)];
    try {
      for (const w of workers) w.start();
      await eventually(async () => (await a.database.db.select().from(mailOutbox)).filter((r) => ids.includes(r.id) && r.sentAt).length === ids.length, 20_000, 50);
      // Give a duplicate every chance to show up before counting.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      for (const w of workers) await w.stop();
      await smtp.stop();
    }
    const perRecipient = new Map<string, number>();
    for (const m of smtp.received) for (const r of m.to) perRecipient.set(r, (perRecipient.get(r) ?? 0) + 1);
    for (let n = 0; n < 12; n++) expect(perRecipient.get(to(n)), to(n)).toBe(1);
    const rows = (await a.database.db.select().from(mailOutbox)).filter((r) => ids.includes(r.id));
    expect(rows.every((r) => r.attempts === 2 && r.sentAt && r.lastError === null)).toBe(true);
  });

});

describe("dead messages (PGlite)", () => {
  let a: TestRuntime;
  beforeAll(async () => {
    a = await createTestRuntime({ backend: "pglite" });
  });
  afterAll(async () => a?.dispose());

  it("a message that keeps failing is dead after MAIL_MAX_ATTEMPTS and the health stats count it", async () => {
    const url = `smtp://127.0.0.1:${await freePort()}`;
    const { id } = await enqueueMail(a.database.db, { to: "dead@example.com", template: "impersonation_started", data: sample(99) });
    const worker = workerFor(a.database.db, url, { maxAttempts: 2, retryBaseMs: 10, retryMaxMs: 10 });
    const before = await outboxStats(a.database.db);
    await worker.drainOnce();
    await new Promise((r) => setTimeout(r, 50));
    await worker.drainOnce();
    const [row] = await a.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ attempts: 2, sentAt: null });
    expect(row!.failedAt).not.toBeNull();
    const after = await outboxStats(a.database.db);
    expect(after).toEqual({ pending: before.pending - 1, failed: before.failed + 1, oldestPendingAgeS: null });
    await new Promise((r) => setTimeout(r, 50));
    expect(await worker.drainOnce()).toEqual({ sent: 0, failed: 0 });
    await worker.stop();
  });

  it("a message still under its limit is not dead after one failure", async () => {
    const url = `smtp://127.0.0.1:${await freePort()}`;
    const { id } = await enqueueMail(a.database.db, { to: "alive@example.com", template: "impersonation_started", data: sample(98) });
    const worker = workerFor(a.database.db, url, { maxAttempts: 2 });
    await worker.drainOnce();
    await worker.stop();
    const [row] = await a.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ attempts: 1, failedAt: null, sentAt: null });
  });
});
