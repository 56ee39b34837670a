import type { BulkJobRow } from "@/lib/db/schema";

/** A job as the API shows it: progress and the first skipped users (the full list stays on the job's page). */
export function presentBulkJob(job: BulkJobRow) {
  return {
    id: job.id,
    action: job.action,
    role: job.role,
    state: job.state,
    total: job.userIds.length,
    processed: job.position,
    changed: job.changed,
    skippedCount: job.skipped.length,
    skipped: job.skipped.slice(0, 100),
    batches: job.batches,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
