/**
 * Every way an impersonation ends writes exactly one end event with its cause, and leaves the admin where
 * that cause should: back on their own session (with a notice) when only the impersonation ended, signed
 * out when their own session went with it. Also: no module deletes session rows except lib/session/endings.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeUserRole, revokeAllSessionsOf, setUserBanned } from "@/lib/admin/user-admin";
import { IMPERSONATION_END_CAUSES, listAuditEvents } from "@/lib/audit/audit";
import { logout } from "@/lib/auth/logout";
import { forceEndImpersonation, listAccessesTo, startImpersonation, stopImpersonation } from "@/lib/impersonation/service";
import { setUserStatus } from "@/lib/users/users";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { createUser, TEST_PASSWORD } from "../support/fixtures";
import { impersonating, impersonationBackends, REASON, signedIn } from "./setup";

const END_ACTIONS = Object.keys(IMPERSONATION_END_CAUSES);

for (const b of await impersonationBackends()) {
  describe.skipIf(!b.available)(`impersonation endings on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis });
      if (b.redis) await rt.cache.breaker!.probeNow();
    });
    afterAll(async () => rt?.dispose());

    const validate = (token: string) => rt.sessions.validateSessionWithCache(token);
    /** Every end event of impersonations of `targetId`, whatever its cause. */
    const endEvents = async (targetId: string) => (await listAuditEvents(rt.database.db, { subjectId: targetId, actions: END_ACTIONS })).items;
    const startEvent = async (targetId: string) => (await listAuditEvents(rt.database.db, { subjectId: targetId, action: "impersonation.start" })).items[0]!;

    /** Exactly one end event, of `action`, paired with the start by its accessId. */
    async function expectOneEnd(targetId: string, action: keyof typeof IMPERSONATION_END_CAUSES) {
      const events = await endEvents(targetId);
      expect(events.map((e) => e.action)).toEqual([action]);
      const [event] = events;
      expect(event!.metadata).toMatchObject({ cause: IMPERSONATION_END_CAUSES[action] });
      expect(event!.metadata?.accessId).toBe((await startEvent(targetId)).metadata?.accessId);
      return event!;
    }

    it("stop: one stop event, and the admin continues on a fresh token without a notice", async () => {
      const imp = await impersonating(rt);
      const stopped = await stopImpersonation(rt.impersonation, imp.context, {});
      expect(stopped.ok).toBe(true);
      await expectOneEnd(imp.target.id, "impersonation.stop");
      const back = await validate(stopped.ok ? stopped.value.token! : "");
      expect(back?.user.id).toBe(imp.admin.user.id);
      expect(back?.returnNotice ?? null).toBeNull();
      expect(await stopImpersonation(rt.impersonation, imp.context, {})).toMatchObject({ ok: false, code: "NOT_IMPERSONATING" });
      expect(await endEvents(imp.target.id)).toHaveLength(1);
    });

    it("expire: one expire event, and the same token answers the admin with a notice of when it ended", async () => {
      const imp = await impersonating(rt);
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 + 5000);
      const back = await validate(imp.token);
      expect(back?.user.id).toBe(imp.admin.user.id);
      expect(back?.impersonation).toBeNull();
      expect(back?.returnNotice).toEqual({ cause: "expire", targetName: imp.target.name, endedAt: imp.expiresAt, byName: null });
      const event = await expectOneEnd(imp.target.id, "impersonation.expire");
      expect(event.actor?.id).toBe(imp.admin.user.id);
    });

    it("force_end: one event naming the admin who ended it; the impersonator is back with a notice saying who", async () => {
      const imp = await impersonating(rt);
      const boss = await signedIn(rt, "admin");
      const ended = await forceEndImpersonation(rt.impersonation, boss.context, imp.context.sessionId, {}, "Ticket closed, access no longer needed");
      expect(ended.ok).toBe(true);
      const event = await expectOneEnd(imp.target.id, "impersonation.force_end");
      expect(event.actor?.id).toBe(boss.user.id);
      expect(event.reason).toBe("Ticket closed, access no longer needed");
      expect(event.metadata).toMatchObject({ endedBy: boss.user.id, impersonatorId: imp.admin.user.id });
      const back = await validate(imp.token);
      expect(back?.user.id).toBe(imp.admin.user.id);
      expect(back?.impersonation).toBeNull();
      expect(back?.returnNotice).toMatchObject({ cause: "force_end", targetName: imp.target.name, byName: boss.user.name });
    });

    it("End now on an impersonation that already ended says so, writes nothing, and leaves the admin's session alone", async () => {
      const imp = await impersonating(rt);
      const boss = await signedIn(rt, "admin");
      expect((await forceEndImpersonation(rt.impersonation, boss.context, imp.context.sessionId, {})).ok).toBe(true);
      const again = await forceEndImpersonation(rt.impersonation, boss.context, imp.context.sessionId, {});
      expect(again).toMatchObject({ ok: false, code: "IMPERSONATION_ALREADY_ENDED" });
      expect(await endEvents(imp.target.id)).toHaveLength(1);
      expect((await validate(imp.token))?.user.id).toBe(imp.admin.user.id);
    });

    it("End now on an id that never was an impersonation answers SESSION_NOT_FOUND", async () => {
      const boss = await signedIn(rt, "admin");
      expect(await forceEndImpersonation(rt.impersonation, boss.context, "a".repeat(64), {})).toMatchObject({ ok: false, code: "SESSION_NOT_FOUND" });
    });

    it("actor_signed_out: signing out while impersonating ends both sessions with one end event beside the logout", async () => {
      const imp = await impersonating(rt);
      await logout(rt, imp.token, { ip: "127.0.0.1" });
      await expectOneEnd(imp.target.id, "impersonation.actor_signed_out");
      expect((await listAuditEvents(rt.database.db, { subjectId: imp.target.id, action: "auth.logout" })).total).toBe(1);
      expect(await validate(imp.token)).toBeNull();
      expect(await rt.sessions.listUserSessions(imp.admin.user.id)).toHaveLength(0);
    });

    it("target_banned: a ban of the target returns the admin to their own session with a notice, not a logout", async () => {
      const imp = await impersonating(rt);
      expect((await validate(imp.token))?.user.id).toBe(imp.target.id); // cached on every tier
      const boss = await signedIn(rt, "admin");
      expect((await setUserBanned(rt, boss.context, imp.target.id, true, {}, "Fraudulent chargebacks")).ok).toBe(true);
      const event = await expectOneEnd(imp.target.id, "impersonation.target_banned");
      expect(event.actor?.id).toBe(boss.user.id);
      const back = await validate(imp.token);
      expect(back?.user.id).toBe(imp.admin.user.id);
      expect(back?.impersonation).toBeNull();
      expect(back?.returnNotice).toMatchObject({ cause: "target_banned", targetName: imp.target.name, byName: boss.user.name });
    });

    it("target_banned found on validation (the status changed outside the ban path) still hands the admin back, audited once", async () => {
      const imp = await impersonating(rt);
      await setUserStatus(rt.database.db, imp.target.id, "banned");
      await rt.sessions.dropUserFromCache(imp.target.id);
      const back = await validate(imp.token);
      expect(back?.user.id).toBe(imp.admin.user.id);
      expect(back?.returnNotice).toMatchObject({ cause: "target_banned", byName: null });
      await expectOneEnd(imp.target.id, "impersonation.target_banned");
    });

    it("actor_revoked: banning the impersonating admin ends it once and signs them out", async () => {
      const imp = await impersonating(rt);
      const boss = await signedIn(rt, "admin");
      expect((await setUserBanned(rt, boss.context, imp.admin.user.id, true, {})).ok).toBe(true);
      const event = await expectOneEnd(imp.target.id, "impersonation.actor_revoked");
      expect(event.actor?.id).toBe(boss.user.id);
      expect(await validate(imp.token)).toBeNull();
    });

    it("actor_revoked: revoking all of the admin's sessions ends it once", async () => {
      const imp = await impersonating(rt);
      const boss = await signedIn(rt, "admin");
      expect((await revokeAllSessionsOf(rt, boss.context, imp.admin.user.id, {})).ok).toBe(true);
      await expectOneEnd(imp.target.id, "impersonation.actor_revoked");
      expect(await validate(imp.token)).toBeNull();
    });

    it("actor_revoked: a demotion ends it once on the next request, and the admin continues as themselves", async () => {
      const imp = await impersonating(rt);
      const boss = await signedIn(rt, "admin");
      expect((await changeUserRole(rt, boss.context, imp.admin.user.id, "user", {})).ok).toBe(true);
      const [a, c] = await Promise.all([validate(imp.token), validate(imp.token)]);
      expect(a?.user.id).toBe(imp.admin.user.id);
      expect(c?.user.id).toBe(imp.admin.user.id);
      await expectOneEnd(imp.target.id, "impersonation.actor_revoked");
    });

    it("force_end: revoking all sessions of the target ends the impersonation once, naming the admin, and hands back", async () => {
      const imp = await impersonating(rt);
      const boss = await signedIn(rt, "admin");
      expect((await revokeAllSessionsOf(rt, boss.context, imp.target.id, {}, "Suspicious sign-ins")).ok).toBe(true);
      const event = await expectOneEnd(imp.target.id, "impersonation.force_end");
      expect(event.actor?.id).toBe(boss.user.id);
      expect((await validate(imp.token))?.user.id).toBe(imp.admin.user.id);
    });

    it("grant_revoked: ending every impersonation of a user hands each admin back, one event each", async () => {
      const imp = await impersonating(rt);
      const ended = await rt.sessions.endImpersonationsOf(imp.target.id, {
        by: imp.target.id,
        ended: "impersonation.grant_revoked",
        actorGone: "impersonation.grant_revoked",
      });
      expect(ended).toBe(1);
      await expectOneEnd(imp.target.id, "impersonation.grant_revoked");
      const back = await validate(imp.token);
      expect(back?.user.id).toBe(imp.admin.user.id);
      expect(back?.returnNotice).toMatchObject({ cause: "grant_revoked", byName: imp.target.name });
    });

    it("expire via the prune job: an impersonation nobody came back for gets its one expiry event when pruned", async () => {
      const imp = await impersonating(rt);
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 + 25 * 3600 * 1000);
      await rt.sessions.pruneExpired();
      await expectOneEnd(imp.target.id, "impersonation.expire");
      await rt.sessions.pruneExpired();
      expect(await endEvents(imp.target.id)).toHaveLength(1);
    });

    it("the access history shows one closed entry with its duration for stop, expiry, force-end, sign-out and ban", async () => {
      const target = await createUser(rt.database.db);
      const boss = await signedIn(rt, "admin");
      const startAs = async () => {
        const admin = await signedIn(rt, "admin");
        const started = await startImpersonation(rt.impersonation, { context: admin.context, targetId: target.id, reason: REASON, metadata: {} });
        if (!started.ok) throw new Error(started.code);
        return { token: started.value.token, context: (await validate(started.value.token))! };
      };
      const minute = 60_000;
      let imp = await startAs();
      rt.clock.advance(2 * minute);
      await stopImpersonation(rt.impersonation, imp.context, {});
      imp = await startAs();
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 + minute);
      await validate(imp.token);
      imp = await startAs();
      rt.clock.advance(3 * minute);
      await forceEndImpersonation(rt.impersonation, boss.context, imp.context.sessionId, {});
      imp = await startAs();
      rt.clock.advance(4 * minute);
      await logout(rt, imp.token, {});
      imp = await startAs();
      rt.clock.advance(5 * minute);
      // The boss signed in long ago by now: the ban asks for the step-up (lib/auth/step-up-rule).
      expect((await setUserBanned(rt, boss.context, target.id, true, {}, undefined, { password: TEST_PASSWORD })).ok).toBe(true);

      const entries = await listAccessesTo(rt.database.db, target.id, "name", rt.clock());
      expect(entries.map((e) => [e.endedHow, e.durationS, e.state])).toEqual([
        ["target_banned", 300, "ended"],
        ["actor_signed_out", 240, "ended"],
        ["force_end", 180, "ended"],
        ["expire", rt.config.impersonation.ttlS, "ended"],
        ["stop", 120, "ended"],
      ]);
      expect(entries[2]).toMatchObject({ endedBy: boss.user.name, reason: REASON });
      expect(entries.every((e) => e.to !== null)).toBe(true);
    });

    it("a running access is listed as running, with no end, until it ends", async () => {
      const imp = await impersonating(rt);
      const [entry] = await listAccessesTo(rt.database.db, imp.target.id, "role", rt.clock());
      expect(entry).toMatchObject({ state: "running", to: null, endedHow: null, by: "an administrator" });
      rt.clock.advance(rt.config.impersonation.ttlS * 1000 + 1000);
      // Past its limit, before any request noticed: shown as expired at its limit.
      const [lapsed] = await listAccessesTo(rt.database.db, imp.target.id, "role", rt.clock());
      expect(lapsed).toMatchObject({ state: "ended", endedHow: "expire", durationS: rt.config.impersonation.ttlS });
    });

    it("an unchanged role changes nothing and writes nothing", async () => {
      const boss = await signedIn(rt, "admin");
      const other = await signedIn(rt, "support");
      const saved = await changeUserRole(rt, boss.context, other.user.id, "support", {});
      expect(saved).toMatchObject({ ok: true, value: { changed: false } });
      expect((await listAuditEvents(rt.database.db, { subjectId: other.user.id, action: "user.role" })).total).toBe(0);
      const changed = await changeUserRole(rt, boss.context, other.user.id, "user", {}, "No longer on the support rota");
      expect(changed).toMatchObject({ ok: true, value: { changed: true } });
      const [event] = (await listAuditEvents(rt.database.db, { subjectId: other.user.id, action: "user.role" })).items;
      expect(event?.metadata).toMatchObject({ before: { role: "support" }, after: { role: "user" } });
      expect(event?.reason).toBe("No longer on the support rota");
    });

    it("a ban records the status before and after", async () => {
      const boss = await signedIn(rt, "admin");
      const other = await signedIn(rt, "user");
      expect((await setUserBanned(rt, boss.context, other.user.id, true, {}, "Spam")).ok).toBe(true);
      const [event] = (await listAuditEvents(rt.database.db, { subjectId: other.user.id, action: "user.ban" })).items;
      expect(event?.metadata).toMatchObject({ before: { status: "active" }, after: { status: "banned" } });
    });
  });
}

describe("session rows leave Postgres one way", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const files = ["lib", "app", "scripts"].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".test.ts"))
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/")),
  );
  const deletesSessions = (text: string) => /\.delete\(\s*sessions\s*\)|delete\s+from\s+"?sessions"?/i.test(text);

  it("only lib/session/endings.ts deletes from the sessions table (so every impersonation gets its end event)", () => {
    const offenders = files.filter((f) => deletesSessions(readFileSync(path.join(root, f), "utf8")));
    expect(offenders).toEqual(["lib/session/endings.ts"]);
  });

  it("the check recognises a delete written either way", () => {
    expect(deletesSessions("await tx.delete(sessions).where(x)")).toBe(true);
    expect(deletesSessions('sql`DELETE FROM "sessions" WHERE id = ${id}`')).toBe(true);
    expect(deletesSessions("await tx.delete(users)")).toBe(false);
  });
});
