"use server";

import { redirect, RedirectType } from "next/navigation";
import { z } from "zod";
import { startImpersonation } from "@/lib/impersonation/service";
import { writeSessionCookie } from "@/lib/next/cookies";
import { passkeyFieldAnswer } from "@/lib/next/passkeys";
import { requireActionSession } from "../../_lib/action-session";
import { formDataOf } from "../../_lib/form-data";
import { rememberReturnPath } from "../../_lib/return-to";

export interface StartImpersonationState {
  reason: string;
  ticket: string;
  mode?: string;
  /** Set once the server asked for the password, so the field stays even if the page thought it was not due. */
  needsPassword: boolean;
  error?: { code: string; message: string };
}

// Reason and ticket are bounded by the service, which refuses an over-long one with a message; cutting
// or blanking it here would change what the admin wrote without telling them. The slice only bounds work.
const text = z
  .string()
  .catch("")
  .transform((v) => v.slice(0, 10_000));
const Form = z.object({
  targetId: z.string().max(64).catch(""),
  reason: text,
  ticket: text,
  mode: z.string().max(16).optional().catch(undefined),
  password: z.string().max(1024).optional().catch(undefined),
  code: z.string().max(64).optional().catch(undefined),
  passkey: z.string().max(40_000).optional().catch(undefined),
  returnTo: z.string().max(2048).optional().catch(undefined),
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
    mode: input.mode,
    password: input.password,
    code: input.code,
    passkey: await passkeyFieldAnswer(runtime, input.passkey),
    metadata,
  });
  if (!result.ok) {
    return {
      reason: input.reason,
      ticket: input.ticket,
      mode: input.mode,
      needsPassword: previous?.needsPassword === true || result.code === "REAUTH_REQUIRED" || result.code === "RATE_LIMITED",
      error: { code: result.code, message: result.message },
    };
  }
  await writeSessionCookie(runtime, result.value.token);
  await rememberReturnPath(runtime, input.returnTo);
  // Replace: the dialog's address leaves the history, so Back after Stop never opens it again.
  redirect("/", RedirectType.replace);
}
