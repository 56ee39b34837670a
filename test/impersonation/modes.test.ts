/**
 * Impersonation modes and consent at the lib level, on PGlite and on PostgreSQL + Redis: `write` needs the
 * capability, the user's grant (under IMPERSONATION_CONSENT=write) and a fresh step-up; a grant allows it
 * until its window ends; revoking the grant ends the live impersonation on its next request, with Redis up
 * and with Redis down. Time moves through the runtime's manual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit/audit";
import { answerRequest, grantAccess, requestAccess, revokeGrant, type GrantDeps } from "@/lib/impersonation/grants";
import { startImpersonation } from "@/lib/impersonation/service";
import { createUser, TEST_PASSWORD } from "../support/fixtures";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { PrivateRedis, probePostgres, probeRedisServerBinary } from "../support/services";
import { impersonationBackends, REASON, signedIn } from "./setup";

// The deps the routes and actions use (runtime.grants), on the test runtime.
const grantDeps = (rt: TestRuntime): GrantDeps => rt.grants;

/** A target who is signed in (to grant from /account) and an admin whose step-up is fresh. */
async function cast(rt: TestRuntime, actorRole: "admin" | "support" = "admin") {
  const admin = await signedIn(rt, actorRole);
  const target = await signedIn(rt, "user");
  return { admin, target };
}

const start = (rt: TestRuntime, context: Parameters<typeof startImpersonation>[1]["context"], targetId: string, extra: Record<string, unknown> = {}) =>
  startImpersonation(rt.impersonation, { context, targetId, reason: REASON, metadata: { ip: "127.0.0.1" }, ...extra });

async function lastAudit(rt: TestRuntime, action: string, subjectId: string) {
  return (await listAuditEvents(rt.database.db, { action, subjectId })).items[0];
}

for (const b of await impersonationBackends()) {
  describe.skipIf(!b.available)(`impersonation modes and consent on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis });
      if (b.redis) await rt.cache.breaker!.probeNow();
    });
    afterAll(async () => rt?.dispose());

    it("starts read-only by default, with the mode in the context and the audit row", async () => {
      const { admin, target } = await cast(rt);
      const started = await start(rt, admin.context, target.user.id);
      expect(started).toMatchObject({ ok: true, value: { mode: "read" } });
      const context = await rt.sessions.validateSessionWithCache(started.ok ? started.value.token : "");
      expect(context?.impersonation).toMatchObject({ mode: "read", grantId: null });
      expect((await lastAudit(rt, "impersonation.start", target.user.id))?.metadata).toMatchObject({ mode: "read", grantId: null });
    });

    it("refuses write to support staff with WRITE_NOT_ALLOWED, even with the user's grant, and audits the mode", async () => {
      const { admin: support, target } = await cast(rt, "support");
      expect((await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "1h" }, {})).ok).toBe(true);
      const started = await start(rt, support.context, target.user.id, { mode: "write" });
      expect(started).toMatchObject({ ok: false, code: "WRITE_NOT_ALLOWED" });
      expect((await lastAudit(rt, "impersonation.denied", target.user.id))?.metadata).toMatchObject({ code: "WRITE_NOT_ALLOWED", mode: "write" });
    });

    it("refuses write without the user's grant with CONSENT_REQUIRED (IMPERSONATION_CONSENT=write)", async () => {
      const { admin, target } = await cast(rt);
      expect(await start(rt, admin.context, target.user.id, { mode: "write" })).toMatchObject({ ok: false, code: "CONSENT_REQUIRED" });
      expect(await rt.sessions.validateSessionWithCache(admin.token)).not.toBeNull(); // nothing rotated
    });

    it("refuses write when the grant is read-only: a read grant does not cover changes", async () => {
      const { admin, target } = await cast(rt);
      await grantAccess(grantDeps(rt), target.context, { scope: "read", window: "24h" }, {});
      expect(await start(rt, admin.context, target.user.id, { mode: "write" })).toMatchObject({ ok: false, code: "CONSENT_REQUIRED" });
    });

    it("refuses write with a stale step-up (REAUTH_REQUIRED), then allows it with the password again", async () => {
      const { admin, target } = await cast(rt);
      await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "7d" }, {});
      rt.clock.advance((rt.config.impersonation.reauthWindowS + 1) * 1000);
      const stale = (await rt.sessions.validateSessionWithCache(admin.token))!;
      expect(await start(rt, stale, target.user.id, { mode: "write" })).toMatchObject({ ok: false, code: "REAUTH_REQUIRED" });
      const started = await start(rt, stale, target.user.id, { mode: "write", password: TEST_PASSWORD });
      expect(started).toMatchObject({ ok: true, value: { mode: "write" } });
    });

    it("allows write with the capability, the grant and a fresh step-up; the context carries mode and grant", async () => {
      const { admin, target } = await cast(rt);
      const grant = await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "1h" }, {});
      const started = await start(rt, admin.context, target.user.id, { mode: "write" });
      expect(started.ok).toBe(true);
      const context = await rt.sessions.validateSessionWithCache(started.ok ? started.value.token : "");
      expect(context?.impersonation).toMatchObject({ mode: "write", grantId: grant.ok ? grant.value.id : "" });
      // Never beyond the grant's window.
      expect(context!.impersonation!.expiresAt).toBeLessThanOrEqual(grant.ok ? grant.value.expiresAt!.getTime() : 0);
    });

    it("refuses an unknown mode with INVALID_INPUT", async () => {
      const { admin, target } = await cast(rt);
      expect(await start(rt, admin.context, target.user.id, { mode: "admin" })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    });

    it("allows write until the grant's window ends, then refuses it", async () => {
      const { target } = await cast(rt);
      await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "1h" }, {});
      rt.clock.advance(3600_000 - 60_000);
      const fresh = await signedIn(rt, "admin");
      expect((await start(rt, fresh.context, target.user.id, { mode: "write" })).ok).toBe(true);
      rt.clock.advance(60_000);
      const later = await signedIn(rt, "admin");
      expect(await start(rt, later.context, target.user.id, { mode: "write" })).toMatchObject({ ok: false, code: "CONSENT_REQUIRED" });
    });

    it("revoking the grant ends the live write impersonation on its next request, even when cached", async () => {
      const { admin, target } = await cast(rt);
      const grant = await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "24h" }, {});
      const started = await start(rt, admin.context, target.user.id, { mode: "write" });
      const token = started.ok ? started.value.token : "";
      expect((await rt.sessions.validateSessionWithCache(token))?.impersonation?.mode).toBe("write");
      expect((await rt.sessions.validateSessionWithCache(token))?.impersonation?.mode).toBe("write"); // from the cache
      const revoked = await revokeGrant(grantDeps(rt), target.context, grant.ok ? grant.value.id : "", {});
      expect(revoked).toEqual({ ok: true, value: { ended: 1 } });
      const after = await rt.sessions.validateSessionWithCache(token);
      expect(after?.impersonation ?? null).toBeNull(); // the browser is the admin again, or nobody
      expect(after?.user.id ?? admin.user.id).toBe(admin.user.id);
      expect((await lastAudit(rt, "impersonation.grant_revoked", target.user.id))?.metadata).toMatchObject({ mode: "write" });
      expect((await lastAudit(rt, "access.revoke", target.user.id))?.metadata).toMatchObject({ mode: "write" });
    });

    it("revoking a grant leaves an impersonation that relies on no grant live (the twin)", async () => {
      const { admin, target } = await cast(rt);
      const grant = await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "24h" }, {});
      const started = await start(rt, admin.context, target.user.id); // read: needs no grant
      await revokeGrant(grantDeps(rt), target.context, grant.ok ? grant.value.id : "", {});
      const context = await rt.sessions.validateSessionWithCache(started.ok ? started.value.token : "");
      expect(context?.impersonation?.mode).toBe("read");
      expect(context?.user.id).toBe(target.user.id);
    });

    it("refuses revoking someone else's grant with GRANT_NOT_FOUND and leaves it live", async () => {
      const { target } = await cast(rt);
      const other = await signedIn(rt, "user");
      const grant = await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "1h" }, {});
      expect(await revokeGrant(grantDeps(rt), other.context, grant.ok ? grant.value.id : "", {})).toMatchObject({ ok: false, code: "GRANT_NOT_FOUND" });
      const { admin } = await cast(rt);
      expect((await start(rt, admin.context, target.user.id, { mode: "write" })).ok).toBe(true);
    });

    it("refuses an impersonator granting consent on the user's behalf with FORBIDDEN_WHILE_IMPERSONATING", async () => {
      const { admin, target } = await cast(rt);
      const started = await start(rt, admin.context, target.user.id);
      const context = (await rt.sessions.validateSessionWithCache(started.ok ? started.value.token : ""))!;
      expect(await grantAccess(grantDeps(rt), context, { scope: "write", window: "7d" }, {})).toMatchObject({ ok: false, code: "FORBIDDEN_WHILE_IMPERSONATING" });
    });

    it("a staff request approved by the user becomes a grant; a declined one does not; each step is audited", async () => {
      const { admin, target } = await cast(rt);
      const asked = await requestAccess(grantDeps(rt), admin.context, { userId: target.user.id, scope: "write", reason: "Fix the broken invoice address" }, {});
      expect(asked.ok).toBe(true);
      expect(await requestAccess(grantDeps(rt), admin.context, { userId: target.user.id, scope: "write", reason: "again" }, {})).toMatchObject({ ok: false, code: "REQUEST_PENDING" });
      expect(await start(rt, admin.context, target.user.id, { mode: "write" })).toMatchObject({ ok: false, code: "CONSENT_REQUIRED" });
      const approved = await answerRequest(grantDeps(rt), target.context, { requestId: asked.ok ? asked.value.id : "", answer: "approve", window: "1h" }, {});
      expect(approved.ok).toBe(true);
      expect((await start(rt, admin.context, target.user.id, { mode: "write" })).ok).toBe(true);
      expect((await lastAudit(rt, "access.request", target.user.id))?.metadata).toMatchObject({ mode: "write" });
      expect((await lastAudit(rt, "access.approve", target.user.id))?.metadata).toMatchObject({ mode: "write" });

      const other = await signedIn(rt, "user");
      const second = await requestAccess(grantDeps(rt), (await signedIn(rt, "admin")).context, { userId: other.user.id, scope: "read", reason: "Check the dashboard" }, {});
      expect((await answerRequest(grantDeps(rt), other.context, { requestId: second.ok ? second.value.id : "", answer: "decline" }, {})).ok).toBe(true);
      expect((await lastAudit(rt, "access.decline", other.user.id))?.metadata).toMatchObject({ mode: "read" });
      // A declined request cannot be approved afterwards.
      expect(await answerRequest(grantDeps(rt), other.context, { requestId: second.ok ? second.value.id : "", answer: "approve", window: "1h" }, {})).toMatchObject({ ok: false, code: "GRANT_NOT_FOUND" });
    });

    it("refuses a support agent's request to access an admin with TARGET_IS_ADMIN", async () => {
      const support = await signedIn(rt, "support");
      const admin = await createUser(rt.database.db, { role: "admin" });
      expect(await requestAccess(grantDeps(rt), support.context, { userId: admin.id, scope: "read", reason: "Curious" }, {})).toMatchObject({ ok: false, code: "TARGET_IS_ADMIN" });
    });
  });
}

describe("IMPERSONATION_CONSENT=always and =off (PGlite)", () => {
  it("under `always` even a read-only impersonation needs a grant, and a read grant is enough", async () => {
    const rt = await createTestRuntime({ backend: "pglite", env: { IMPERSONATION_CONSENT: "always" } });
    try {
      const { admin, target } = await cast(rt);
      expect(await start(rt, admin.context, target.user.id)).toMatchObject({ ok: false, code: "CONSENT_REQUIRED" });
      await grantAccess(grantDeps(rt), target.context, { scope: "read", window: "1h" }, {});
      expect((await start(rt, admin.context, target.user.id)).ok).toBe(true);
    } finally {
      await rt.dispose();
    }
  });

  it("under `off` a write impersonation needs no grant (still the capability and the step-up)", async () => {
    const rt = await createTestRuntime({ backend: "pglite", env: { IMPERSONATION_CONSENT: "off" } });
    try {
      const { admin, target } = await cast(rt);
      expect((await start(rt, admin.context, target.user.id, { mode: "write" })).ok).toBe(true);
      const support = await signedIn(rt, "support");
      expect(await start(rt, support.context, (await signedIn(rt, "user")).user.id, { mode: "write" })).toMatchObject({ ok: false, code: "WRITE_NOT_ALLOWED" });
    } finally {
      await rt.dispose();
    }
  });
});

const pgUp = (await probePostgres()).ok;
describe.skipIf(!pgUp || !probeRedisServerBinary().ok)("revoking a grant with Redis down (PostgreSQL + a private Redis)", () => {
  let redis: PrivateRedis;
  let rt: TestRuntime;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    rt = await createTestRuntime({ backend: "postgres", redisUrl: redis.url });
    await rt.cache.breaker!.probeNow();
  });
  afterAll(async () => {
    await rt?.dispose();
    await redis?.stop();
  });

  it("ends the live impersonation on its next request while Redis is dead, and after it comes back", async () => {
    const { admin, target } = await cast(rt);
    const grant = await grantAccess(grantDeps(rt), target.context, { scope: "write", window: "24h" }, {});
    const started = await start(rt, admin.context, target.user.id, { mode: "write" });
    const token = started.ok ? started.value.token : "";
    expect((await rt.sessions.validateSessionWithCache(token))?.impersonation?.mode).toBe("write");
    expect((await rt.sessions.validateSessionWithCache(token))?.impersonation?.mode).toBe("write");
    await redis.kill();
    try {
      expect((await revokeGrant(grantDeps(rt), target.context, grant.ok ? grant.value.id : "", {})).ok).toBe(true);
      expect((await rt.sessions.validateSessionWithCache(token))?.impersonation ?? null).toBeNull();
    } finally {
      await redis.start();
    }
    await rt.cache.breaker!.probeNow();
    for (let i = 0; i < 3; i++) expect((await rt.sessions.validateSessionWithCache(token))?.impersonation ?? null).toBeNull();
  });
});
