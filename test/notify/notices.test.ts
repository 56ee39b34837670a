/**
 * The user is told: every impersonation start and ending writes one in-app notice and one outbox mail,
 * in the audit event's transaction, on PGlite and on PostgreSQL.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/audit";
import { mailOutbox, notifications } from "@/lib/db/schema";
import { forceEndImpersonation, startImpersonation, stopImpersonation } from "@/lib/impersonation/service";
import { listNotifications, listOutbox, listUnreadNotifications, markNotificationsRead } from "@/lib/notify/outbox";
import { dismissNotices, unreadNoticesFor } from "@/lib/notify/own-notices";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { impersonating, impersonationBackends, REASON, signedIn } from "../impersonation/setup";

async function mailTo(rt: TestRuntime, email: string) {
  return (await listOutbox(rt.database.db, 500)).filter((m) => m.to === email);
}

for (const b of await impersonationBackends()) {
  describe.skipIf(!b.available)(`impersonation notices on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis });
      if (b.redis) await rt.cache.breaker!.probeNow();
    });
    afterAll(async () => rt?.dispose());

    it("a start gives the user one notice and one mail naming the staff member, the reason and the mode", async () => {
      const imp = await impersonating(rt);
      const notices = await listNotifications(rt.database.db, imp.target.id);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({ kind: "impersonation_started", readAt: null, payload: { reason: REASON, mode: "read", by: { name: imp.admin.user.name, role: "admin" } } });
      const mail = await mailTo(rt, imp.target.email);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.status).toBe("pending");
      expect(mail[0]!.mail?.text).toContain(imp.admin.user.name);
      expect(mail[0]!.mail?.text).toContain(REASON);
    });

    it("a stop gives the user a second notice and a second mail, with how long the access lasted", async () => {
      const imp = await impersonating(rt);
      rt.clock.advance(5 * 60_000);
      const stopped = await stopImpersonation(rt.impersonation, imp.context, {});
      expect(stopped.ok).toBe(true);
      const notices = await listNotifications(rt.database.db, imp.target.id);
      expect(notices.map((n) => n.kind).sort()).toEqual(["impersonation_ended", "impersonation_started"]);
      expect(notices.find((n) => n.kind === "impersonation_ended")?.payload).toMatchObject({ cause: "stop", reason: REASON, durationS: 300 });
      expect(await mailTo(rt, imp.target.email)).toHaveLength(2);
    });

    it("an ending by another admin and a timeout notify the user too, with no code of their own", async () => {
      const imp = await impersonating(rt);
      const other = await signedIn(rt);
      expect((await forceEndImpersonation(rt.impersonation, other.context, imp.context.sessionId, {})).ok).toBe(true);
      const expiring = await impersonating(rt);
      rt.clock.advance(2 * 3600_000);
      expect(await rt.sessions.validateSessionWithCache(expiring.token)).not.toBeNull();
      const forced = (await listNotifications(rt.database.db, imp.target.id)).find((n) => n.payload.cause === "force_end");
      // The user learns who was in their account, not only who ended it.
      expect(forced?.payload.by).toEqual({ name: imp.admin.user.name, role: "admin" });
      expect((await listNotifications(rt.database.db, expiring.target.id)).map((n) => n.payload.cause)).toContain("expire");
    });

    it("the staff member is not told anything, and a refused start tells nobody", async () => {
      const imp = await impersonating(rt);
      expect(await listNotifications(rt.database.db, imp.admin.user.id)).toEqual([]);
      expect(await mailTo(rt, imp.admin.user.email)).toEqual([]);
      const target = await signedIn(rt, "user");
      const refused = await startImpersonation(rt.impersonation, { context: imp.admin.context, targetId: target.user.id, reason: "x", metadata: {} });
      expect(refused.ok).toBe(false);
      expect(await listNotifications(rt.database.db, target.user.id)).toEqual([]);
      expect(await mailTo(rt, target.user.email)).toEqual([]);
    });

    it("notice and mail roll back with the audit row when its transaction fails", async () => {
      const target = await signedIn(rt, "user");
      const admin = await signedIn(rt);
      await expect(
        rt.database.db.transaction(async (tx) => {
          await recordAuditEvent(tx, { action: "impersonation.start", actorId: admin.user.id, subjectId: target.user.id, reason: REASON });
          throw new Error("the impersonation failed after its audit row");
        }),
      ).rejects.toThrow(/failed after/);
      expect(await rt.database.db.select().from(notifications).where(eq(notifications.userId, target.user.id))).toEqual([]);
      expect(await rt.database.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, target.user.email))).toEqual([]);
    });

    it("the user marks their own notices read; another user's ids change nothing", async () => {
      const imp = await impersonating(rt);
      const stranger = await signedIn(rt, "user");
      const [notice] = await listNotifications(rt.database.db, imp.target.id);
      expect(await markNotificationsRead(rt.database.db, stranger.user.id, [notice!.id])).toBe(0);
      expect(await listNotifications(rt.database.db, imp.target.id, { unreadOnly: true })).toHaveLength(1);
      expect(await markNotificationsRead(rt.database.db, imp.target.id, [notice!.id])).toBe(1);
      expect(await listNotifications(rt.database.db, imp.target.id, { unreadOnly: true })).toEqual([]);
    });

    it("the notice region's read below drizzle answers field for field what drizzle's query answers", async () => {
      const imp = await impersonating(rt);
      await stopImpersonation(rt.impersonation, imp.context, {});
      const viaDrizzle = (limit: number) => listNotifications(rt.database.db, imp.target.id, { unreadOnly: true, limit });
      const all = await viaDrizzle(10);
      expect(all.map((n) => n.kind).sort()).toEqual(["impersonation_ended", "impersonation_started"]);
      expect(await listUnreadNotifications(rt.database, imp.target.id, 10)).toEqual(all);
      expect(all[0]!.createdAt).toBeInstanceOf(Date);
      expect(all[0]!.payload).toMatchObject({ by: { name: imp.admin.user.name } });
      expect(await listUnreadNotifications(rt.database, imp.target.id, 1)).toEqual(await viaDrizzle(1));
      await markNotificationsRead(rt.database.db, imp.target.id, [all[0]!.id]);
      expect(await listUnreadNotifications(rt.database, imp.target.id, 10)).toEqual(all.slice(1));
      expect(await listUnreadNotifications(rt.database, imp.admin.user.id, 10)).toEqual([]);
    });

    it("the owner dismisses their notices; an impersonator neither sees them nor may dismiss them", async () => {
      const imp = await impersonating(rt);
      const owner = await rt.sessions.createSession(imp.target.id, { ip: "127.0.0.1", userAgent: "owner" });
      const ownerContext = (await rt.sessions.validateSessionWithCache(owner.token))!;
      expect(await unreadNoticesFor(rt.database, imp.context)).toEqual([]);
      const [notice] = await unreadNoticesFor(rt.database, ownerContext);
      expect(notice?.kind).toBe("impersonation_started");
      expect(await dismissNotices(rt.database.db, imp.context, [notice!.id])).toMatchObject({ ok: false, code: "FORBIDDEN_WHILE_IMPERSONATING" });
      expect(await unreadNoticesFor(rt.database, ownerContext)).toHaveLength(1);
      expect(await dismissNotices(rt.database.db, ownerContext, ["not-a-uuid"])).toMatchObject({ ok: false, code: "INVALID_INPUT" });
      expect(await dismissNotices(rt.database.db, ownerContext, [notice!.id])).toEqual({ ok: true, value: { dismissed: 1 } });
      expect(await unreadNoticesFor(rt.database, ownerContext)).toEqual([]);
    });

    it("no notice or mail carries a session token, a session id or a link", async () => {
      const imp = await impersonating(rt);
      await stopImpersonation(rt.impersonation, imp.context, {});
      const stored = JSON.stringify([await listNotifications(rt.database.db, imp.target.id), await mailTo(rt, imp.target.email)]);
      for (const secret of [imp.token, imp.context.sessionId, imp.admin.token, imp.admin.sessionId, imp.context.impersonation!.parentSessionId]) expect(stored).not.toContain(secret);
      expect(stored).not.toMatch(/https?:\/\//);
    });
  });
}

describe("IMPERSONATION_NOTIFY and IMPERSONATION_DISCLOSE", () => {
  it("off: an impersonation writes no notice and no mail", async () => {
    const rt = await createTestRuntime({ backend: "pglite", env: { IMPERSONATION_NOTIFY: "off" } });
    try {
      const imp = await impersonating(rt);
      await stopImpersonation(rt.impersonation, imp.context, {});
      expect(await listNotifications(rt.database.db, imp.target.id)).toEqual([]);
      expect(await listOutbox(rt.database.db)).toEqual([]);
    } finally {
      await rt.dispose();
    }
  });

  it("write: a read-only impersonation (no mode recorded) writes no notice", async () => {
    const rt = await createTestRuntime({ backend: "pglite", env: { IMPERSONATION_NOTIFY: "write" } });
    try {
      const imp = await impersonating(rt);
      expect(await listNotifications(rt.database.db, imp.target.id)).toEqual([]);
    } finally {
      await rt.dispose();
    }
  });

  it("disclose=role: the notice and the mail give the role, never the staff member's name or email", async () => {
    const rt = await createTestRuntime({ backend: "pglite", env: { IMPERSONATION_DISCLOSE: "role" } });
    try {
      const imp = await impersonating(rt, "support");
      const [notice] = await listNotifications(rt.database.db, imp.target.id);
      expect(notice?.payload.by).toEqual({ name: null, role: "support" });
      const stored = JSON.stringify([notice, await listOutbox(rt.database.db)]);
      expect(stored).not.toContain(imp.admin.user.name);
      expect(stored).not.toContain(imp.admin.user.email);
      expect(stored).toContain("A support agent");
    } finally {
      await rt.dispose();
    }
  });
});
