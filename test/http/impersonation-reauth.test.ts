/**
 * Step-up for "Sign In As": with IMPERSONATION_REAUTH_WINDOW=0 every sign-in is already stale, so a start
 * needs the admin's password in the request. Missing and wrong passwords are refused (and audited);
 * the right one starts the impersonation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/fixtures";
import { probePostgres, probeRedis } from "../support/services";
import type { HttpClient } from "./support/client";
import { expectRefusal, makePerson, REASON, signIn, startImpersonating } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";

const available = (await probePostgres()).ok && (await probeRedis()).ok;

describe.skipIf(!available)("impersonation step-up over HTTP (IMPERSONATION_REAUTH_WINDOW=0)", () => {
  let t: TestServer;
  let auditor: HttpClient;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres", env: { IMPERSONATION_REAUTH_WINDOW: "0" } });
    auditor = await signIn(t, await makePerson(t, "admin"), "auditor");
  });
  afterAll(async () => t?.stop());

  async function staleAdmin() {
    const actor = await makePerson(t, "admin");
    const target = await makePerson(t, "user");
    const caller = await signIn(t, actor);
    return { target, caller, ctx: { t, auditor, caller, actorId: actor.id } };
  }

  it("refuses a start without the password with 401 REAUTH_REQUIRED", async () => {
    const { target, caller, ctx } = await staleAdmin();
    const denial = await expectRefusal(ctx, () => startImpersonating(caller, target.id, { reason: REASON }), { status: 401, code: "REAUTH_REQUIRED" });
    expect(denial.reason).toBe(REASON);
  });

  it("refuses a start with a wrong password with 401 REAUTH_REQUIRED", async () => {
    const { target, caller, ctx } = await staleAdmin();
    const denial = await expectRefusal(ctx, () => startImpersonating(caller, target.id, { reason: REASON, password: "not-my-password" }), {
      status: 401,
      code: "REAUTH_REQUIRED",
    });
    expect(denial.metadata.wrongPassword).toBe(true);
  });

  it("starts with the right password", async () => {
    const { target, caller } = await staleAdmin();
    const res = await startImpersonating(caller, target.id, { reason: REASON, password: TEST_PASSWORD });
    expect(res.status, res.text).toBe(200);
    const me = await caller.whoami();
    expect(me.user.id).toBe(target.id);
    expect(me.isImpersonating).toBe(true);
  });
});
