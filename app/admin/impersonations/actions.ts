"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { forceEndImpersonation } from "@/lib/impersonation/service";
import { isWellFormedSessionId } from "@/lib/session/token";
import { requireActionSession } from "../../_lib/action-session";
import { formDataOf } from "../../_lib/form-data";
import { flashRedirectPath } from "../../_lib/flash-cookie";

const PAGE = "/admin/impersonations";

/** End now: admins only; the impersonator's browser is back to their own identity on its next request. */
export async function endImpersonationAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata } = await requireActionSession(PAGE, "admin");
  const sessionId = z.string().max(128).catch("").parse(formDataOf(formData).get("sessionId"));
  if (!isWellFormedSessionId(sessionId)) redirect(await flashRedirectPath(PAGE, { error: "INVALID_ID" }));
  const result = await forceEndImpersonation(runtime.impersonation, session, sessionId, metadata);
  redirect(await flashRedirectPath(PAGE, result.ok ? { notice: "impersonation-ended" } : { error: result.code }));
}
