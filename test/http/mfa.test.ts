/**
 * Staff second factors over HTTP under STAFF_MFA=required (production's default): until a staff member enrols,
 * every staff API and console page refuses with MFA_ENROLMENT_REQUIRED; after enrolment the password alone
 * leads only to a pending sign-in, the code completes it, and a stale step-up needs a fresh code.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCodeAt } from "@/lib/auth/mfa/totp";
import { scanApiRoutes } from "@/lib/http/api-route-scan";
import { TEST_PASSWORD } from "../support/fixtures";
import { probePostgres } from "../support/services";
import { HttpClient } from "./support/client";
import { makePerson, REASON } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";

const available = (await probePostgres()).ok;
const STEP_MS = 30_000;

/** Every staff route and method the app implements, with its dynamic segments filled in. */
function staffEndpoints(): { method: string; path: string }[] {
  return scanApiRoutes(path.resolve(import.meta.dirname, "../../app/api"))
    .filter((r) => r.pattern.startsWith("/api/admin/"))
    .flatMap((r) =>
      r.methods
        // Stopping one's own impersonation is no staff power (an enrolled admin may always leave one).
        .filter((m) => !(r.pattern === "/api/admin/impersonate" && m === "DELETE"))
        .map((method) => ({
          method,
          path: r.pattern.replace("[userId]", "00000000-0000-4000-8000-000000000000").replace("[sessionId]", "0".repeat(64)),
        })),
    );
}

describe.skipIf(!available)("staff second factors over HTTP (STAFF_MFA=required)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres", env: { STAFF_MFA: "required", IMPERSONATION_REAUTH_WINDOW: "0" } });
  });
  afterAll(async () => t?.stop());

  it("refuses every staff API and console page to an admin without a second factor, then opens them after enrolment", async () => {
    const admin = await makePerson(t, "admin");
    const c = new HttpClient(t.url, "mfa-admin");
    const signedIn = await c.post("/api/auth/login", { email: admin.email, password: TEST_PASSWORD });
    expect(signedIn.status).toBe(200);
    expect((await c.whoami())?.session.aal).toBe(1);

    const endpoints = staffEndpoints();
    expect(endpoints.length).toBeGreaterThan(5);
    for (const e of endpoints) {
      const res = await c.request(e.method, e.path, e.method === "GET" || e.method === "HEAD" ? {} : { json: {} });
      expect({ ...e, status: res.status, code: res.body?.error?.code }).toEqual({ ...e, status: 403, code: "MFA_ENROLMENT_REQUIRED" });
    }
    for (const page of ["/admin/users", "/admin/audit", "/admin/impersonations"]) {
      const res = await c.get(page);
      expect(res.status, page).toBe(307);
      expect(res.headers.get("location"), page).toMatch(/\/account\/mfa\?required=1$/);
    }

    const started = await c.post("/api/auth/mfa/totp");
    expect(started.status).toBe(200);
    const secret: string = started.body.secret;
    const confirmCode = totpCodeAt(secret, Date.now());
    const confirmed = await c.post("/api/auth/mfa/totp/confirm", { code: confirmCode });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect((await c.whoami())?.session.aal).toBe(2);
    expect((await c.get("/api/admin/users")).status).toBe(200);

    // Signed out and back in: the password alone is a pending sign-in, never a session.
    expect((await c.post("/api/auth/logout")).status).toBe(200);
    const pending = await c.post("/api/auth/login", { email: admin.email, password: TEST_PASSWORD });
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({ mfa: "required", methods: ["totp", "recovery"] });
    expect(await c.whoami()).toBeNull();
    expect((await c.get("/api/admin/users")).status).toBe(401);
    expect((await c.post("/api/auth/mfa/verify", { method: "totp", code: "12345x" })).body.error.code).toBe("MFA_CODE_INVALID");
    // The code that confirmed the enrolment is spent for its whole step.
    expect((await c.post("/api/auth/mfa/verify", { method: "totp", code: confirmCode })).body.error.code).toBe("MFA_CODE_REPLAYED");
    const recovered = await c.post("/api/auth/mfa/verify", { method: "recovery", code: confirmed.body.recoveryCodes[0] });
    expect(recovered.status, recovered.text).toBe(200);
    expect(recovered.body.session).toEqual({ aal: 2 });
    expect((await c.get("/api/admin/users")).status).toBe(200);

    // Step-up is always stale on this server: the password alone is refused, a fresh code is accepted.
    const target = await makePerson(t, "user");
    const withPassword = await c.post(`/api/admin/impersonate/${target.id}`, { reason: REASON, password: TEST_PASSWORD });
    expect(withPassword.status).toBe(401);
    expect(withPassword.body.error).toMatchObject({ code: "REAUTH_REQUIRED", details: { stepUpWith: "totp" } });
    // One step ahead is within the accepted drift and later than every step used so far.
    const withCode = await c.post(`/api/admin/impersonate/${target.id}`, { reason: REASON, code: totpCodeAt(secret, Date.now() + STEP_MS) });
    expect(withCode.status, withCode.text).toBe(200);
    expect((await c.whoami())?.user.id).toBe(target.id);
  });

  it("lets a regular user sign in and work without a second factor (required is for staff)", async () => {
    const user = await makePerson(t, "user");
    const c = new HttpClient(t.url, "mfa-user");
    expect((await c.loginAs(user.email, TEST_PASSWORD)).id).toBe(user.id);
    expect((await c.get("/api/auth/mfa")).body).toMatchObject({ requirement: "optional", methods: [] });
  });
});
