"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requestPasswordReset } from "@/lib/account/password-reset";
import { afterResponse } from "@/lib/next/after-response";
import { requestMetadata } from "@/lib/next/request-meta";
import { getRuntime } from "@/lib/runtime";
import { guardSessionlessAction } from "../../_lib/action-session";
import { formDataOf } from "../../_lib/form-data";
import { waitText } from "../../_lib/format";

export interface ForgotPasswordState {
  email: string;
  error?: { code: string; message: string };
}

const Form = z.object({ email: z.string().max(320).catch("") });

/**
 * Thin: parse, call lib/account/password-reset, then the confirmation page. Whether the email has an account
 * is never known here: the confirmation is the same page for every accepted request.
 */
export async function forgotPasswordAction(_previous: ForgotPasswordState, formData: FormData): Promise<ForgotPasswordState> {
  await guardSessionlessAction("/forgot-password");
  const input = Form.parse(Object.fromEntries(formDataOf(formData)));
  const runtime = await getRuntime();
  const result = await requestPasswordReset(runtime.passwordReset, { email: input.email }, await requestMetadata(), afterResponse);
  if (!result.ok) {
    if (result.code === "RATE_LIMITED") {
      const retryAfter = Number(result.details?.retryAfter ?? 3600);
      return { email: input.email, error: { code: result.code, message: `Too many reset requests from your network. Try again in ${waitText(retryAfter)}.` } };
    }
    return { email: input.email, error: { code: result.code, message: result.message } };
  }
  redirect("/forgot-password?sent=1");
}
