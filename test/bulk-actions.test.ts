/**
 * Bulk actions (lib/admin/bulk.ts) on real PostgreSQL and real Redis: 10,000 users banned in bounded batches
 * with one audit row each plus one for the job, every session ended and refused by the cache; a job that dies
 * mid-way resumes without repeating or half-auditing anyone; skipped users are reported; a role change in bulk;
 * and an "all matching" snapshot never picks up users created after the confirmation.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BULK_BATCH_SIZE, bulkSkipCode, createBulkJob, runBulkJob } from "@/lib/admin/bulk";
import { auditEvents, bulkJobs, sessions, users } from "@/lib/db/schema";
import type { SessionContext } from "@/lib/session/types";
import { findUserIdsMatching, userFilterCondition } from "@/lib/users/users";
import { createUser, TEST_PASSWORD } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { probePostgres, probeRedis } from "./support/services";

const pg = await probePostgres();
const redis = await probeRedis();
const metadata = { ip: "198.51.100.30", userAgent: "bulk-test" };

describe.skipIf(!pg.ok || !redis.ok)("bulk actions (PostgreSQL + Redis)", () => {
  let rt: TestRuntime;
  let actor: SessionContext;
  beforeAll(async () => {
    rt = await createTestRuntime({ backend: "postgres", redisUrl: redis.url });
    const admin = await createUser(rt.database.db, { role: "admin" });
    const { token } = await rt.sessions.createSession(admin.id, metadata);
    actor = (await rt.sessions.validateSessionWithCache(token))!;
  }, 300_000);
  afterAll(async () => rt?.dispose());

  /** `n` users named with `tag`, inserted in chunks (the ban, not the seeding, is under test). */
  async function seedUsers(n: number, tag: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ email: `${tag}-${i + k}@example.com`, name: `${tag} ${i + k}`, role: "user" as const, status: "active" as const, passwordHash: null }));
      ids.push(...(await rt.database.db.insert(users).values(rows).returning({ id: users.id })).map((r) => r.id));
    }
    return ids;
  }
  const auditCount = async (action: string, jobId: string) =>
    (await rt.database.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(and(eq(auditEvents.action, action as never), sql`${auditEvents.metadata}->>${action.startsWith("bulk.") ? "jobId" : "bulkJobId"} = ${jobId}`)))[0]!.n;

  it("bans 10,000 users in batches of 200, with 10,000 + 1 audit rows, and every session ended and refused with Redis up", async () => {
    const ids = await seedUsers(10_000, "tenk");
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      tokens.push(...(await Promise.all(ids.slice(i, i + 500).map(async (id) => (await rt.sessions.createSession(id, metadata)).token))));
    }
    // Warm the cache: every session is in Redis before the ban.
    for (let i = 0; i < tokens.length; i += 500) await Promise.all(tokens.slice(i, i + 500).map((t) => rt.sessions.validateSessionWithCache(t)));

    const created = await createBulkJob(rt, actor, { action: "ban", reason: "Spam wave", userIds: ids, filter: { q: "tenk" }, stepUp: {} }, metadata);
    if (!created.ok) throw new Error(created.code);
    const sizes: number[] = [];
    const done = await runBulkJob(rt, actor, created.value.id, metadata, { budgetMs: Number.POSITIVE_INFINITY, inBatch: ({ size }) => void sizes.push(size) });
    expect(done).toMatchObject({ ok: true, value: { state: "done", changed: 10_000, position: 10_000, batches: 50, skipped: [] } });
    expect(sizes).toEqual(Array(10_000 / BULK_BATCH_SIZE).fill(BULK_BATCH_SIZE));

    expect(await auditCount("user.ban", created.value.id)).toBe(10_000);
    expect(await auditCount("bulk.ban", created.value.id)).toBe(1);
    const [left] = await rt.database.db.select({ n: sql<number>`count(*)::int` }).from(sessions).where(inArray(sessions.userId, ids));
    expect(left!.n).toBe(0);
    const [banned] = await rt.database.db.select({ n: sql<number>`count(*)::int` }).from(users).where(and(inArray(users.id, ids), eq(users.status, "banned")));
    expect(banned!.n).toBe(10_000);
    for (let i = 0; i < tokens.length; i += 500) {
      const answers = await Promise.all(tokens.slice(i, i + 500).map((t) => rt.sessions.validateSessionWithCache(t)));
      expect(answers.filter((a) => a !== null)).toHaveLength(0);
    }
  }, 600_000);

  it("resumes a job that died mid-way: finished batches stay committed and audited, the rest runs once", async () => {
    const ids = await seedUsers(1_000, "resume");
    const created = await createBulkJob(rt, actor, { action: "revoke_all", reason: "Password leak", userIds: ids, filter: null, stepUp: {} }, metadata);
    if (!created.ok) throw new Error(created.code);
    const crash = runBulkJob(rt, actor, created.value.id, metadata, {
      budgetMs: Number.POSITIVE_INFINITY,
      inBatch: ({ index }) => {
        if (index === 2) throw new Error("process died");
      },
    });
    await expect(crash).rejects.toThrow("process died");
    const [half] = await rt.database.db.select({ position: bulkJobs.position, changed: bulkJobs.changed }).from(bulkJobs).where(eq(bulkJobs.id, created.value.id));
    expect(half).toMatchObject({ position: 2 * BULK_BATCH_SIZE, changed: 2 * BULK_BATCH_SIZE });
    expect(await auditCount("session.revoke_all", created.value.id)).toBe(2 * BULK_BATCH_SIZE);
    expect(await auditCount("bulk.revoke_all", created.value.id)).toBe(0);

    const resumed = await runBulkJob(rt, actor, created.value.id, metadata, { budgetMs: Number.POSITIVE_INFINITY });
    expect(resumed).toMatchObject({ ok: true, value: { state: "done", changed: 1_000, batches: 5 } });
    expect(await auditCount("session.revoke_all", created.value.id)).toBe(1_000);
    expect(await auditCount("bulk.revoke_all", created.value.id)).toBe(1);
  }, 300_000);

  it("stops at the time budget and continues where it stopped on the next request", async () => {
    const ids = await seedUsers(450, "budget");
    const created = await createBulkJob(rt, actor, { action: "ban", reason: "Budget check", userIds: ids, filter: null, stepUp: {} }, metadata);
    if (!created.ok) throw new Error(created.code);
    const first = await runBulkJob(rt, actor, created.value.id, metadata, { budgetMs: 0 });
    expect(first).toMatchObject({ ok: true, value: { state: "running", position: 0 } });
    const once = await runBulkJob(rt, actor, created.value.id, metadata, { budgetMs: 1 });
    expect(once.ok && once.value.position).toBeGreaterThan(0);
    const rest = await runBulkJob(rt, actor, created.value.id, metadata, { budgetMs: Number.POSITIVE_INFINITY });
    expect(rest).toMatchObject({ ok: true, value: { state: "done", changed: 450, batches: 3 } });
  }, 120_000);

  it("skips and reports the actor, higher roles and users already in the target state", async () => {
    const already = await createUser(rt.database.db, { status: "banned" });
    const plain = await createUser(rt.database.db);
    const support = await createUser(rt.database.db, { role: "support" });
    const created = await createBulkJob(rt, actor, { action: "ban", reason: "Mixed selection", userIds: [actor.user.id, already.id, plain.id, support.id], filter: null, stepUp: {} }, metadata);
    if (!created.ok) throw new Error(created.code);
    const done = await runBulkJob(rt, actor, created.value.id, metadata);
    expect(done.ok && done.value.changed).toBe(2);
    expect(done.ok && done.value.skipped).toEqual(expect.arrayContaining([{ id: actor.user.id, code: "CANNOT_CHANGE_SELF" }, { id: already.id, code: "UNCHANGED" }]));
    expect(await auditCount("user.ban", created.value.id)).toBe(2);
    expect(bulkSkipCode({ id: support.id, role: "support" }, { id: actor.user.id, role: "admin", status: "active" }, { action: "ban", role: null })).toBe("HIGHER_ROLE");
  });

  it("changes roles in bulk, skipping those who have the role already, one user.role row each with before and after", async () => {
    const ids = [...(await seedUsers(3, "rolebulk")), (await createUser(rt.database.db, { role: "support" })).id];
    const created = await createBulkJob(rt, actor, { action: "role", role: "support", reason: "New support rota", userIds: ids, filter: null, stepUp: {} }, metadata);
    if (!created.ok) throw new Error(created.code);
    const done = await runBulkJob(rt, actor, created.value.id, metadata);
    expect(done).toMatchObject({ ok: true, value: { changed: 3, skipped: [{ id: ids[3], code: "UNCHANGED" }] } });
    const rows = await rt.database.db.select({ metadata: auditEvents.metadata }).from(auditEvents).where(and(eq(auditEvents.action, "user.role"), sql`${auditEvents.metadata}->>'bulkJobId' = ${created.value.id}`));
    expect(rows.map((r) => r.metadata)).toEqual(Array(3).fill(expect.objectContaining({ before: { role: "user" }, after: { role: "support" } })));
  });

  it("an 'all matching' snapshot does not pick up users created after the confirmation", async () => {
    await seedUsers(5, "snapshotzz");
    const where = userFilterCondition({ q: "snapshotzz" });
    const created = await createBulkJob(rt, actor, { action: "ban", reason: "Snapshot check", userIds: await findUserIdsMatching(rt.database.db, where, 100), filter: { q: "snapshotzz" }, stepUp: {} }, metadata);
    if (!created.ok) throw new Error(created.code);
    const late = await createUser(rt.database.db, { name: "snapshotzz late" });
    const done = await runBulkJob(rt, actor, created.value.id, metadata);
    expect(done).toMatchObject({ ok: true, value: { changed: 5 } });
    const [row] = await rt.database.db.select({ status: users.status }).from(users).where(eq(users.id, late.id));
    expect(row!.status).toBe("active");
  });

  it("asks a stale session for the step-up before recording the job, and refuses another admin's job", async () => {
    const ids = await seedUsers(2, "stalebulk");
    rt.clock.advance((rt.stepUp.windowS + 1) * 1000);
    const stale = (await rt.sessions.validateSessionWithCache((await rt.sessions.createSession(actor.user.id, metadata)).token))!;
    const staleNow = { ...stale, lastAuthenticatedAt: 0 };
    expect(await createBulkJob(rt, staleNow, { action: "ban", reason: "Stale", userIds: ids, filter: null, stepUp: {} }, metadata)).toMatchObject({ ok: false, code: "REAUTH_REQUIRED", details: { stepUpWith: "password" } });
    const created = await createBulkJob(rt, staleNow, { action: "ban", reason: "Stale", userIds: ids, filter: null, stepUp: { password: TEST_PASSWORD } }, metadata);
    expect(created.ok).toBe(true);
    const other = await createUser(rt.database.db, { role: "admin" });
    const otherSession = (await rt.sessions.validateSessionWithCache((await rt.sessions.createSession(other.id, metadata)).token))!;
    if (created.ok) expect(await runBulkJob(rt, otherSession, created.value.id, metadata)).toMatchObject({ ok: false, code: "BULK_JOB_NOT_FOUND" });
  });
});
