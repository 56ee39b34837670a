/**
 * Consent over HTTP against a production build on PostgreSQL: the user's grants and answers
 * (/api/account/grants, /api/account/access-requests/[requestId]), staff requests
 * (/api/admin/users/[userId]/access-requests) and the grant status on GET /api/admin/users/[userId]. Every
 * refusal is a 4xx in the one envelope; an impersonator can neither grant nor answer for the user; a
 * request reaches the user as a notice and a mail linking to /account, and approving it from the notice
 * (the no-JavaScript form post of its server action) answers it and marks the notice read.
 */
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessGrants, auditEvents, mailOutbox, notifications } from "@/lib/db/schema";
import { renderMail } from "@/lib/notify/templates";
import type { HttpClient } from "./support/client";
import { grantConsent, makePerson, signIn, startImpersonating, type Person } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";
import { discoverServerActions } from "./security/support";
import { probePostgres } from "../support/services";

const pg = (await probePostgres()).ok;
const REASON = "Fix the invoice address the customer reported";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

describe.skipIf(!pg)("consent API over HTTP", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres" });
  });
  afterAll(async () => t?.stop());

  const db = () => t.db!.db;
  const grantRows = (userId: string) => db().select().from(accessGrants).where(eq(accessGrants.userId, userId));

  async function userWithBrowser(): Promise<{ user: Person; browser: HttpClient }> {
    const user = await makePerson(t, "user");
    return { user, browser: await signIn(t, user) };
  }

  async function requested(mode: "read" | "write" = "write") {
    const admin = await makePerson(t, "admin");
    const staff = await signIn(t, admin);
    const { user, browser } = await userWithBrowser();
    const res = await staff.post(`/api/admin/users/${user.id}/access-requests`, { mode, reason: REASON });
    expect(res.status, res.text).toBe(201);
    return { admin, staff, user, browser, requestId: res.body.request.id as string };
  }

  describe("the user's grants", () => {
    it("grants write access for 24 hours (201), lists it, and audits it", async () => {
      const { user, browser } = await userWithBrowser();
      const before = Date.now();
      const res = await browser.post("/api/account/grants", { mode: "write", window: "24h" });
      expect(res.status, res.text).toBe(201);
      expect(res.body.grant).toMatchObject({ mode: "write", status: "active", request: null });
      const expires = Date.parse(res.body.grant.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 86_400_000 - 5_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 86_400_000 + 5_000);

      const list = await browser.get("/api/account/grants");
      expect(list.status).toBe(200);
      expect(list.body.consent).toBe("write");
      expect(list.body.grants.map((g: { id: string }) => g.id)).toEqual([res.body.grant.id]);
      expect(list.body.requests).toEqual([]);
      expect(await grantRows(user.id)).toHaveLength(1);
      const audited = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectId, user.id), eq(auditEvents.action, "access.grant")));
      expect(audited.map((e) => [e.actorId, (e.metadata as { mode?: string }).mode])).toEqual([[user.id, "write"]]);
    });

    it("refuses a signed-out caller with 401 and changes nothing", async () => {
      const anonymous = t.client();
      expect((await anonymous.get("/api/account/grants")).body.error.code).toBe("UNAUTHENTICATED");
      const res = await anonymous.post("/api/account/grants", { mode: "read", window: "1h" });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("UNAUTHENTICATED");
    });

    it("answers every malformed body with a 4xx in the error envelope and writes no grant", async () => {
      const { user, browser } = await userWithBrowser();
      const cases: [unknown, number, string][] = [
        [{}, 400, "INVALID_INPUT"],
        [{ mode: "admin", window: "1h" }, 400, "INVALID_INPUT"],
        [{ mode: "write", window: "2h" }, 400, "INVALID_INPUT"],
        [{ mode: 1, window: ["1h"] }, 400, "INVALID_INPUT"],
        [{ mode: null, window: null }, 400, "INVALID_INPUT"],
        [[], 400, "INVALID_INPUT"],
        ["write", 400, "INVALID_INPUT"],
        [{ mode: "write", window: "__proto__" }, 400, "INVALID_INPUT"],
      ];
      for (const [json, status, code] of cases) {
        const res = await browser.post("/api/account/grants", json);
        expect([res.status, res.body?.error?.code], JSON.stringify(json)).toEqual([status, code]);
      }
      const raw = async (body: string, type: string) => (await browser.request("POST", "/api/account/grants", { body, headers: { "content-type": type } })).body.error.code;
      expect(await raw("{not json", "application/json")).toBe("INVALID_JSON");
      expect(await raw('{"mode":"read","window":"1h"}', "text/plain")).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(await raw(JSON.stringify({ mode: "read", window: "1h", pad: "x".repeat(20_000) }), "application/json")).toBe("PAYLOAD_TOO_LARGE");
      const crossSite = await browser.post("/api/account/grants", { mode: "read", window: "1h" }, { site: "cross-site" });
      expect([crossSite.status, crossSite.body.error.code]).toEqual([403, "CSRF_REJECTED"]);
      expect(await grantRows(user.id)).toEqual([]);
    });

    it("revokes the user's own grant; a second revoke, someone else's grant, unknown and malformed ids are 404", async () => {
      const { user, browser } = await userWithBrowser();
      const other = await userWithBrowser();
      const mine = (await browser.post("/api/account/grants", { mode: "read", window: "1h" })).body.grant.id as string;
      const theirs = (await other.browser.post("/api/account/grants", { mode: "write", window: "1h" })).body.grant.id as string;

      for (const id of [theirs, UNKNOWN, "not-a-uuid", "1".repeat(300)]) {
        const res = await browser.delete(`/api/account/grants/${id}`);
        expect([res.status, res.body?.error?.code], id).toEqual([404, "GRANT_NOT_FOUND"]);
      }
      const res = await browser.delete(`/api/account/grants/${mine}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ revoked: true, endedImpersonations: 0 });
      expect((await browser.delete(`/api/account/grants/${mine}`)).body.error.code).toBe("GRANT_NOT_FOUND");
      expect((await grantRows(user.id))[0]!.revokedAt).not.toBeNull();
      expect((await grantRows(other.user.id))[0]!.revokedAt).toBeNull();
      expect((await other.browser.get("/api/account/grants")).body.grants).toHaveLength(1);
    });

    it("revoking a grant ends the live write impersonation relying on it: the staff member is back in their own session", async () => {
      const { user, browser } = await userWithBrowser();
      const grant = (await browser.post("/api/account/grants", { mode: "write", window: "1h" })).body.grant.id as string;
      const admin = await makePerson(t, "admin");
      const staff = await signIn(t, admin);
      const started = await startImpersonating(staff, user.id, { reason: REASON, mode: "write" });
      expect(started.status, started.text).toBe(200);
      expect((await staff.whoami()).user.id).toBe(user.id);

      const res = await browser.delete(`/api/account/grants/${grant}`);
      expect(res.body).toEqual({ revoked: true, endedImpersonations: 1 });
      const me = await staff.whoami();
      expect(me?.isImpersonating ?? false).toBe(false);
      if (me) expect(me.user.id).toBe(admin.id);
    });
  });

  describe("staff requests and the user's answer", () => {
    it("a staff request is 201, pending, one at a time (409), shown to staff on the user, and told to the user by notice and mail", async () => {
      const { staff, user, browser, requestId } = await requested("write");
      const again = await staff.post(`/api/admin/users/${user.id}/access-requests`, { mode: "read", reason: REASON });
      expect([again.status, again.body.error.code]).toEqual([409, "REQUEST_PENDING"]);

      const detail = await staff.get(`/api/admin/users/${user.id}`);
      expect(detail.body.access).toEqual({ mode: null, expiresAt: null, requestPending: true });

      const list = await browser.get("/api/account/grants");
      expect(list.body.requests).toEqual([
        expect.objectContaining({ id: requestId, mode: "write", status: "pending", request: { reason: REASON, by: expect.objectContaining({ role: "admin" }) } }),
      ]);

      const [notice] = await db().select().from(notifications).where(eq(notifications.userId, user.id));
      expect(notice).toMatchObject({ kind: "access_requested", readAt: null, payload: expect.objectContaining({ requestId, mode: "write", reason: REASON }) });
      const [mail] = await db().select().from(mailOutbox).where(and(eq(mailOutbox.recipient, user.email), eq(mailOutbox.template, "access_requested")));
      const rendered = renderMail(mail!.template, mail!.payload);
      expect(rendered.subject).toBe("A staff member asks for access to your account");
      expect(rendered.text).toContain(REASON);
      // The one link is the account page itself: no token, no sign-in link.
      expect(rendered.text.match(/https?:\/\/\S+/g)).toEqual([`${t.url}/account`]);
      expect(rendered.html).toContain(`<a href="${t.url}/account">`);
      expect(rendered.text).not.toMatch(/token|set-password|login/i);
    });

    it("approving for 24 hours makes the request an active grant, marks its notice read, and shows on the user for staff", async () => {
      const { staff, user, browser, requestId } = await requested("write");
      const res = await browser.post(`/api/account/access-requests/${requestId}`, { answer: "approve", window: "24h" });
      expect(res.status, res.text).toBe(200);
      expect(res.body.request).toMatchObject({ id: requestId, mode: "write", status: "active" });
      expect(Date.parse(res.body.request.expiresAt)).toBeGreaterThan(Date.now() + 86_400_000 - 60_000);
      expect(await db().select().from(notifications).where(and(eq(notifications.userId, user.id), isNull(notifications.readAt)))).toEqual([]);
      expect((await staff.get(`/api/admin/users/${user.id}`)).body.access).toMatchObject({ mode: "write", requestPending: false });
      // Answered once: a second answer finds nothing open.
      const again = await browser.post(`/api/account/access-requests/${requestId}`, { answer: "decline" });
      expect([again.status, again.body.error.code]).toEqual([404, "GRANT_NOT_FOUND"]);
    });

    it("an approval without a window gets the shortest one; a decline grants nothing", async () => {
      const first = await requested("read");
      const approved = await first.browser.post(`/api/account/access-requests/${first.requestId}`, { answer: "approve" });
      expect(Date.parse(approved.body.request.expiresAt)).toBeLessThan(Date.now() + 3600_000 + 60_000);

      const second = await requested("write");
      const declined = await second.browser.post(`/api/account/access-requests/${second.requestId}`, { answer: "decline" });
      expect(declined.status, declined.text).toBe(200);
      expect(declined.body.request).toMatchObject({ status: "declined", grantedAt: null, expiresAt: null });
      expect((await second.browser.get("/api/account/grants")).body).toMatchObject({ grants: [], requests: [] });
    });

    it("refuses answers to someone else's request, unknown and malformed ids (404) and malformed bodies (400)", async () => {
      const { user, requestId } = await requested("write");
      const stranger = await userWithBrowser();
      for (const id of [requestId, UNKNOWN, "nope", `${requestId}x`]) {
        const res = await stranger.browser.post(`/api/account/access-requests/${id}`, { answer: "approve", window: "1h" });
        expect([res.status, res.body?.error?.code], id).toEqual([404, "GRANT_NOT_FOUND"]);
      }
      const owner = await signIn(t, user);
      for (const body of [{}, { answer: "maybe" }, { answer: "approve", window: "forever" }, { answer: ["approve"] }, { answer: "approve", window: 3600 }]) {
        const res = await owner.post(`/api/account/access-requests/${requestId}`, body);
        expect([res.status, res.body?.error?.code], JSON.stringify(body)).toEqual([400, "INVALID_INPUT"]);
      }
      expect((await grantRows(user.id))[0]).toMatchObject({ grantedAt: null, declinedAt: null });
    });

    it("refuses staff requests that could not be used or are malformed, each with its own 4xx code", async () => {
      const admin = await makePerson(t, "admin");
      const staff = await signIn(t, admin);
      const support = await signIn(t, await makePerson(t, "support"));
      const { user, browser } = await userWithBrowser();
      const otherAdmin = await makePerson(t, "admin");
      const banned = await makePerson(t, "user", "banned");
      const ask = (c: HttpClient, id: string, body: unknown) => c.post(`/api/admin/users/${id}/access-requests`, body);
      const cases: [Promise<{ status: number; body: { error?: { code: string } } }>, number, string][] = [
        [ask(browser, user.id, { mode: "write", reason: REASON }), 403, "FORBIDDEN"],
        [ask(staff, UNKNOWN, { mode: "write", reason: REASON }), 404, "USER_NOT_FOUND"],
        [ask(staff, "not-a-uuid", { mode: "write", reason: REASON }), 400, "INVALID_ID"],
        [ask(staff, user.id, { mode: "write", reason: "   " }), 400, "REASON_REQUIRED"],
        [ask(staff, user.id, { mode: "write", reason: "x".repeat(501) }), 400, "REASON_TOO_LONG"],
        [ask(staff, user.id, { mode: "write", reason: "x".repeat(20_000) }), 413, "PAYLOAD_TOO_LARGE"],
        [ask(staff, user.id, { mode: "owner", reason: REASON }), 400, "INVALID_INPUT"],
        [ask(staff, user.id, { mode: "write" }), 400, "INVALID_INPUT"],
        [ask(staff, user.id, { mode: "write", reason: 42 }), 400, "INVALID_INPUT"],
        [ask(staff, otherAdmin.id, { mode: "read", reason: REASON }), 403, "TARGET_IS_ADMIN"],
        [ask(support, otherAdmin.id, { mode: "read", reason: REASON }), 403, "TARGET_IS_ADMIN"],
        [ask(staff, banned.id, { mode: "read", reason: REASON }), 403, "TARGET_BANNED"],
        [ask(staff, admin.id, { mode: "read", reason: REASON }), 403, "TARGET_IS_SELF"],
        [ask(staff, user.id, { mode: "write", reason: REASON }).then(() => staff.post(`/api/admin/users/${user.id}/access-requests`, { mode: "write", reason: REASON }, { site: "cross-site" })), 403, "CSRF_REJECTED"],
      ];
      for (const [pending, status, code] of cases) {
        const res = await pending;
        expect([res.status, res.body?.error?.code], code).toEqual([status, code]);
      }
      // Only the one valid request (sent before the cross-site copy) was written, for the one user.
      expect(await grantRows(user.id)).toHaveLength(1);
      expect(await grantRows(otherAdmin.id)).toEqual([]);
      expect(await grantRows(banned.id)).toEqual([]);
    });

    it("GET /api/admin/users/[userId] reports no consent for a user without grants", async () => {
      const staff = await signIn(t, await makePerson(t, "admin"));
      const user = await makePerson(t, "user");
      const res = await staff.get(`/api/admin/users/${user.id}`);
      expect(res.body).toMatchObject({ user: { id: user.id }, access: { mode: null, expiresAt: null, requestPending: false } });
    });
  });

  describe("an impersonator cannot act for the user", () => {
    async function impersonating(mode: "read" | "write") {
      const { user, requestId } = await requested("read");
      const admin = await makePerson(t, "admin");
      if (mode === "write") await grantConsent(t, user, "write");
      const staff = await signIn(t, admin);
      const started = await startImpersonating(staff, user.id, { reason: REASON, mode });
      expect(started.status, started.text).toBe(200);
      const grantId = (await grantRows(user.id)).find((g) => g.id !== requestId)?.id ?? UNKNOWN;
      return { user, staff, requestId, grantId };
    }

    for (const [mode, code] of [
      ["read", "IMPERSONATION_READ_ONLY"],
      ["write", "FORBIDDEN_WHILE_IMPERSONATING"],
    ] as const) {
      it(`a ${mode} impersonation may not grant, revoke, answer a request or ask for access (403 ${code}), and nothing changes`, async () => {
        const { user, staff, requestId, grantId } = await impersonating(mode);
        const before = await grantRows(user.id);
        const attempts = [
          await staff.post("/api/account/grants", { mode: "write", window: "7d" }),
          await staff.post(`/api/account/access-requests/${requestId}`, { answer: "approve", window: "7d" }),
          await staff.post(`/api/account/access-requests/${requestId}`, { answer: "decline" }),
          await staff.delete(`/api/account/grants/${grantId}`),
          await staff.post(`/api/admin/users/${user.id}/access-requests`, { mode: "write", reason: REASON }),
        ];
        expect(attempts.map((r) => `${r.status} ${r.body?.error?.code}`)).toEqual(Array(5).fill(`403 ${code}`));
        expect(await grantRows(user.id)).toEqual(before);
        // Reading is allowed, as on /account: the staff member sees what consent they act under.
        expect((await staff.get("/api/account/grants")).status).toBe(200);
      });
    }
  });

  describe("approving from the notice (the server action, posted as a form without JavaScript)", () => {
    const answerAction = () => discoverServerActions().find((a) => a.exportedName === "answerRequestAction");

    function postAnswer(c: HttpClient, fields: Record<string, string>) {
      const action = answerAction()!;
      const boundary = "----grants-suite";
      const body =
        Object.entries({ [`$ACTION_ID_${action.id}`]: "", ...fields })
          .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
          .join("") + `--${boundary}--\r\n`;
      return c.request("POST", "/", { body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    }

    it("the notice on the user's next page offers the answer; approving answers the request, grants it and clears the notice", async () => {
      expect(answerAction(), "answerRequestAction in the build's server-reference manifest").toBeDefined();
      const { user, browser, requestId } = await requested("write");
      const page = await browser.get("/");
      expect(page.status).toBe(200);
      expect(page.text).toContain("asks for access that can make changes to your account");
      expect(page.text).toContain(`value="${requestId}"`);

      const res = await postAnswer(browser, { requestId, answer: "approve", window: "24h" });
      expect(res.status, res.text.slice(0, 300)).toBe(303);
      expect(res.headers.get("location")).toMatch(/\/account$/);
      const [row] = await grantRows(user.id);
      expect(row!.grantedAt).not.toBeNull();
      expect(row!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 86_400_000 - 60_000);
      expect(await db().select().from(notifications).where(and(eq(notifications.userId, user.id), isNull(notifications.readAt)))).toEqual([]);
      expect((await browser.get("/")).text).not.toContain("asks for access");
    });

    it("declining from the notice grants nothing; an impersonator never sees the notice", async () => {
      const { user, browser, requestId } = await requested("read");
      const staff = await signIn(t, await makePerson(t, "admin"));
      expect((await startImpersonating(staff, user.id, { reason: REASON, mode: "read" })).status).toBe(200);
      expect((await staff.get("/")).text).not.toContain("asks for read-only access");

      const res = await postAnswer(browser, { requestId, answer: "decline" });
      expect(res.status, res.text.slice(0, 300)).toBe(303);
      const [row] = await grantRows(user.id);
      expect(row).toMatchObject({ grantedAt: null, expiresAt: null });
      expect(row!.declinedAt).not.toBeNull();
    });
  });
});
