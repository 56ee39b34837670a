/**
 * Start and stop at the lib level, on PGlite and on PostgreSQL + Redis: tokens rotate both ways, and an
 * impersonation ends on the next request once its admin is revoked, demoted or banned.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeUserRole, setUserBanned } from "@/lib/admin/user-admin";
import { stopImpersonation } from "@/lib/impersonation/service";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { createUser } from "../support/fixtures";
import { auditCount, impersonating, impersonationBackends, signedIn } from "./setup";

for (const b of await impersonationBackends()) {
  describe.skipIf(!b.available)(`impersonation lifecycle on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis });
      if (b.redis) await rt.cache.breaker!.probeNow();
    });
    afterAll(async () => rt?.dispose());

    const validate = (token: string) => rt.sessions.validateSessionWithCache(token);

    it("start answers the target on the new token and kills the admin's token from before the start", async () => {
      const imp = await impersonating(rt);
      expect(imp.context.user.id).toBe(imp.target.id);
      expect(imp.context.impersonator?.id).toBe(imp.admin.user.id);
      expect(imp.token).not.toBe(imp.admin.token);
      expect(await validate(imp.admin.token)).toBeNull();
      expect(await auditCount(rt, "impersonation.start", imp.target.id)).toBe(1);
    });

    it("stop kills the impersonation token and returns a fresh token for the admin's own session", async () => {
      const imp = await impersonating(rt);
      const stopped = await stopImpersonation(rt.impersonation, imp.context, {});
      expect(stopped.ok).toBe(true);
      const fresh = stopped.ok ? stopped.value.token : null;
      expect(fresh).toBeTruthy();
      expect(fresh).not.toBe(imp.admin.token);
      expect(await validate(imp.token)).toBeNull();
      expect(await validate(imp.admin.token)).toBeNull();
      const back = await validate(fresh!);
      expect(back?.user.id).toBe(imp.admin.user.id);
      expect(back?.impersonation).toBeNull();
      expect(await auditCount(rt, "impersonation.stop", imp.target.id)).toBe(1);
      expect((await rt.sessions.listLiveImpersonations()).map((i) => i.id)).not.toContain(imp.context.sessionId);
    });

    it("stop on a session that is not impersonating is refused with NOT_IMPERSONATING", async () => {
      const admin = await signedIn(rt);
      const stopped = await stopImpersonation(rt.impersonation, admin.context, {});
      expect(stopped).toMatchObject({ ok: false, code: "NOT_IMPERSONATING" });
      expect((await validate(admin.token))?.user.id).toBe(admin.user.id);
    });

    it("revoking all of the admin's sessions ends the impersonation on the next request", async () => {
      const imp = await impersonating(rt);
      await rt.sessions.revokeUserSessionsWithCache(imp.admin.user.id);
      expect(await validate(imp.token)).toBeNull();
    });

    it("revoking someone else's sessions leaves the impersonation live", async () => {
      const imp = await impersonating(rt);
      const bystander = await signedIn(rt, "admin");
      await rt.sessions.revokeUserSessionsWithCache(bystander.user.id);
      expect((await validate(imp.token))?.user.id).toBe(imp.target.id);
    });

    describe("the impersonator losing their standing", () => {
      it("a demotion to user ends the impersonation on the next request, which answers their own session", async () => {
        const imp = await impersonating(rt);
        const boss = await signedIn(rt, "admin");
        expect((await changeUserRole(rt, boss.context, imp.admin.user.id, "user", {})).ok).toBe(true);
        const back = await validate(imp.token);
        expect(back?.user).toMatchObject({ id: imp.admin.user.id, role: "user" });
        expect(back?.impersonation).toBeNull();
        expect(await auditCount(rt, "impersonation.actor_revoked", imp.target.id)).toBe(1);
      });

      it("a demotion to support ends an impersonation of support staff", async () => {
        const imp = await impersonating(rt, "admin", "support");
        const boss = await signedIn(rt, "admin");
        expect((await changeUserRole(rt, boss.context, imp.admin.user.id, "support", {})).ok).toBe(true);
        const back = await validate(imp.token);
        expect(back?.user.id).toBe(imp.admin.user.id);
        expect(back?.impersonation).toBeNull();
      });

      it("a demotion to support keeps an impersonation of a user (support may do that)", async () => {
        const imp = await impersonating(rt, "admin", "user");
        const boss = await signedIn(rt, "admin");
        expect((await changeUserRole(rt, boss.context, imp.admin.user.id, "support", {})).ok).toBe(true);
        expect((await validate(imp.token))?.user.id).toBe(imp.target.id);
      });

      it("a ban ends the impersonation on the next request", async () => {
        const imp = await impersonating(rt);
        const boss = await signedIn(rt, "admin");
        expect((await setUserBanned(rt, boss.context, imp.admin.user.id, true, {})).ok).toBe(true);
        expect(await validate(imp.token)).toBeNull();
      });

      it("a target promoted to admin mid-impersonation ends it (nobody impersonates an admin)", async () => {
        const imp = await impersonating(rt);
        const boss = await signedIn(rt, "admin");
        expect((await changeUserRole(rt, boss.context, imp.target.id, "admin", {})).ok).toBe(true);
        const back = await validate(imp.token);
        expect(back?.user.id).toBe(imp.admin.user.id);
        expect(back?.impersonation).toBeNull();
      });

      it("an unrelated role change leaves the impersonation live", async () => {
        const imp = await impersonating(rt);
        const boss = await signedIn(rt, "admin");
        const other = await createUser(rt.database.db);
        expect((await changeUserRole(rt, boss.context, other.id, "support", {})).ok).toBe(true);
        expect((await validate(imp.token))?.user.id).toBe(imp.target.id);
      });
    });
  });
}
