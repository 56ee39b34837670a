"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { startImpersonation } from "@/lib/impersonation/service";
import { writeSessionCookie } from "@/lib/next/cookies";
import { requireActionSession } from "../../_lib/action-session";
import { formDataOf } from "../../_lib/form-data";

export interface StartImpersonationState {
  reason: string;
  ticket: string;
  /** Set once the server asked for the password, so the field stays even if the page thought it was not due. */
  needsPassword: boolean;
  error?: { code: string; message: string };
}

const Form = z.object({
  targetId: z.string().max(64).catch(""),
  reason: z.string().max(2000).catch(""),
  ticket: z.string().max(500).catch(""),
  password: z.string().max(1024).optional().catch(undefined),
});

/**
 * Sign In As. lib/impersonation decides everything (policy, reason, step-up) and audits every refusal;
 * this only maps the outcome: a new cookie and the home page, or the dialog again with the message and
 * the typed reason kept (never the password).
 */
export async function startImpersonationAction(previous: StartImpersonationState, formData: FormData): Promise<StartImpersonationState> {
  const { runtime, session, metadata } = await requireActionSession("/admin/users");
  const input = Form.parse(Object.fromEntries(formDataOf(formData)));
  const result = await startImpersonation(runtime.impersonation, {
    context: session,
    targetId: input.targetId,
    reason: input.reason,
    ticket: input.ticket,
    password: input.password,
    metadata,
  });
  if (!result.ok) {
    return {
      reason: input.reason,
      ticket: input.ticket,
      needsPassword: previous?.needsPassword === true || result.code === "REAUTH_REQUIRED",
      error: { code: result.code, message: result.message },
    };
  }
  await writeSessionCookie(runtime, result.value.token);
  redirect("/");
}
