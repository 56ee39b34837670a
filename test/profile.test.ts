/**
 * The display name (lib/account/profile.ts) on PGlite and on PostgreSQL + Redis: the owner renames and the
 * cached session context follows at once; a write impersonation renames for the user, audited with the
 * staff member as the actor and the mode; bad names are refused and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit/audit";
import { renameAccount } from "@/lib/account/profile";
import { grantAccess } from "@/lib/impersonation/grants";
import { startImpersonation } from "@/lib/impersonation/service";
import { findUserById } from "@/lib/users/users";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { impersonationBackends, REASON, signedIn } from "./impersonation/setup";

for (const b of await impersonationBackends()) {
  describe.skipIf(!b.available)(`renaming an account on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis });
      if (b.redis) await rt.cache.breaker!.probeNow();
    });
    afterAll(async () => rt?.dispose());

    it("the owner renames; the next validation (cache included) shows the new name, and the change is audited", async () => {
      const owner = await signedIn(rt, "user");
      expect(await renameAccount(rt, owner.context, "  Ada B. Lovelace ", {})).toEqual({ ok: true, value: { name: "Ada B. Lovelace", changed: true } });
      expect((await rt.sessions.validateSessionWithCache(owner.token))?.user.name).toBe("Ada B. Lovelace");
      const [event] = (await listAuditEvents(rt.database.db, { action: "user.rename", subjectId: owner.user.id })).items;
      expect(event).toMatchObject({ metadata: { before: { name: owner.user.name }, after: { name: "Ada B. Lovelace" } } });
      expect(event?.actor?.id).toBe(owner.user.id);
    });

    it("a write impersonation renames for the user, audited with the staff member as the actor and the mode", async () => {
      const admin = await signedIn(rt, "admin");
      const owner = await signedIn(rt, "user");
      expect((await grantAccess(rt.grants, owner.context, { scope: "write", window: "1h" }, {})).ok).toBe(true);
      const started = await startImpersonation(rt.impersonation, { context: admin.context, targetId: owner.user.id, reason: REASON, mode: "write", metadata: {} });
      if (!started.ok) throw new Error(started.code);
      const context = (await rt.sessions.validateSessionWithCache(started.value.token))!;
      expect((await renameAccount(rt, context, "Name fixed by support", {})).ok).toBe(true);
      expect((await findUserById(rt.database.db, owner.user.id))?.name).toBe("Name fixed by support");
      const [event] = (await listAuditEvents(rt.database.db, { action: "user.rename", subjectId: owner.user.id })).items;
      expect(event?.actor?.id).toBe(admin.user.id);
      expect(event?.metadata).toMatchObject({ mode: "write", impersonatorId: admin.user.id, actingAs: owner.user.id });
    });

    it("refuses an empty, blank, too long or non-text name with INVALID_INPUT and changes nothing", async () => {
      const owner = await signedIn(rt, "user");
      for (const name of ["", "   ", "x".repeat(201), 42, null, ["Ada"]]) {
        expect(await renameAccount(rt, owner.context, name, {}), JSON.stringify(name)).toMatchObject({ ok: false, code: "INVALID_INPUT" });
      }
      expect((await findUserById(rt.database.db, owner.user.id))?.name).toBe(owner.user.name);
      expect((await listAuditEvents(rt.database.db, { action: "user.rename", subjectId: owner.user.id })).total).toBe(0);
    });

    it("the same name again changes nothing and writes no audit row", async () => {
      const owner = await signedIn(rt, "user");
      expect(await renameAccount(rt, owner.context, owner.user.name, {})).toEqual({ ok: true, value: { name: owner.user.name, changed: false } });
      expect((await listAuditEvents(rt.database.db, { action: "user.rename", subjectId: owner.user.id })).total).toBe(0);
    });
  });
}
