/**
 * A staff request for access reaches the user: one notice in their region (answerable there) and one mail
 * linking to /account, written with the request's audit row; answering it, from anywhere, marks the notice
 * read in the answer's transaction. On PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerRequest, requestAccess } from "@/lib/impersonation/grants";
import { listNotifications, listOutbox } from "@/lib/notify/outbox";
import { dismissNotices, noticeRegionOf } from "@/lib/notify/own-notices";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { impersonationBackends, signedIn } from "../impersonation/setup";

const WHY = "The customer asked us to fix their invoice address";

for (const b of await impersonationBackends()) {
  describe.skipIf(!b.available)(`access request notices on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis });
    });
    afterAll(async () => rt?.dispose());

    async function asked(origin: string | null = "https://console.example.test") {
      const staff = await signedIn(rt, "admin");
      const owner = await signedIn(rt, "user");
      const request = await requestAccess(rt.grants, staff.context, { userId: owner.user.id, scope: "write", reason: WHY, origin }, {});
      if (!request.ok) throw new Error(request.code);
      return { staff, owner, requestId: request.value.id };
    }

    it("a request gives the user one answerable notice and one mail linking to their account page", async () => {
      const { staff, owner, requestId } = await asked();
      const region = await noticeRegionOf(rt.database, owner.context);
      expect(region.accesses).toEqual([]);
      expect(region.requests).toEqual([expect.objectContaining({ requestId, mode: "write", reason: WHY, by: { name: staff.user.name, role: "admin" } })]);
      const mail = (await listOutbox(rt.database.db, 500)).filter((m) => m.to === owner.user.email);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.mail?.subject).toBe("A staff member asks for access to your account");
      expect(mail[0]!.mail?.text).toContain("https://console.example.test/account");
      expect(mail[0]!.mail?.text).toContain(WHY);
    });

    it("without a known origin the mail names the account page by its path", async () => {
      const { owner } = await asked(null);
      const [mail] = (await listOutbox(rt.database.db, 500)).filter((m) => m.to === owner.user.email);
      expect(mail!.mail?.text).toMatch(/\n\/account\n/);
      expect(mail!.mail?.text).not.toMatch(/https?:\/\//);
    });

    it("approving marks the request's notice read; the region is empty again", async () => {
      const { owner, requestId } = await asked();
      const answered = await answerRequest(rt.grants, owner.context, { requestId, answer: "approve", window: "1h" }, {});
      expect(answered.ok).toBe(true);
      expect((await noticeRegionOf(rt.database, owner.context)).requests).toEqual([]);
      expect((await listNotifications(rt.database.db, owner.user.id))[0]!.readAt).not.toBeNull();
    });

    it("a refused answer (someone else's request) leaves the owner's notice unread", async () => {
      const { owner, requestId } = await asked();
      const stranger = await signedIn(rt, "user");
      expect(await answerRequest(rt.grants, stranger.context, { requestId, answer: "decline" }, {})).toMatchObject({ ok: false, code: "GRANT_NOT_FOUND" });
      expect((await noticeRegionOf(rt.database, owner.context)).requests).toHaveLength(1);
    });

    it("dismissing hides the notice but leaves the request open to answer on /account", async () => {
      const { owner, requestId } = await asked();
      const [notice] = (await noticeRegionOf(rt.database, owner.context)).requests;
      expect((await dismissNotices(rt.database.db, owner.context, [notice!.id])).ok).toBe(true);
      expect((await noticeRegionOf(rt.database, owner.context)).requests).toEqual([]);
      expect((await answerRequest(rt.grants, owner.context, { requestId, answer: "approve", window: "24h" }, {})).ok).toBe(true);
    });
  });
}
