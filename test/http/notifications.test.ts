/**
 * The user is told, over HTTP against a production build (`next start`) on PostgreSQL: Sign In As and Stop
 * each send the user one mail through a real SMTP server (smtp-server, in process, on a free port), and the
 * health detail reports the outbox. The development mailbox does not exist in production unless a test
 * deployment asks for it; without SMTP_URL mail waits in the outbox and the health detail says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePerson, REASON, signIn, startImpersonating, stopImpersonating } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";
import { eventually, freePort, probePostgres } from "../support/services";
import { TestSmtpServer } from "../support/smtp";

const available = (await probePostgres()).ok;

describe.skipIf(!available)("impersonation mail over SMTP in production", () => {
  let t: TestServer;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = new TestSmtpServer(await freePort());
    await smtp.start();
    t = await startTestServer({ database: "postgres", env: { SMTP_URL: smtp.url, MAIL_POLL_MS: "100", MAIL_FROM: "Console <no-reply@console.example.test>" } });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
  });

  it("Sign In As and Stop each deliver one mail to the user, naming the staff member and the reason", async () => {
    const admin = await makePerson(t, "admin");
    const target = await makePerson(t, "user");
    const browser = await signIn(t, admin);
    expect((await startImpersonating(browser, target.id)).status).toBe(200);
    expect((await stopImpersonating(browser)).status).toBe(200);
    await eventually(() => smtp.received.filter((m) => m.to.includes(target.email)).length >= 2, 20_000, 100);
    const mails = smtp.received.filter((m) => m.to.includes(target.email));
    expect(mails.map((m) => m.headers.subject).sort()).toEqual(["A staff member signed in to your account", "Staff access to your account ended"]);
    for (const m of mails) {
      expect(m.headers.from).toBe("Console <no-reply@console.example.test>");
      expect(m.headers["message-id"]).toMatch(/^<outbox-[0-9a-f-]{36}@console\.example\.test>$/);
      expect(m.raw).toContain(admin.name);
      expect(m.raw).toContain(REASON);
      expect(m.raw).not.toMatch(/https?:\/\//);
    }
    expect(smtp.received.filter((m) => m.to.includes(admin.email))).toEqual([]);
  });

  it("the health detail says mail is configured and nothing waits once it is delivered", async () => {
    await eventually(async () => (await t.client().get("/api/health/detailed")).body.mail?.pending === 0, 20_000, 100);
    const res = await t.client().get("/api/health/detailed");
    expect(res.body.mail).toMatchObject({ configured: true, pending: 0, failed: 0, oldestPendingAgeS: null });
  });

  it("the development mailbox is a 404 in production", async () => {
    const res = await t.client().get("/dev/mailbox");
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("A staff member signed in to your account");
  });
});

describe.skipIf(!available)("mail without SMTP_URL", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres", env: { DEV_MAILBOX: "true" } });
  });
  afterAll(async () => t?.stop());

  it("mail waits in the outbox, the health detail says mail is not configured, and the mailbox shows it", async () => {
    const admin = await makePerson(t, "admin");
    const target = await makePerson(t, "user");
    const browser = await signIn(t, admin);
    expect((await startImpersonating(browser, target.id)).status).toBe(200);
    const health = await t.client().get("/api/health/detailed");
    expect(health.body.mail).toMatchObject({ configured: false, pending: 1, failed: 0 });
    expect(health.body.mail.oldestPendingAgeS).toBeGreaterThanOrEqual(0);
    const mailbox = await t.client().get("/dev/mailbox");
    expect(mailbox.status).toBe(200);
    expect(mailbox.text).toContain(target.email);
    expect(mailbox.text).toContain("A staff member signed in to your account");
    expect(mailbox.text).toContain("pending");
  });
});
