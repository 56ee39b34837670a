"use server";

import { redirect } from "next/navigation";
import { createBulkJob, runBulkJob } from "@/lib/admin/bulk";
import { filterRecord, selectionIds } from "@/lib/admin/bulk-selection";
import { formStepUpAnswer } from "@/lib/next/step-up";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";
import { bulkRequestFields, paramsOfForm, parseBulkRequest } from "./bulk-query";

/** Thin: the confirmed bulk action becomes a job (ids fixed now), runs for a moment, then shows its progress. */
export async function confirmBulkAction(formData: FormData): Promise<void> {
  const form = formDataOf(formData);
  const request = parseBulkRequest(paramsOfForm(form));
  const confirmPage = request ? `/admin/users/bulk?${new URLSearchParams(bulkRequestFields(request))}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(confirmPage, "admin");
  if (!request) redirect(await flashRedirectPath("/admin/users", { error: "INVALID_INPUT" }));
  const userIds = await selectionIds(runtime.database.db, request.selection, new Date(runtime.clock()));
  const filter = "filter" in request.selection ? filterRecord(request.selection.filter) : null;
  const created = await createBulkJob(runtime, session, { action: request.action, role: request.role, reason: form.get("reason"), userIds, filter, stepUp: await formStepUpAnswer(runtime, form) }, metadata);
  if (!created.ok) redirect(await flashRedirectPath(confirmPage, { error: created.code }));
  await runBulkJob(runtime, session, created.value.id, metadata);
  redirect(`/admin/users/bulk/${created.value.id}`);
}

/** Continue (the job page's button, pressed by its script when JavaScript runs): the next batches, for a moment. */
export async function continueBulkAction(formData: FormData): Promise<void> {
  const jobId = String(formDataOf(formData).get("jobId") ?? "");
  const page = isUuid(jobId) ? `/admin/users/bulk/${jobId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "admin");
  const ran = await runBulkJob(runtime, session, jobId, metadata);
  if (!ran.ok) redirect(await flashRedirectPath("/admin/users", { error: ran.code }));
  redirect(page);
}
