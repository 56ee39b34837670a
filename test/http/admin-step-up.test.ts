/**
 * The admin API routes over HTTP on a server where a step-up is always due (IMPERSONATION_REAUTH_WINDOW=0):
 * role change, ban, revoke-all and bulk refuse without the step-up answer (401 REAUTH_REQUIRED with
 * `stepUpWith`), refuse a wrong password, and run with the right one in the JSON body.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/fixtures";
import { probePostgres, probeRedis } from "../support/services";
import type { HttpClient } from "./support/client";
import { makePerson, signIn } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";

const available = (await probePostgres()).ok && (await probeRedis()).ok;

describe.skipIf(!available)("admin step-up and bulk actions over HTTP (IMPERSONATION_REAUTH_WINDOW=0)", () => {
  let t: TestServer;
  let admin: HttpClient;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres", env: { IMPERSONATION_REAUTH_WINDOW: "0" } });
    admin = await signIn(t, await makePerson(t, "admin"));
  });
  afterAll(async () => t?.stop());

  it("refuses a role change without the password with 401 REAUTH_REQUIRED naming the factor, and a wrong one; runs with the right one", async () => {
    const person = await makePerson(t, "user");
    const bare = await admin.patch(`/api/admin/users/${person.id}`, { role: "support" });
    expect(bare.status).toBe(401);
    expect(bare.body.error).toMatchObject({ code: "REAUTH_REQUIRED", details: { stepUpWith: "password" } });
    expect((await admin.patch(`/api/admin/users/${person.id}`, { role: "support", password: "wrong password" })).body.error.code).toBe("REAUTH_REQUIRED");
    expect((await admin.get(`/api/admin/users/${person.id}`)).body.user.role).toBe("user");
    const done = await admin.patch(`/api/admin/users/${person.id}`, { role: "support", status: "banned", reason: "moved and suspended", password: TEST_PASSWORD });
    expect(done.status, done.text).toBe(200);
    expect(done.body.user).toMatchObject({ role: "support", status: "banned" });
  });

  it("revokes all of a user's sessions only with the step-up in the body", async () => {
    const person = await makePerson(t, "user");
    const victim = await signIn(t, person);
    const bare = await admin.delete(`/api/admin/users/${person.id}/sessions`);
    expect(bare.status).toBe(401);
    expect(bare.body.error).toMatchObject({ code: "REAUTH_REQUIRED", details: { stepUpWith: "password" } });
    expect(await victim.whoami()).not.toBeNull();
    const done = await admin.delete(`/api/admin/users/${person.id}/sessions`, { json: { password: TEST_PASSWORD, reason: "lost laptop" } });
    expect(done.status, done.text).toBe(200);
    expect(await victim.whoami()).toBeNull();
  });

  it("starts a bulk ban only with the step-up, answers 202 with the job, and shows it done", async () => {
    const people = await Promise.all([makePerson(t), makePerson(t), makePerson(t)]);
    const userIds = people.map((p) => p.id);
    const bare = await admin.post("/api/admin/users/bulk", { action: "ban", userIds, reason: "spam ring" });
    expect(bare.status).toBe(401);
    expect(bare.body.error.code).toBe("REAUTH_REQUIRED");
    const started = await admin.post("/api/admin/users/bulk", { action: "ban", userIds, reason: "spam ring", password: TEST_PASSWORD });
    expect(started.status, started.text).toBe(202);
    expect(started.body.job).toMatchObject({ action: "ban", total: 3, state: "done", changed: 3, skippedCount: 0 });
    const shown = await admin.get(`/api/admin/users/bulk/${started.body.job.id}`);
    expect(shown.body.job).toMatchObject({ id: started.body.job.id, state: "done", processed: 3 });
    for (const p of people) expect((await admin.get(`/api/admin/users/${p.id}`)).body.user.status).toBe("banned");
    // Another admin cannot see or continue it.
    const other = await signIn(t, await makePerson(t, "admin"));
    expect((await other.get(`/api/admin/users/bulk/${started.body.job.id}`)).status).toBe(404);
    expect((await other.post(`/api/admin/users/bulk/${started.body.job.id}`)).status).toBe(404);
  });

  it("refuses a bulk request with both or neither of userIds and filter, and a selection that matches nobody", async () => {
    expect((await admin.post("/api/admin/users/bulk", { action: "ban", reason: "x", password: TEST_PASSWORD })).body.error.code).toBe("INVALID_INPUT");
    const none = await admin.post("/api/admin/users/bulk", { action: "ban", filter: { q: "no-such-user-anywhere-zz" }, reason: "x", password: TEST_PASSWORD });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe("BULK_SELECTION_EMPTY");
  });
});
