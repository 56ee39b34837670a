import { findBulkJob, runBulkJob } from "@/lib/admin/bulk";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, requireApiAdmin } from "@/lib/next/api";
import { refusalResponse } from "@/lib/next/step-up";
import { presentBulkJob } from "../present";

const ROUTE = "/api/admin/users/bulk/[jobId]";

/** A bulk job's progress; only the admin who confirmed it sees it. */
export const GET = apiHandler(ROUTE, async (ctx) => {
  const session = await requireApiAdmin(ctx);
  const job = await findBulkJob(ctx.runtime.database.db, session, ctx.params.jobId ?? "");
  return job ? Response.json({ job: presentBulkJob(job) }) : jsonError("BULK_JOB_NOT_FOUND");
});

/**
 * Runs the job's next batches for a moment (its confirmation's step-up authorised it; no new one is asked).
 * 200 once done, else 202: call again.
 */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const ran = await runBulkJob(ctx.runtime, session, ctx.params.jobId ?? "", metadataOf(ctx));
  if (!ran.ok) return refusalResponse(ran);
  return Response.json({ job: presentBulkJob(ran.value) }, { status: ran.value.state === "done" ? 200 : 202 });
});

export const PUT = methodNotAllowed(ROUTE, ["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
