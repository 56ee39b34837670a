/**
 * Bulk actions on users (ban, unban, revoke all sessions, change role). A confirmed selection becomes a
 * `bulk_jobs` row holding the user ids as they were at confirmation; the job then runs in bounded batches,
 * each one transaction that changes its users through the single-user steps (lib/admin/user-admin `apply*`,
 * which end sessions through lib/session/endings), writes one audit row per user changed, and moves the job's
 * position, all or nothing. So a crash leaves finished batches committed and audited and the rest resumable,
 * and no transaction grows with the selection. The batch's own audit row (`bulk.*`: count, filter, reason)
 * commits with its last batch.
 *
 * Who runs the batches: the request that confirmed the job, until a time budget, then the job's page (a
 * Continue button without JavaScript, automatic with it) or `POST /api/admin/users/bulk/[jobId]`. A request
 * never outlives its budget, and an abandoned job waits, consistent, until its admin continues it.
 */
import { eq, sql } from "drizzle-orm";
import { recordAuditEvent } from "../audit/audit";
import type { StepUpAnswer } from "../auth/step-up";
import type { StaffAction } from "../auth/step-up-rule";
import { bulkJobs, type BulkAction, type BulkJobRow, type UserRole } from "../db/schema";
import type { Db } from "../db/types";
import { fail, failWith, ok, type Result } from "../errors";
import { cleanText, MAX_REASON_LENGTH } from "../impersonation/limits";
import type { SessionContext, SessionMetadata } from "../session/types";
import { isUuid, lockUsersByIds, type PublicUser } from "../users/users";
import { applyBan, applyRevokeAll, applyRoleChange, stepUpFor, type UserAdminDeps } from "./user-admin";

/** Users per transaction: small enough that locks and WAL stay short, large enough that 10,000 users take 50. */
export const BULK_BATCH_SIZE = 200;
/** A selection larger than this is refused: narrow the filter (it also bounds the snapshot row). */
export const BULK_MAX_USERS = 50_000;
/** How long one request keeps running batches before it hands the rest to the job's page. */
export const BULK_TIME_BUDGET_MS = 5_000;

export const BULK_STAFF_ACTION: Record<BulkAction, StaffAction> = { ban: "user.ban", unban: "user.unban", revoke_all: "session.revoke_all", role: "user.role" };

export type BulkSkipCode = "CANNOT_CHANGE_SELF" | "HIGHER_ROLE" | "UNCHANGED" | "USER_NOT_FOUND";

export interface BulkJobInput {
  action: BulkAction;
  role?: UserRole;
  reason: unknown;
  /** The confirmed selection: ids picked row by row, or the ids the filter matched at confirmation. */
  userIds: string[];
  /** The filter those ids came from, for the audit (null when picked row by row). */
  filter: Record<string, string> | null;
  stepUp: StepUpAnswer;
}

const RANK: Record<UserRole, number> = { user: 0, support: 1, admin: 2 };

/** Why the actor leaves this user alone in this job, or null to change them. Pure; the job reports each skip. */
export function bulkSkipCode(actor: { id: string; role: UserRole }, target: Pick<PublicUser, "id" | "role" | "status">, job: { action: BulkAction; role: UserRole | null }): BulkSkipCode | null {
  if (target.id === actor.id) return "CANNOT_CHANGE_SELF";
  if (RANK[target.role] > RANK[actor.role]) return "HIGHER_ROLE";
  if (job.action === "ban" && target.status === "banned") return "UNCHANGED";
  if (job.action === "unban" && target.status === "active") return "UNCHANGED";
  if (job.action === "role" && target.role === job.role) return "UNCHANGED";
  return null;
}

/** Checks the request and the step-up, then records the job; nothing is changed yet. */
export async function createBulkJob(deps: UserAdminDeps, actor: SessionContext, input: BulkJobInput, metadata: SessionMetadata): Promise<Result<BulkJobRow>> {
  const reason = cleanText(input.reason);
  if (!reason) return fail("REASON_REQUIRED");
  if ([...reason].length > MAX_REASON_LENGTH) return fail("REASON_TOO_LONG");
  if (input.action === "role" && !input.role) return failWith("INVALID_INPUT", "Choose the new role.", { field: "role" });
  const userIds = [...new Set(input.userIds.filter(isUuid).map((id) => id.toLowerCase()))];
  if (userIds.length === 0) return fail("BULK_SELECTION_EMPTY");
  if (userIds.length > BULK_MAX_USERS) return fail("BULK_SELECTION_TOO_LARGE", { max: BULK_MAX_USERS });
  const stepped = await stepUpFor(deps, actor, BULK_STAFF_ACTION[input.action], input.stepUp, metadata);
  if (!stepped.ok) return stepped;
  const [row] = await deps.database.db
    .insert(bulkJobs)
    .values({
      actorId: actor.user.id,
      action: input.action,
      role: input.action === "role" ? input.role! : null,
      reason,
      filter: input.filter,
      userIds,
      ip: metadata.ip ?? null,
      userAgent: metadata.userAgent ?? null,
    })
    .returning();
  return ok(row!);
}

export async function findBulkJob(db: Db, actor: SessionContext, jobId: string): Promise<BulkJobRow | null> {
  if (!isUuid(jobId)) return null;
  const [row] = await db.select().from(bulkJobs).where(eq(bulkJobs.id, jobId));
  // A job is continued and shown only to the admin who confirmed it: their step-up is what authorised it.
  return row && row.actorId === actor.user.id ? row : null;
}

export interface RunOptions {
  budgetMs?: number;
  batchSize?: number;
  /** Called inside each batch's transaction before it commits (tests observe sizes and simulate a crash here). */
  inBatch?: (batch: { index: number; size: number; tx: Db }) => Promise<void> | void;
}

/**
 * Runs batches of the actor's job until it is done or the budget is spent; answers the job as it stands. The
 * job row is locked per batch, so two requests continuing the same job take turns and never repeat a user.
 */
export async function runBulkJob(deps: UserAdminDeps, actor: SessionContext, jobId: string, metadata: SessionMetadata, options: RunOptions = {}): Promise<Result<BulkJobRow>> {
  let job = await findBulkJob(deps.database.db, actor, jobId);
  if (!job) return fail("BULK_JOB_NOT_FOUND");
  const started = Date.now();
  const budget = options.budgetMs ?? BULK_TIME_BUDGET_MS;
  while (job.state === "running" && Date.now() - started < budget) {
    const next = await runBatch(deps, actor, job.id, metadata, options);
    // Gone meanwhile (its admin's account was deleted, and the job with it).
    if (!next) return fail("BULK_JOB_NOT_FOUND");
    job = next;
  }
  return ok(job);
}

async function runBatch(deps: UserAdminDeps, actor: SessionContext, jobId: string, metadata: SessionMetadata, options: RunOptions): Promise<BulkJobRow | null> {
  const invalidate: string[] = [];
  const job = await deps.database.db.transaction(async (raw) => {
    const tx = raw as unknown as Db;
    const [current] = await tx.select().from(bulkJobs).where(eq(bulkJobs.id, jobId)).for("update");
    if (!current || current.state !== "running") return current ?? null;
    const ids = current.userIds.slice(current.position, current.position + (options.batchSize ?? BULK_BATCH_SIZE));
    const targets = new Map((await lockUsersByIds(tx, ids)).map((u) => [u.id, u]));
    const skipped = [...current.skipped];
    let changed = 0;
    for (const id of ids) {
      const target = targets.get(id);
      const code = target ? bulkSkipCode({ id: actor.user.id, role: actor.user.role }, target, current) : "USER_NOT_FOUND";
      if (code || !target) {
        skipped.push({ id, code: code ?? "USER_NOT_FOUND" });
        continue;
      }
      const applied = await applyOne(tx, deps, actor, target, current, metadata);
      invalidate.push(...applied);
      changed += 1;
    }
    const position = current.position + ids.length;
    const done = position >= current.userIds.length;
    const totals = { changed: current.changed + changed, skipped, batches: current.batches + 1 };
    if (done) {
      await recordAuditEvent(tx, {
        action: `bulk.${current.action}`,
        actorId: actor.user.id,
        subjectId: null,
        reason: current.reason,
        metadata: { jobId: current.id, count: current.userIds.length, changed: totals.changed, skipped: skipped.length, filter: current.filter, role: current.role, batches: totals.batches },
        ip: metadata.ip,
        userAgent: metadata.userAgent,
      });
    }
    await options.inBatch?.({ index: current.batches, size: ids.length, tx });
    const [updated] = await tx
      .update(bulkJobs)
      .set({ position, ...totals, state: done ? "done" : "running", updatedAt: sql`now()`, finishedAt: done ? sql`now()` : null })
      .where(eq(bulkJobs.id, jobId))
      .returning();
    return updated ?? null;
  });
  // After the commit, so no cache tier can be refilled from rows the batch was still changing.
  await deps.sessions.invalidateCached(invalidate);
  return job;
}

/** One user's change, through the same step as the single-user action; answers the session ids to invalidate. */
async function applyOne(tx: Db, deps: UserAdminDeps, actor: SessionContext, target: PublicUser, job: BulkJobRow, metadata: SessionMetadata): Promise<string[]> {
  const extra = { bulkJobId: job.id };
  switch (job.action) {
    case "ban":
    case "unban":
      return (await applyBan(tx, deps, actor, target, job.action === "ban", metadata, job.reason, extra)).invalidate;
    case "revoke_all":
      return (await applyRevokeAll(tx, deps, actor, target, metadata, job.reason, extra)).invalidate;
    case "role":
      return (await applyRoleChange(tx, deps, actor, target, job.role!, metadata, job.reason, extra)).invalidate;
  }
}
