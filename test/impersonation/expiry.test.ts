/**
 * An impersonation has a hard time limit. Past it, the same token answers the ADMIN again (the browser
 * needs no new cookie), and the expiry is audited exactly once even when requests race for it.
 * Time moves through the runtime's manual clock, never by sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { auditCount, impersonating, impersonationBackends } from "./setup";

for (const b of await impersonationBackends()) {
  describe.skipIf(!b.available)(`impersonation expiry on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis });
      if (b.redis) await rt.cache.breaker!.probeNow();
    });
    afterAll(async () => rt?.dispose());

    it("before the limit, the impersonation token still answers the target and nothing is expired", async () => {
      const imp = await impersonating(rt);
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 - 1000);
      const ctx = await rt.sessions.validateSessionWithCache(imp.token);
      expect(ctx?.user.id).toBe(imp.target.id);
      expect(ctx?.impersonator?.id).toBe(imp.admin.user.id);
      expect(await auditCount(rt, "impersonation.expire", imp.target.id)).toBe(0);
    });

    it("past the limit, the same token answers the admin's own session", async () => {
      const imp = await impersonating(rt);
      expect((await rt.sessions.validateSessionWithCache(imp.token))?.user.id).toBe(imp.target.id); // cached now
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 + 1);
      const ctx = await rt.sessions.validateSessionWithCache(imp.token);
      expect(ctx?.user.id).toBe(imp.admin.user.id);
      expect(ctx?.impersonation).toBeNull();
      expect(ctx?.impersonator).toBeNull();
      // And keeps doing so.
      expect((await rt.sessions.validateSessionWithCache(imp.token))?.user.id).toBe(imp.admin.user.id);
      expect(await auditCount(rt, "impersonation.expire", imp.target.id)).toBe(1);
    });

    it("two racing validations past the limit both answer the admin and audit exactly one expiry", async () => {
      const imp = await impersonating(rt);
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 + 1);
      const [a, b2] = await Promise.all([rt.sessions.validateSessionWithCache(imp.token), rt.sessions.validateSessionWithCache(imp.token)]);
      expect(a?.user.id).toBe(imp.admin.user.id);
      expect(b2?.user.id).toBe(imp.admin.user.id);
      expect(await auditCount(rt, "impersonation.expire", imp.target.id)).toBe(1);
    });

    it("the expired impersonation leaves the live list", async () => {
      const imp = await impersonating(rt);
      expect((await rt.sessions.listLiveImpersonations()).map((i) => i.id)).toContain(imp.context.sessionId);
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 + 1);
      expect((await rt.sessions.listLiveImpersonations()).map((i) => i.id)).not.toContain(imp.context.sessionId);
    });

    it("never outlives the admin's own session: an admin session that ends first ends the impersonation with it", async () => {
      const imp = await impersonating(rt);
      expect(imp.expiresAt).toBeLessThanOrEqual(imp.admin.context.absoluteExpiresAt);
      rt.clock.advance(rt.config.session.absoluteTtlS * 1000 + 1);
      expect(await rt.sessions.validateSessionWithCache(imp.token)).toBeNull();
    });
  });
}
