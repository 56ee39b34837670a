import { z } from "zod";
import { createBulkJob, runBulkJob } from "@/lib/admin/bulk";
import { filterRecord, selectionIds, type BulkSelection } from "@/lib/admin/bulk-selection";
import { BULK_ACTIONS, USER_ROLES, USER_STATUSES } from "@/lib/db/schema";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, readJson, requireApiAdmin } from "@/lib/next/api";
import { refusalResponse, StepUpBody, stepUpAnswerOf } from "@/lib/next/step-up";
import { presentBulkJob } from "./present";

const ROUTE = "/api/admin/users/bulk";
const Body = StepUpBody.extend({
  action: z.enum(BULK_ACTIONS),
  role: z.enum(USER_ROLES).optional(),
  reason: z.string().max(2000),
  userIds: z.array(z.string().max(64)).max(50_001).optional(),
  filter: z.object({ q: z.string().max(200).optional(), role: z.enum(USER_ROLES).optional(), status: z.enum([...USER_STATUSES, "invited"]).optional() }).optional(),
}).refine((b) => (b.userIds === undefined) !== (b.filter === undefined), { message: "Give either userIds or filter." });

/**
 * Starts a bulk action (ban, unban, revoke_all, role) on picked users or on every user matching a filter (the
 * ids are fixed now). Admins only, with a step-up. Runs batches for a moment, then answers 202 with the job;
 * `POST /api/admin/users/bulk/[jobId]` continues it, `GET` shows its progress.
 */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const body = await readJson(ctx.request, Body);
  const metadata = metadataOf(ctx);
  const filter = body.filter ? { q: body.filter.q, role: body.filter.role, status: body.filter.status === "invited" ? undefined : body.filter.status, invited: body.filter.status === "invited" } : null;
  const selection: BulkSelection = filter ? { filter } : { userIds: body.userIds ?? [] };
  const userIds = await selectionIds(ctx.runtime.database.db, selection, new Date(ctx.runtime.clock()));
  const created = await createBulkJob(ctx.runtime, session, { action: body.action, role: body.role, reason: body.reason, userIds, filter: filter ? filterRecord(filter) : null, stepUp: stepUpAnswerOf(ctx, body) }, metadata);
  if (!created.ok) return refusalResponse(created);
  const ran = await runBulkJob(ctx.runtime, session, created.value.id, metadata);
  const job = ran.ok ? ran.value : created.value;
  return Response.json({ job: presentBulkJob(job) }, { status: 202, headers: { Location: `${ROUTE}/${job.id}` } });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
