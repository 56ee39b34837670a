/**
 * Account recovery on a real database (Postgres when reachable, else PGlite) with Redis when reachable:
 * "Forgot password?" answers every well-formed email alike and does all account work after the answer; the
 * mailed link is hashed at rest, single-use, expires after RESET_TTL, is voided by a newer one; using it ends
 * every session of the account (Postgres, Redis, and another instance's L1; impersonations of it included),
 * signs nobody in and is audited. Staff send links under the reset-policy rule, audited with the actor.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD_LINK_PURPOSES } from "@/lib/account/account-tokens";
import { requestPasswordReset, sendPasswordReset, type Defer } from "@/lib/account/password-reset";
import { setPasswordWithLink } from "@/lib/account/set-password";
import { login } from "@/lib/auth/login";
import { accountTokens, auditEvents, mailOutbox, sessions, users } from "@/lib/db/schema";
import { startImpersonation } from "@/lib/impersonation/service";
import type { Runtime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { waitUntilRedisTrusted } from "./cache/helpers";
import { createUser, TEST_PASSWORD } from "./support/fixtures";
import { createTestInstances } from "./support/instances";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { eventually, probePostgres, probeRedis } from "./support/services";

const pg = await probePostgres();
const redis = await probeRedis();
const metadata = { ip: "203.0.113.20", userAgent: "vitest" };
const NEW_PASSWORD = "a brand new and rather long passphrase";

/** A defer that keeps the after-the-answer work, so a test can run it when it chooses. */
function deferred(): Defer & { run(): Promise<void>; count(): number } {
  const queue: (() => Promise<void>)[] = [];
  const defer = ((work: () => Promise<void>) => void queue.push(work)) as Defer & { run(): Promise<void>; count(): number };
  defer.run = async () => {
    while (queue.length) await queue.shift()!();
  };
  defer.count = () => queue.length;
  return defer;
}

async function resetMailsTo(rt: Runtime, email: string) {
  const rows = await rt.database.db.select().from(mailOutbox).where(and(eq(mailOutbox.recipient, email), eq(mailOutbox.template, "password_reset")));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
}
const tokenOf = (link: unknown) => new URL(String(link), "http://app.test").searchParams.get("token")!;

/** Asks for a reset link as the forgot-password form does, runs the deferred work, answers the newest token. */
async function forgot(rt: Runtime, email: string, ip = metadata.ip): Promise<string | null> {
  const defer = deferred();
  const answer = await requestPasswordReset(rt.passwordReset, { email }, { ...metadata, ip }, defer);
  expect(answer.ok).toBe(true);
  await defer.run();
  const mails = await resetMailsTo(rt, email.toLowerCase());
  return mails.length ? tokenOf(mails.at(-1)!.payload.link) : null;
}

const reset = (rt: Runtime, token: string, password = NEW_PASSWORD) => setPasswordWithLink(rt, { token, purposes: PASSWORD_LINK_PURPOSES, password }, metadata);

describe("password reset", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ backend: pg.ok ? "postgres" : "pglite", redisUrl: redis.ok ? redis.url : undefined, env: { RESET_MAX_PER_IP_PER_HOUR: "1000" } });
  });
  afterAll(async () => rt?.dispose());

  it("answers a known, an unknown and a banned email alike, with no database work before the answer; mails only the active account", async () => {
    const known = await createUser(rt.database.db);
    const banned = await createUser(rt.database.db, { status: "banned" });
    const unknown = `nobody-${known.id.slice(0, 8)}@example.com`;
    const answers = [];
    const defers = [];
    for (const email of [known.email, unknown, banned.email]) {
      const defer = deferred();
      const before = rt.database.queryCount();
      answers.push(await requestPasswordReset(rt.passwordReset, { email }, metadata, defer));
      // The answer is decided before anything about the account is read: not one query on the way to it.
      expect(rt.database.queryCount() - before).toBe(0);
      expect(defer.count()).toBe(1);
      defers.push(defer);
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toEqual({ ok: true, value: { accepted: true } });
    for (const defer of defers) await defer.run();
    expect(await resetMailsTo(rt, known.email)).toHaveLength(1);
    expect(await resetMailsTo(rt, unknown)).toHaveLength(0);
    expect(await resetMailsTo(rt, banned.email)).toHaveLength(0);
    const audited = await rt.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, known.id));
    expect(audited.map((a) => [a.action, a.actorId])).toEqual([["auth.password_reset_request", null]]);
    expect(await rt.database.db.select().from(accountTokens).where(eq(accountTokens.userId, banned.id))).toHaveLength(0);
  });

  it("refuses a malformed email with INVALID_INPUT and defers nothing", async () => {
    for (const email of ["", "not-an-email", 42, "a@b c"]) {
      const defer = deferred();
      expect(await requestPasswordReset(rt.passwordReset, { email }, metadata, defer)).toMatchObject({ ok: false, code: "INVALID_INPUT" });
      expect(defer.count()).toBe(0);
    }
  });

  it("keeps only the link's hash, lets it set a new password once, signs nobody in, and audits the reset", async () => {
    const user = await createUser(rt.database.db);
    const token = (await forgot(rt, user.email.toUpperCase()))!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [stored] = await rt.database.db.select().from(accountTokens).where(and(eq(accountTokens.userId, user.id), eq(accountTokens.purpose, "reset")));
    expect(stored!.id).not.toContain(token);
    expect(stored!.expiresAt.getTime() - rt.clock()).toBe(rt.config.reset.ttlS * 1000);
    const done = await reset(rt, token);
    expect(done).toEqual({ ok: true, value: { userId: user.id, purpose: "reset", token: null } });
    expect(await rt.database.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
    expect(await reset(rt, token, `${NEW_PASSWORD} again`)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    expect(await login(rt.login, { email: user.email, password: TEST_PASSWORD, metadata })).toMatchObject({ ok: false, code: "INVALID_CREDENTIALS" });
    expect(await login(rt.login, { email: user.email, password: NEW_PASSWORD, metadata })).toMatchObject({ ok: true, value: { kind: "session" } });
    const [audit] = await rt.database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, user.id), eq(auditEvents.action, "auth.password_reset")));
    expect(audit).toMatchObject({ actorId: user.id, ip: metadata.ip, metadata: { via: "reset" } });
  });

  it("refuses a link after RESET_TTL (manual clock), leaving the password unchanged", async () => {
    const user = await createUser(rt.database.db);
    const token = (await forgot(rt, user.email))!;
    rt.clock.advance(rt.config.reset.ttlS * 1000 + 1);
    expect(await reset(rt, token)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    expect(await login(rt.login, { email: user.email, password: TEST_PASSWORD, metadata })).toMatchObject({ ok: true });
  });

  it("voids the older link when a newer one is asked for; using the newer voids every other password link", async () => {
    const user = await createUser(rt.database.db);
    const first = (await forgot(rt, user.email))!;
    const second = (await forgot(rt, user.email))!;
    expect(second).not.toBe(first);
    expect(await reset(rt, first)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    expect((await reset(rt, second)).ok).toBe(true);
    const unused = await rt.database.db.select().from(accountTokens).where(eq(accountTokens.userId, user.id));
    expect(unused.every((t) => t.usedAt !== null)).toBe(true);
  });

  it("refuses a link of an account banned after it was sent", async () => {
    const user = await createUser(rt.database.db);
    const token = (await forgot(rt, user.email))!;
    await rt.database.db.update(users).set({ status: "banned" }).where(eq(users.id, user.id));
    expect(await reset(rt, token)).toMatchObject({ ok: false, code: "LINK_INVALID" });
  });

  it("refuses a new password the policy refuses, and the link stays usable", async () => {
    const user = await createUser(rt.database.db);
    const token = (await forgot(rt, user.email))!;
    expect(await reset(rt, token, "short")).toMatchObject({ ok: false, code: "WEAK_PASSWORD" });
    expect((await reset(rt, token)).ok).toBe(true);
  });

  describe("staff send a link", () => {
    async function signedIn(role: "user" | "support" | "admin"): Promise<SessionContext> {
      const person = await createUser(rt.database.db, { role });
      const { token } = await rt.sessions.createSession(person.id);
      return (await rt.sessions.validateSessionWithCache(token))!;
    }
    const by = (actor: SessionContext) => ({ actor, metadata, origin: "https://console.example.com" });

    it("lets support staff mail a user a link (absolute, on the console's origin), audited with the actor; staff never get the link", async () => {
      const support = await signedIn("support");
      const user = await createUser(rt.database.db);
      const sent = await sendPasswordReset(rt.passwordReset, by(support), user.id);
      expect(sent.ok).toBe(true);
      expect(JSON.stringify(sent)).not.toMatch(/token|link/);
      const [mail] = await resetMailsTo(rt, user.email);
      expect(mail!.payload).toMatchObject({ name: user.name, sentBy: support.user.name });
      expect(String(mail!.payload.link)).toMatch(/^https:\/\/console\.example\.com\/set-password\?token=[A-Za-z0-9_-]{43}$/);
      const [audit] = await rt.database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, user.id), eq(auditEvents.action, "user.password_reset_send")));
      expect(audit).toMatchObject({ actorId: support.user.id });
      expect((await reset(rt, tokenOf(mail!.payload.link))).ok).toBe(true);
    });

    it("refuses what the rule refuses, mailing nothing: support to an admin, to oneself, to a banned user; a plain user; an impersonator", async () => {
      const support = await signedIn("support");
      const admin = await signedIn("admin");
      const plain = await signedIn("user");
      const banned = await createUser(rt.database.db, { status: "banned" });
      const target = await createUser(rt.database.db);
      const cases: [SessionContext, string, string][] = [
        [support, admin.user.id, "RESET_NOT_ALLOWED"],
        [admin, admin.user.id, "RESET_TARGET_IS_SELF"],
        [admin, banned.id, "RESET_TARGET_BANNED"],
        [plain, target.id, "FORBIDDEN"],
        [{ ...admin, impersonation: { mode: "read" } as SessionContext["impersonation"], impersonator: admin.user }, target.id, "FORBIDDEN_WHILE_IMPERSONATING"],
      ];
      for (const [actor, userId, code] of cases) expect(await sendPasswordReset(rt.passwordReset, by(actor), userId)).toMatchObject({ ok: false, code });
      for (const email of [admin.user.email, banned.email, target.email]) expect(await resetMailsTo(rt, email)).toHaveLength(0);
      expect(await sendPasswordReset(rt.passwordReset, by(admin), "not-a-uuid")).toMatchObject({ ok: false, code: "INVALID_ID" });
      expect(await sendPasswordReset(rt.passwordReset, by(admin), "00000000-0000-4000-8000-000000000000")).toMatchObject({ ok: false, code: "USER_NOT_FOUND" });
    });
  });
});

describe("password reset throttles", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({
      backend: pg.ok ? "postgres" : "pglite",
      redisUrl: redis.ok ? redis.url : undefined,
      env: { RESET_MAX_PER_IP_PER_HOUR: "3", RESET_MAX_PER_ACCOUNT_PER_HOUR: "2" },
    });
  });
  afterAll(async () => rt?.dispose());

  it("per account: over the budget the answer is still success, but no further mail goes out", async () => {
    const user = await createUser(rt.database.db);
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const defer = deferred();
      answers.push(await requestPasswordReset(rt.passwordReset, { email: user.email }, { ...metadata, ip: `198.51.100.${i + 1}` }, defer));
      await defer.run();
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[2]).toEqual({ ok: true, value: { accepted: true } });
    expect(await resetMailsTo(rt, user.email)).toHaveLength(2);
  });

  it("per IP: the request over the budget gets RATE_LIMITED with a wait, whatever the email; another address is unaffected", async () => {
    const ip = "192.0.2.77";
    for (let i = 0; i < 3; i++) expect((await requestPasswordReset(rt.passwordReset, { email: `probe-${i}@example.com` }, { ...metadata, ip }, deferred())).ok).toBe(true);
    const user = await createUser(rt.database.db);
    const defer = deferred();
    const refused = await requestPasswordReset(rt.passwordReset, { email: user.email }, { ...metadata, ip }, defer);
    expect(refused).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect(Number(!refused.ok && refused.details?.retryAfter)).toBeGreaterThan(0);
    expect(defer.count()).toBe(0);
    expect((await requestPasswordReset(rt.passwordReset, { email: user.email }, { ...metadata, ip: "192.0.2.78" }, deferred())).ok).toBe(true);
  });
});

describe.skipIf(!pg.ok || !redis.ok)("a reset ends every session, cached ones included (Redis and L1, two instances)", () => {
  it("refuses afterwards the user's L1-cached session on the other instance, and ends an impersonation of them", async () => {
    const set = await createTestInstances(2, { redisEnv: { REDIS_URL: redis.url }, env: { SESSION_L1_ENABLED: "true", SESSION_L1_TTL_MS: "60000" } });
    try {
      const [a, b] = set.runtimes as [Runtime, Runtime];
      await waitUntilRedisTrusted(a);
      await waitUntilRedisTrusted(b);
      const user = await createUser(a.database.db);
      const own = await a.sessions.createSession(user.id, metadata);
      const admin = await createUser(a.database.db, { role: "admin" });
      const adminSession = await a.sessions.createSession(admin.id, metadata);
      const adminContext = (await a.sessions.validateSessionWithCache(adminSession.token))!;
      const started = await startImpersonation(a.impersonation, { context: adminContext, targetId: user.id, reason: "Ticket 7: cannot reset their password", metadata });
      if (!started.ok) throw new Error(`impersonation did not start: ${started.code}`);
      // Both sessions are in Redis and in instance A's L1.
      for (let i = 0; i < 2; i++) {
        expect((await a.sessions.validateSessionWithCache(own.token))?.user.id).toBe(user.id);
        expect((await a.sessions.validateSessionWithCache(started.value.token))?.impersonator?.id).toBe(admin.id);
      }
      const token = (await forgot(b, user.email))!;
      expect((await reset(b, token)).ok).toBe(true);
      await eventually(async () => (await a.sessions.validateSessionWithCache(own.token)) === null, 5000);
      // The impersonation's token now answers the admin's own session (handed back), never the user.
      expect((await a.sessions.validateSessionWithCache(started.value.token))?.user.id ?? null).not.toBe(user.id);
      const ended = await a.database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, user.id), eq(auditEvents.action, "impersonation.force_end")));
      expect(ended).toHaveLength(1);
    } finally {
      await set.dispose();
    }
  });
});
