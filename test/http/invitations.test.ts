/**
 * Invitations over HTTP against a production build on PostgreSQL: an admin creates an account by
 * invitation, the mail arrives through a real SMTP server (smtp-server, in process, on a free port) with the
 * single-use link, and the link is gone from the outbox once delivered. Staff who are not admins are refused,
 * and bad input gets a 4xx with a stable code.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "@/lib/db/schema";
import { makePerson, signIn } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";
import { eventually, freePort, probePostgres } from "../support/services";
import { TestSmtpServer } from "../support/smtp";

const available = (await probePostgres()).ok;

/** The message as a reader sees it: quoted-printable soft breaks joined and escapes decoded (ASCII mail). */
const decoded = (raw: string) => raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe.skipIf(!available)("invitations over HTTP", () => {
  let t: TestServer;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = new TestSmtpServer(await freePort());
    await smtp.start();
    t = await startTestServer({ database: "postgres", env: { SMTP_URL: smtp.url, MAIL_POLL_MS: "100" } });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
  });
  const address = () => `invitee-${Math.random().toString(36).slice(2, 10)}@example.com`;

  it("creates the account (201), mails the single-use link, and removes the link from the outbox once sent", async () => {
    const admin = await signIn(t, await makePerson(t, "admin"));
    const email = address();
    const res = await admin.post("/api/admin/users", { email, name: "Ivy Invitee", role: "user" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ user: { email, name: "Ivy Invitee", role: "user", status: "active" }, invitation: { status: "pending" } });
    expect(JSON.stringify(res.body)).not.toContain("token");
    await eventually(() => smtp.received.some((m) => m.to.includes(email)), 20_000, 100);
    const mail = smtp.received.find((m) => m.to.includes(email))!;
    expect(mail.headers.subject).toBe("You are invited: choose your password");
    // Absolute, on the origin the admin used (no APP_ORIGIN here): the link works from a mail client.
    expect(decoded(mail.raw)).toMatch(new RegExp(`${t.url.replaceAll(".", "\\.")}/set-password\\?token=[A-Za-z0-9_-]{43}`));
    await eventually(async () => {
      const [row] = await t.db!.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, email));
      return row?.sentAt != null;
    }, 20_000, 100);
    const [row] = await t.db!.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, email));
    expect(row!.payload).not.toHaveProperty("link");
  });

  it("resends (200, a second mail) and revokes (200); after the revoke there is nothing to resend-or-revoke twice", async () => {
    const admin = await signIn(t, await makePerson(t, "admin"));
    const email = address();
    const created = await admin.post("/api/admin/users", { email, name: "Jo Resend", role: "user" });
    const id = created.body.user.id as string;
    expect((await admin.post(`/api/admin/users/${id}/invite`)).status).toBe(200);
    await eventually(() => smtp.received.filter((m) => m.to.includes(email)).length >= 2, 20_000, 100);
    const links = smtp.received.filter((m) => m.to.includes(email)).map((m) => /token=([A-Za-z0-9_-]{43})/.exec(decoded(m.raw))?.[1]);
    expect(new Set(links).size).toBe(2);
    expect((await admin.delete(`/api/admin/users/${id}/invite`)).status).toBe(200);
    const again = await admin.delete(`/api/admin/users/${id}/invite`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("INVITATION_NOT_PENDING");
  });

  it("refuses support staff (403) and plain users (403), and creates nothing", async () => {
    for (const role of ["support", "user"] as const) {
      const email = address();
      const client = await signIn(t, await makePerson(t, role));
      const res = await client.post("/api/admin/users", { email, name: "Not Created", role: "user" });
      expect(res.status).toBe(403);
      expect(smtp.received.some((m) => m.to.includes(email))).toBe(false);
    }
  });

  it("answers bad input with a 4xx code: a malformed email, a taken email, an unknown role, a malformed id", async () => {
    const admin = await signIn(t, await makePerson(t, "admin"));
    const bad = await admin.post("/api/admin/users", { email: "nope", name: "X", role: "user" });
    expect([bad.status, bad.body.error.code]).toEqual([400, "INVALID_INPUT"]);
    const existing = await makePerson(t, "user");
    const taken = await admin.post("/api/admin/users", { email: existing.email, name: "X", role: "user" });
    expect([taken.status, taken.body.error.code]).toEqual([409, "EMAIL_TAKEN"]);
    const role = await admin.post("/api/admin/users", { email: address(), name: "X", role: "owner" });
    expect([role.status, role.body.error.code]).toEqual([400, "INVALID_INPUT"]);
    const id = await admin.post("/api/admin/users/not-a-uuid/invite");
    expect([id.status, id.body.error.code]).toEqual([400, "INVALID_ID"]);
  });
});
