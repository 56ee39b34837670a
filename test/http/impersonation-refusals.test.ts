/**
 * Every way "Sign In As" can be refused, each in its own test, over HTTP against real PostgreSQL and Redis.
 * Each refusal answers its status and code, leaves exactly one `impersonation.denied` audit row with that
 * code, and changes nothing else (see expectRefusal). Allowed twins sit beside the refusals they mirror.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVIL_ORIGIN, type HttpClient } from "./support/client";
import { expectRefusal, grantConsent, makePerson, REASON, signIn, startImpersonating, stopImpersonating, type Person } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";
import { probePostgres, probeRedis } from "../support/services";

const available = (await probePostgres()).ok && (await probeRedis()).ok;

describe.skipIf(!available)("impersonation refusals over HTTP (PostgreSQL + Redis)", () => {
  let t: TestServer;
  let auditor: HttpClient;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres" });
    auditor = await signIn(t, await makePerson(t, "admin"), "auditor");
  });
  afterAll(async () => t?.stop());

  /** A signed-in caller of `role` and a fresh target of `targetRole`. */
  async function setup(role: Person["role"], targetRole: Person["role"] = "user", targetStatus: Person["status"] = "active") {
    const actor = await makePerson(t, role);
    const target = await makePerson(t, targetRole, targetStatus);
    const caller = await signIn(t, actor);
    return { actor, target, caller, ctx: { t, auditor, caller, actorId: actor.id } };
  }

  it("allows an admin to impersonate a user (the twin of every refusal below)", async () => {
    const { target, caller } = await setup("admin");
    const res = await startImpersonating(caller, target.id);
    expect(res.status, res.text).toBe(200);
    expect((await caller.whoami()).user.id).toBe(target.id);
  });

  it("refuses a regular user with 403 NOT_ALLOWED", async () => {
    const { target, caller, ctx } = await setup("user");
    await expectRefusal(ctx, () => startImpersonating(caller, target.id), { status: 403, code: "NOT_ALLOWED" });
  });

  it("allows support staff to impersonate a user", async () => {
    const { target, caller } = await setup("support");
    expect((await startImpersonating(caller, target.id)).status).toBe(200);
  });

  it("refuses support staff impersonating support staff with 403 TARGET_IS_SUPPORT", async () => {
    const { target, caller, ctx } = await setup("support", "support");
    await expectRefusal(ctx, () => startImpersonating(caller, target.id), { status: 403, code: "TARGET_IS_SUPPORT" });
  });

  it("refuses support staff impersonating an admin with 403 TARGET_IS_ADMIN", async () => {
    const { target, caller, ctx } = await setup("support", "admin");
    await expectRefusal(ctx, () => startImpersonating(caller, target.id), { status: 403, code: "TARGET_IS_ADMIN" });
  });

  it("allows an admin to impersonate support staff", async () => {
    const { target, caller } = await setup("admin", "support");
    expect((await startImpersonating(caller, target.id)).status).toBe(200);
  });

  it("refuses an admin impersonating another admin with 403 TARGET_IS_ADMIN", async () => {
    const { target, caller, ctx } = await setup("admin", "admin");
    await expectRefusal(ctx, () => startImpersonating(caller, target.id), { status: 403, code: "TARGET_IS_ADMIN" });
  });

  it("refuses an admin impersonating themselves with 403 TARGET_IS_SELF", async () => {
    const { actor, caller, ctx } = await setup("admin");
    await expectRefusal(ctx, () => startImpersonating(caller, actor.id), { status: 403, code: "TARGET_IS_SELF" });
  });

  it("refuses a banned target with 403 TARGET_BANNED", async () => {
    const { target, caller, ctx } = await setup("admin", "user", "banned");
    await expectRefusal(ctx, () => startImpersonating(caller, target.id), { status: 403, code: "TARGET_BANNED" });
  });

  it("refuses a nested start while impersonating with 409 ALREADY_IMPERSONATING", async () => {
    const { target, caller, ctx } = await setup("admin");
    // A write impersonation, so the start reaches the service (a read-only one is refused before it, unaudited).
    await grantConsent(t, target, "write");
    expect((await startImpersonating(caller, target.id, { reason: REASON, mode: "write" })).status).toBe(200);
    const second = await makePerson(t, "user");
    await expectRefusal(ctx, () => startImpersonating(caller, second.id), { status: 409, code: "ALREADY_IMPERSONATING" });
    // After stopping, the same start is allowed.
    expect((await stopImpersonating(caller)).status).toBe(200);
    expect((await startImpersonating(caller, second.id)).status).toBe(200);
  });

  it("refuses an unknown user id with 404 USER_NOT_FOUND", async () => {
    const { caller, ctx } = await setup("admin");
    await expectRefusal(ctx, () => startImpersonating(caller, randomUUID()), { status: 404, code: "USER_NOT_FOUND" });
  });

  it("refuses a malformed user id with 400 INVALID_ID", async () => {
    const { caller, ctx } = await setup("admin");
    for (const id of ["not-a-uuid", "1", "%27%3B%20drop%20table%20users"]) {
      await expectRefusal(ctx, () => startImpersonating(caller, id), { status: 400, code: "INVALID_ID" });
    }
  });

  it("refuses a start without a reason with 400 REASON_REQUIRED", async () => {
    const { target, caller, ctx } = await setup("admin");
    for (const body of [{}, { reason: "" }, { reason: "   " }, { reason: 42 }, { ticket: "SUP-1" }]) {
      await expectRefusal(ctx, () => startImpersonating(caller, target.id, body), { status: 400, code: "REASON_REQUIRED" });
    }
  });

  it("refuses GET on the start route with 405 and Allow: POST", async () => {
    const { target, caller, ctx } = await setup("admin");
    const denial = await expectRefusal(ctx, () => caller.get(`/api/admin/impersonate/${target.id}`), { status: 405, code: "METHOD_NOT_ALLOWED" });
    expect(denial.subject?.id).toBe(target.id);
  });

  it("refuses a POST from another site (Origin) with 403 CSRF_REJECTED", async () => {
    const { target, caller, ctx } = await setup("admin");
    const crossOrigin = () => caller.post(`/api/admin/impersonate/${target.id}`, { reason: "x" }, { site: "none", headers: { origin: EVIL_ORIGIN } });
    await expectRefusal(ctx, crossOrigin, { status: 403, code: "CSRF_REJECTED" });
  });

  it("refuses a POST a browser marks cross-site (Sec-Fetch-Site) with 403 CSRF_REJECTED", async () => {
    const { target, caller, ctx } = await setup("admin");
    const crossSite = () => caller.post(`/api/admin/impersonate/${target.id}`, { reason: "x" }, { site: "none", headers: { "sec-fetch-site": "cross-site" } });
    await expectRefusal(ctx, crossSite, { status: 403, code: "CSRF_REJECTED" });
  });

  it("refuses an anonymous caller with 401 and audits nothing (there is no actor)", async () => {
    const target = await makePerson(t, "user");
    const res = await startImpersonating(t.client(), target.id);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });
});
