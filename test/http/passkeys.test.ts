/**
 * Passkeys over HTTP against the production build, answered by the software authenticator (real signatures):
 * register, sign in with password and passkey, step up Sign In As with a passkey, and the admin reset route.
 * Refused twins: a malformed answer (400), an answer for another origin (401 PASSKEY_REJECTED), another
 * user's passkey id (404), a reset by support staff (403), without a reason (400).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/fixtures";
import { probePostgres } from "../support/services";
import { SoftAuthenticator } from "../support/soft-authenticator";
import type { HttpClient } from "./support/client";
import { makePerson, REASON, signIn } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";

const available = (await probePostgres()).ok;

describe.skipIf(!available)("passkeys over HTTP", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres", env: { IMPERSONATION_REAUTH_WINDOW: "0" } });
  });
  afterAll(async () => t?.stop());

  async function register(c: HttpClient, name: string): Promise<SoftAuthenticator> {
    const device = new SoftAuthenticator(t.url);
    const options = await c.post("/api/auth/mfa/passkeys/registration");
    expect(options.status, options.text).toBe(200);
    const done = await c.post("/api/auth/mfa/passkeys", { name, response: device.register(options.body.options) });
    expect(done.status, done.text).toBe(201);
    return device;
  }

  async function stepUpAnswer(c: HttpClient, device: SoftAuthenticator) {
    const options = await c.post("/api/auth/mfa/passkeys/assertion", { purpose: "step-up" });
    expect(options.status, options.text).toBe(200);
    return device.authenticate(options.body.options);
  }

  it("registers a passkey, then signs in with password and passkey at aal 2; a malformed or foreign-origin answer is refused", async () => {
    const agent = await makePerson(t, "support");
    const c = await signIn(t, agent);
    const options = await c.post("/api/auth/mfa/passkeys/registration");
    const device = new SoftAuthenticator(t.url);
    expect((await c.post("/api/auth/mfa/passkeys", { name: "x", response: { id: "abc" } })).body.error.code).toBe("INVALID_INPUT");
    const registered = await c.post("/api/auth/mfa/passkeys", { name: "Laptop", response: device.register(options.body.options) });
    expect(registered.status, registered.text).toBe(201);
    expect(registered.body.recoveryCodes).toHaveLength(10);
    expect((await c.whoami())?.session.aal).toBe(2);
    const list = await c.get("/api/auth/mfa/passkeys");
    expect(list.body.passkeys).toEqual([expect.objectContaining({ id: device.id, name: "Laptop", lastUsedAt: null })]);

    expect((await c.post("/api/auth/logout")).status).toBe(200);
    const pending = await c.post("/api/auth/login", { email: agent.email, password: TEST_PASSWORD });
    expect(pending.body).toEqual({ mfa: "required", methods: ["passkey", "recovery"] });
    const wrong = await c.post("/api/auth/mfa/passkeys/assertion", { purpose: "sign-in" });
    const refused = await c.post("/api/auth/mfa/verify", { method: "passkey", response: device.authenticate(wrong.body.options, { origin: "https://evil.example" }) });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("PASSKEY_REJECTED");
    expect(await c.whoami()).toBeNull();
    const right = await c.post("/api/auth/mfa/passkeys/assertion", { purpose: "sign-in" });
    const done = await c.post("/api/auth/mfa/verify", { method: "passkey", response: device.authenticate(right.body.options) });
    expect(done.status, done.text).toBe(200);
    expect(done.body.session).toEqual({ aal: 2 });
  });

  it("asks for the passkey on Sign In As and starts with its answer; another user's passkey cannot be removed", async () => {
    const agent = await makePerson(t, "support");
    const other = await makePerson(t, "support");
    const target = await makePerson(t, "user");
    const c = await signIn(t, agent);
    const device = await register(c, "Key");
    const otherClient = await signIn(t, other);
    const otherDevice = await register(otherClient, "Theirs");

    const asked = await c.post(`/api/admin/impersonate/${target.id}`, { reason: REASON });
    expect(asked.status).toBe(401);
    expect(asked.body.error).toMatchObject({ code: "REAUTH_REQUIRED", details: { stepUpWith: "passkey" } });
    expect((await c.delete(`/api/auth/mfa/passkeys/${encodeURIComponent(otherDevice.id)}`, { json: {} })).body.error.code).toBe("PASSKEY_NOT_FOUND");
    const started = await c.post(`/api/admin/impersonate/${target.id}`, { reason: REASON, passkey: await stepUpAnswer(c, device) });
    expect(started.status, started.text).toBe(200);
    expect((await c.whoami())?.user.id).toBe(target.id);
  });

  it("lets an admin reset a locked-out user's factors with a reason and a fresh passkey, ending their sessions; support staff and a missing reason are refused", async () => {
    const admin = await makePerson(t, "admin");
    const locked = await makePerson(t, "support");
    const lockedClient = await signIn(t, locked);
    await register(lockedClient, "Lost key");
    const a = await signIn(t, admin);
    const adminDevice = await register(a, "Admin key");

    const support = await signIn(t, await makePerson(t, "support"));
    expect((await support.delete(`/api/admin/users/${locked.id}/mfa`, { json: { reason: "lost" } })).status).toBe(403);
    expect((await a.delete(`/api/admin/users/${locked.id}/mfa`, { json: {} })).body.error.code).toBe("INVALID_INPUT");
    expect((await a.delete(`/api/admin/users/${locked.id}/mfa`, { json: { reason: " " } })).body.error.code).toBe("REASON_REQUIRED");
    const stale = await a.delete(`/api/admin/users/${locked.id}/mfa`, { json: { reason: "Lost key, identity checked by phone" } });
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatchObject({ code: "REAUTH_REQUIRED", details: { stepUpWith: "passkey" } });
    expect(await lockedClient.whoami()).not.toBeNull();

    const done = await a.delete(`/api/admin/users/${locked.id}/mfa`, {
      json: { reason: "Lost key, identity checked by phone", stepUp: { method: "passkey", response: await stepUpAnswer(a, adminDevice) } },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({ reset: true, revokedSessions: 1 });
    expect(await lockedClient.whoami()).toBeNull();
    const relogin = await signIn(t, locked);
    expect((await relogin.get("/api/auth/mfa")).body.methods).toEqual([]);
  });
});
