"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { resetUserSecondFactors } from "@/lib/auth/mfa/admin-reset";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

const Form = z.object({ userId: z.string().max(64).catch(""), reason: z.string().max(2000).catch(""), code: z.string().max(64).catch("") });

/** Thin: an admin resets a user's second factors. A passkey step-up happened before the post (the page's script). */
export async function resetSecondFactorsAction(formData: FormData): Promise<void> {
  const input = Form.parse(Object.fromEntries(formDataOf(formData)));
  const page = isUuid(input.userId) ? `/admin/users/${input.userId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "admin");
  const code = input.code.trim();
  const result = await resetUserSecondFactors(runtime.mfa, session, input.userId, { reason: input.reason, stepUp: code ? { method: "totp", code } : null }, metadata);
  redirect(await flashRedirectPath(page, result.ok ? { notice: "mfa-reset" } : { error: result.code }));
}
