/**
 * "Sign In As" and "Stop Impersonation" over HTTP against real PostgreSQL and Redis: who the API says you
 * are, token rotation both ways, the audit trail, what is refused while impersonating, the live list and
 * force-end, and logout ending both identities.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpClient } from "./support/client";
import { grantConsent, liveImpersonationIds, makePerson, readAudit, REASON, signIn, startImpersonating, stopImpersonating, TICKET } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";
import { probePostgres, probeRedis } from "../support/services";
import { TEST_PASSWORD } from "../support/fixtures";

const available = (await probePostgres()).ok && (await probeRedis()).ok;

describe.skipIf(!available)("impersonation over HTTP (PostgreSQL + Redis)", () => {
  let t: TestServer;
  let auditor: HttpClient;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres" });
    auditor = await signIn(t, await makePerson(t, "admin"), "auditor");
  });
  afterAll(async () => t?.stop());

  async function adminAndTarget() {
    const admin = await makePerson(t, "admin");
    const target = await makePerson(t, "user");
    return { admin, target, browser: await signIn(t, admin, "admin-browser/1.0") };
  }

  it("start shows the user as `user` and the admin as `originalUser`; stop shows the admin again; both audited", async () => {
    const { admin, target, browser } = await adminAndTarget();
    const started = await startImpersonating(browser, target.id);
    expect(started.status, started.text).toBe(200);
    expect(started.body.impersonating.id).toBe(target.id);

    const during = await browser.whoami();
    expect(during.user).toMatchObject({ id: target.id, email: target.email, role: "user" });
    expect(during.originalUser).toMatchObject({ id: admin.id, email: admin.email, role: "admin" });
    expect(during.isImpersonating).toBe(true);
    expect(during.impersonation.reason).toBe(REASON);
    expect(during.impersonation.ticket).toBe(TICKET);
    const startedAt = Date.parse(during.impersonation.startedAt);
    const expiresAt = Date.parse(during.impersonation.expiresAt);
    expect(expiresAt - startedAt).toBe(3600 * 1000);

    const stopped = await stopImpersonating(browser);
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body.redirectTo).toBe("/admin/users");
    const after = await browser.whoami();
    expect(after.user.id).toBe(admin.id);
    expect(after.isImpersonating).toBe(false);
    expect(after.originalUser).toBeNull();
    expect(after.impersonation).toBeNull();

    for (const action of ["impersonation.start", "impersonation.stop"]) {
      const { events } = await readAudit(auditor, { action, actorId: admin.id });
      expect(events, action).toHaveLength(1);
      expect(events[0]).toMatchObject({ reason: REASON, userAgent: "admin-browser/1.0", actor: { id: admin.id }, subject: { id: target.id } });
      expect(events[0].ip, action).toMatch(/127\.0\.0\.1/);
      expect(events[0].metadata.ticket).toBe(TICKET);
    }
  });

  it("kills the token from before the start and the token from before the stop", async () => {
    const { admin, target, browser } = await adminAndTarget();
    const beforeStart = browser.sessionCookie;
    await startImpersonating(browser, target.id);
    const beforeStop = browser.sessionCookie;
    expect(beforeStop).not.toBe(beforeStart);
    expect(await t.client().setCookie(beforeStart).whoami()).toBeNull();

    await stopImpersonating(browser);
    expect(browser.sessionCookie).not.toBe(beforeStop);
    expect(browser.sessionCookie).not.toBe(beforeStart);
    expect(await t.client().setCookie(beforeStop).whoami()).toBeNull();
    expect(await t.client().setCookie(beforeStart).whoami()).toBeNull();
    expect((await browser.whoami()).user.id).toBe(admin.id);
  });

  it("stop when not impersonating is refused with 409 NOT_IMPERSONATING and keeps the session", async () => {
    const { admin, browser } = await adminAndTarget();
    const cookie = browser.sessionCookie;
    const res = await stopImpersonating(browser);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("NOT_IMPERSONATING");
    expect(browser.sessionCookie).toBe(cookie);
    expect((await browser.whoami()).user.id).toBe(admin.id);
  });

  it("refuses sensitive actions while impersonating (403 FORBIDDEN_WHILE_IMPERSONATING) and allows them after stop", async () => {
    const { target, browser } = await adminAndTarget();
    // The target's own browser, which nothing done during the impersonation may touch.
    const targetBrowser = await signIn(t, target, "target-browser");
    // Even an impersonation that can make changes (past the read-only guard) has none of these powers.
    await grantConsent(t, target, "write");
    expect((await startImpersonating(browser, target.id, { reason: REASON, ticket: TICKET, mode: "write" })).status).toBe(200);

    const sensitive = [
      () => browser.post("/api/auth/password", { currentPassword: TEST_PASSWORD, newPassword: "taken-over-password-1" }),
      () => browser.delete("/api/auth/sessions"),
      () => browser.get("/api/auth/sessions"),
      () => browser.delete(`/api/auth/sessions/${"a".repeat(64)}`),
      () => browser.get("/api/admin/users"),
      () => browser.get("/api/admin/audit"),
      () => browser.get("/api/admin/impersonations"),
      () => browser.patch(`/api/admin/users/${target.id}`, { role: "admin" }),
      () => browser.delete(`/api/admin/users/${target.id}/sessions`),
    ];
    for (const attempt of sensitive) {
      const res = await attempt();
      expect(res.status, res.text).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN_WHILE_IMPERSONATING");
    }
    expect((await targetBrowser.whoami())?.user.id).toBe(target.id);
    await t.client().loginAs(target.email, TEST_PASSWORD); // the target's password is unchanged

    await stopImpersonating(browser);
    expect((await browser.get("/api/admin/users")).status).toBe(200);
    expect((await browser.get("/api/auth/sessions")).status).toBe(200);
    expect((await browser.delete("/api/auth/sessions")).status).toBe(200);
    expect((await browser.post("/api/auth/password", { currentPassword: TEST_PASSWORD, newPassword: "admins-new-password-1" })).status).toBe(200);
  });

  it("lists the live impersonation and lets an admin force-end it: the impersonator returns to their own identity", async () => {
    const { admin, target, browser } = await adminAndTarget();
    await startImpersonating(browser, target.id);
    const list = await auditor.get("/api/admin/impersonations");
    const live = (list.body.impersonations as { sessionId: string; actor: { id: string }; target: { id: string }; reason: string }[]).find(
      (i) => i.actor.id === admin.id,
    );
    expect(live).toMatchObject({ target: { id: target.id }, reason: REASON });

    const ended = await auditor.delete(`/api/admin/impersonations/${live!.sessionId}`);
    expect(ended.status, ended.text).toBe(200);
    expect(await liveImpersonationIds(auditor)).not.toContain(live!.sessionId);
    const me = await browser.whoami();
    expect(me.user.id).toBe(admin.id);
    expect(me.isImpersonating).toBe(false);
    expect((await readAudit(auditor, { action: "impersonation.force_end", subjectId: target.id })).total).toBe(1);
  });

  it("refuses force-end to support staff (403) and an unknown session (404), leaving the impersonation live", async () => {
    const { target, browser } = await adminAndTarget();
    await startImpersonating(browser, target.id);
    const [live] = (await auditor.get("/api/admin/impersonations")).body.impersonations.filter((i: { target: { id: string } }) => i.target.id === target.id);
    const support = await signIn(t, await makePerson(t, "support"));
    expect((await support.get("/api/admin/impersonations")).status).toBe(200); // staff may look
    const bySupport = await support.delete(`/api/admin/impersonations/${live.sessionId}`);
    expect(bySupport.status).toBe(403);
    expect(bySupport.body.error.code).toBe("FORBIDDEN");
    const unknown = await auditor.delete(`/api/admin/impersonations/${"0".repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("SESSION_NOT_FOUND");
    expect((await browser.whoami()).user.id).toBe(target.id);
  });

  it("logout while impersonating ends both sessions: neither cookie works afterwards", async () => {
    const { admin, target, browser } = await adminAndTarget();
    const adminCookie = browser.sessionCookie;
    await startImpersonating(browser, target.id);
    const impersonationCookie = browser.sessionCookie;
    const activeOf = async () => (await auditor.get(`/api/admin/users?q=${encodeURIComponent(admin.email)}`)).body.users[0].activeSessions;
    expect(await activeOf()).toBe(1); // the admin's own session, parked behind the impersonation

    expect((await browser.post("/api/auth/logout")).status).toBe(200);
    expect(browser.sessionCookie).toBeUndefined();
    expect(await t.client().setCookie(impersonationCookie).whoami()).toBeNull();
    expect(await t.client().setCookie(adminCookie).whoami()).toBeNull();
    expect(await activeOf()).toBe(0);
    const live = (await auditor.get("/api/admin/impersonations")).body.impersonations as { actor: { id: string } }[];
    expect(live.filter((i) => i.actor.id === admin.id)).toEqual([]);
  });
});
