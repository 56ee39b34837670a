"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { resetUserSecondFactors } from "@/lib/auth/mfa/admin-reset";
import { passkeyFieldAnswer } from "@/lib/next/passkeys";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

const Form = z.object({ userId: z.string().max(64).catch(""), reason: z.string().max(2000).catch(""), code: z.string().max(64).catch(""), passkey: z.string().max(40_000).optional().catch(undefined) });

/** Thin: an admin resets a user's second factors; the step-up (a passkey's answer or a code) comes with the post. */
export async function resetSecondFactorsAction(formData: FormData): Promise<void> {
  const input = Form.parse(Object.fromEntries(formDataOf(formData)));
  const page = isUuid(input.userId) ? `/admin/users/${input.userId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "admin");
  const code = input.code.trim();
  const passkey = await passkeyFieldAnswer(runtime, input.passkey);
  const stepUp = passkey ?? (code ? { method: "totp" as const, code } : null);
  const result = await resetUserSecondFactors(runtime.mfa, session, input.userId, { reason: input.reason, stepUp }, metadata);
  redirect(await flashRedirectPath(page, result.ok ? { notice: "mfa-reset" } : { error: result.code }));
}
