"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { resetUserSecondFactors } from "@/lib/auth/mfa/admin-reset";
import { formStepUpAnswer } from "@/lib/next/step-up";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

const Form = z.object({ userId: z.string().max(64).catch(""), reason: z.string().max(2000).catch("") });

/** Thin: an admin resets a user's second factors; the step-up (password, code or a passkey's answer) comes with the post. */
export async function resetSecondFactorsAction(formData: FormData): Promise<void> {
  const form = formDataOf(formData);
  const input = Form.parse(Object.fromEntries(form));
  const page = isUuid(input.userId) ? `/admin/users/${input.userId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "admin");
  const stepUp = await formStepUpAnswer(runtime, form);
  const result = await resetUserSecondFactors(runtime, session, input.userId, { reason: input.reason, stepUp }, metadata);
  redirect(await flashRedirectPath(page, result.ok ? { notice: "mfa-reset" } : { error: result.code }));
}
