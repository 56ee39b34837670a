"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { cleanText, MAX_REASON_LENGTH } from "@/lib/impersonation/limits";
import { forceEndImpersonation } from "@/lib/impersonation/service";
import { isWellFormedSessionId } from "@/lib/session/token";
import { requireActionSession } from "../../_lib/action-session";
import { formDataOf } from "../../_lib/form-data";
import { flashRedirectPath } from "../../_lib/flash-cookie";

const PAGE = "/admin/impersonations";

/** End now, confirmed with a reason (./end): admins only; the impersonator's browser is back to their own identity on its next request. */
export async function endImpersonationAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata } = await requireActionSession(PAGE, "admin");
  const form = formDataOf(formData);
  const sessionId = z.string().max(128).catch("").parse(form.get("sessionId"));
  if (!isWellFormedSessionId(sessionId)) redirect(await flashRedirectPath(PAGE, { error: "INVALID_ID" }));
  const reason = cleanText(form.get("reason"));
  const confirmPage = `${PAGE}/end?${new URLSearchParams({ session: sessionId })}`;
  if (!reason) redirect(await flashRedirectPath(confirmPage, { error: "REASON_REQUIRED" }));
  if ([...reason].length > MAX_REASON_LENGTH) redirect(await flashRedirectPath(confirmPage, { error: "REASON_TOO_LONG" }));
  const result = await forceEndImpersonation(runtime.impersonation, session, sessionId, metadata, reason);
  redirect(await flashRedirectPath(PAGE, result.ok ? { notice: "impersonation-ended" } : { error: result.code }));
}
