/**
 * The admin user APIs over HTTP (PostgreSQL + Redis): the staff-only user list and audit log, role changes
 * that show on the user's next request, bans and "revoke all" that sign the user out at once, and the
 * impersonation an admin loses with their role.
 */
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/fixtures";
import { probePostgres, probeRedis } from "../support/services";
import type { HttpClient } from "./support/client";
import { makePerson, readAudit, signIn, startImpersonating } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";

const available = (await probePostgres()).ok && (await probeRedis()).ok;

describe.skipIf(!available)("admin user APIs over HTTP", () => {
  let t: TestServer;
  let admin: HttpClient;
  let adminId: string;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres" });
    const person = await makePerson(t, "admin");
    adminId = person.id;
    admin = await signIn(t, person, "admin-console");
  });
  afterAll(async () => t?.stop());

  describe("GET /api/admin/users and /api/admin/audit", () => {
    it("lists users to staff, filtered by role and search", async () => {
      const support = await makePerson(t, "support");
      const supportBrowser = await signIn(t, support);
      for (const staff of [admin, supportBrowser]) {
        const res = await staff.get("/api/admin/users?role=support");
        expect(res.status, res.text).toBe(200);
        expect(res.body.users.length).toBeGreaterThan(0);
        expect(res.body.users.every((u: { role: string }) => u.role === "support")).toBe(true);
      }
      const found = await admin.get(`/api/admin/users?q=${encodeURIComponent(support.email)}`);
      expect(found.body.users.map((u: { id: string }) => u.id)).toEqual([support.id]);
    });

    it("refuses both lists to a regular user (403 FORBIDDEN) and to an anonymous caller (401)", async () => {
      const user = await signIn(t, await makePerson(t, "user"));
      for (const path of ["/api/admin/users", "/api/admin/audit"]) {
        const res = await user.get(path);
        expect(res.status, path).toBe(403);
        expect(res.body.error.code).toBe("FORBIDDEN");
        expect((await t.client().get(path)).status, path).toBe(401);
      }
    });

    it("shows one user's record to staff, and refuses a malformed (400) or unknown (404) id", async () => {
      const person = await makePerson(t, "user");
      const res = await admin.get(`/api/admin/users/${person.id}`);
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id: person.id, email: person.email, role: "user", status: "active" });
      expect((await admin.get("/api/admin/users/not-a-uuid")).body.error.code).toBe("INVALID_ID");
      expect((await admin.get(`/api/admin/users/${randomUUID()}`)).status).toBe(404);
      const user = await signIn(t, await makePerson(t, "user"));
      expect((await user.get(`/api/admin/users/${person.id}`)).status).toBe(403);
    });

    it("filters the audit log by action, actor and subject", async () => {
      const user = await makePerson(t, "user");
      await signIn(t, user);
      const res = await readAudit(admin, { action: "auth.login", actorId: user.id, subjectId: user.id });
      expect(res.total).toBe(1);
      expect(res.events[0]).toMatchObject({ action: "auth.login", actor: { id: user.id }, subject: { id: user.id } });
    });

    it("exports the filtered audit log to staff as a CSV download and as NDJSON, with each person as they were", async () => {
      const user = await makePerson(t, "user");
      await signIn(t, user);
      const csv = await admin.get(`/api/admin/audit?format=csv&subject=${user.id}`);
      expect(csv.status, csv.text).toBe(200);
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-[0-9T-]+\.csv"$/);
      const records = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
      expect(records.map((r) => [r.action, r.actor_email, r.subject_email])).toEqual([["auth.login", user.email, user.email]]);
      const ndjson = await admin.get(`/api/admin/audit?format=ndjson&action=auth.login&subject=${encodeURIComponent(user.email)}`);
      expect(ndjson.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
      const lines = ndjson.text.trimEnd().split("\n").map((l) => JSON.parse(l) as { subject_id: string; hash: string });
      expect(lines).toHaveLength(1);
      expect(lines[0]!.subject_id).toBe(user.id);
    });

    it("refuses the export to a regular user (403), and a bad format or day with 400 INVALID_INPUT instead of a download", async () => {
      const user = await signIn(t, await makePerson(t, "user"));
      expect((await user.get("/api/admin/audit?format=csv")).status).toBe(403);
      for (const query of ["format=xlsx", "format=csv&from=yesterday", "format=csv&actorId=not-a-uuid"]) {
        const res = await admin.get(`/api/admin/audit?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.error.code, query).toBe("INVALID_INPUT");
      }
    });
  });

  describe("PATCH /api/admin/users/[userId]", () => {
    it("a role change shows on the user's next request", async () => {
      const person = await makePerson(t, "user");
      const browser = await signIn(t, person);
      expect((await browser.whoami()).user.role).toBe("user");
      expect((await browser.get("/api/admin/users")).status).toBe(403);

      const res = await admin.patch(`/api/admin/users/${person.id}`, { role: "support" });
      expect(res.status, res.text).toBe(200);
      expect(res.body.user.role).toBe("support");
      expect((await browser.whoami()).user.role).toBe("support");
      expect((await browser.get("/api/admin/users")).status).toBe(200);
      expect((await readAudit(admin, { action: "user.role", subjectId: person.id })).events[0].metadata).toEqual({ from: "user", to: "support", before: { role: "user" }, after: { role: "support" } });
    });

    it("a ban signs the user out at once and refuses their next login; an unban lets them back in", async () => {
      const person = await makePerson(t, "user");
      const browser = await signIn(t, person);
      expect((await browser.whoami()).user.id).toBe(person.id);

      expect((await admin.patch(`/api/admin/users/${person.id}`, { status: "banned", reason: "abuse" })).status).toBe(200);
      expect(await browser.whoami()).toBeNull();
      expect((await t.client().post("/api/auth/login", { email: person.email, password: TEST_PASSWORD })).status).toBe(401);

      expect((await admin.patch(`/api/admin/users/${person.id}`, { status: "active" })).status).toBe(200);
      await t.client().loginAs(person.email, TEST_PASSWORD);
    });

    it("refuses support staff (403 FORBIDDEN) and changes nothing", async () => {
      const person = await makePerson(t, "user");
      const browser = await signIn(t, person);
      const support = await signIn(t, await makePerson(t, "support"));
      const res = await support.patch(`/api/admin/users/${person.id}`, { status: "banned" });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
      expect((await browser.whoami()).user.id).toBe(person.id);
    });

    it("refuses an admin changing their own role or banning themselves (409 CANNOT_CHANGE_SELF)", async () => {
      for (const body of [{ role: "user" }, { status: "banned" }]) {
        const res = await admin.patch(`/api/admin/users/${adminId}`, body);
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe("CANNOT_CHANGE_SELF");
      }
      expect((await admin.whoami()).user.role).toBe("admin");
    });

    it("refuses malformed input: bad id (400), unknown id (404), empty or invalid body (400)", async () => {
      const person = await makePerson(t, "user");
      const cases: [string, unknown, number, string][] = [
        ["not-a-uuid", { role: "support" }, 400, "INVALID_ID"],
        [randomUUID(), { role: "support" }, 404, "USER_NOT_FOUND"],
        [person.id, {}, 400, "INVALID_INPUT"],
        [person.id, { role: "overlord" }, 400, "INVALID_INPUT"],
        [person.id, { status: "deleted" }, 400, "INVALID_INPUT"],
      ];
      for (const [id, body, status, code] of cases) {
        const res = await admin.patch(`/api/admin/users/${id}`, body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(res.body.error.code).toBe(code);
      }
    });
  });

  describe("DELETE /api/admin/users/[userId]/sessions", () => {
    it("signs the user out of every browser at once", async () => {
      const person = await makePerson(t, "user");
      const a = await signIn(t, person, "a");
      const b = await signIn(t, person, "b");
      const res = await admin.delete(`/api/admin/users/${person.id}/sessions`);
      expect(res.status).toBe(200);
      expect(res.body.revoked).toBe(2);
      expect(await a.whoami()).toBeNull();
      expect(await b.whoami()).toBeNull();
    });

    it("an admin revoking their own sessions keeps the browser they are using", async () => {
      const person = await makePerson(t, "admin");
      const here = await signIn(t, person, "here");
      const there = await signIn(t, person, "there");
      expect((await here.delete(`/api/admin/users/${person.id}/sessions`)).status).toBe(200);
      expect(await there.whoami()).toBeNull();
      expect((await here.whoami()).user.id).toBe(person.id);
    });
  });

  describe("an impersonator losing their standing", () => {
    it("an admin demoted to user loses the impersonation on the next request", async () => {
      const impersonator = await makePerson(t, "admin");
      const browser = await signIn(t, impersonator);
      const target = await makePerson(t, "user");
      expect((await startImpersonating(browser, target.id)).status).toBe(200);
      expect((await browser.whoami()).user.id).toBe(target.id);
      expect((await admin.patch(`/api/admin/users/${impersonator.id}`, { role: "user" })).status).toBe(200);
      expect((await browser.whoami())?.user.id ?? null).not.toBe(target.id);
    });

    it("an admin demoted to support loses an impersonation of support staff (support may impersonate users only)", async () => {
      const impersonator = await makePerson(t, "admin");
      const browser = await signIn(t, impersonator);
      const target = await makePerson(t, "support");
      expect((await startImpersonating(browser, target.id)).status).toBe(200);
      expect((await admin.patch(`/api/admin/users/${impersonator.id}`, { role: "support" })).status).toBe(200);
      expect((await browser.whoami())?.user.id ?? null).not.toBe(target.id);
    });

    it("an admin demoted to support keeps an impersonation of a user (the twin: still allowed)", async () => {
      const impersonator = await makePerson(t, "admin");
      const browser = await signIn(t, impersonator);
      const target = await makePerson(t, "user");
      expect((await startImpersonating(browser, target.id)).status).toBe(200);
      expect((await admin.patch(`/api/admin/users/${impersonator.id}`, { role: "support" })).status).toBe(200);
      expect((await browser.whoami()).user.id).toBe(target.id);
    });

    it("a banned impersonator loses the impersonation at once", async () => {
      const impersonator = await makePerson(t, "admin");
      const browser = await signIn(t, impersonator);
      const target = await makePerson(t, "user");
      expect((await startImpersonating(browser, target.id)).status).toBe(200);
      expect((await admin.patch(`/api/admin/users/${impersonator.id}`, { status: "banned" })).status).toBe(200);
      expect(await browser.whoami()).toBeNull();
    });
  });
});
