"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { PASSWORD_LINK_PURPOSES } from "@/lib/account/account-tokens";
import { setPasswordWithLink } from "@/lib/account/set-password";
import { writeSessionCookie } from "@/lib/next/cookies";
import { requestMetadata } from "@/lib/next/request-meta";
import { getRuntime } from "@/lib/runtime";
import { guardSessionlessAction } from "../../_lib/action-session";
import { formDataOf } from "../../_lib/form-data";

export interface SetPasswordState {
  error?: { code: string; message: string };
}

const Form = z.object({
  token: z.string().max(128).catch(""),
  password: z.string().max(1024).catch(""),
  confirm: z.string().max(1024).catch(""),
});

/**
 * Thin: parse, call lib/account/set-password, map the result. A first password signs the owner in on a fresh
 * session; a reset signs nobody in (the account may have a second factor) and lands on the sign-in page.
 */
export async function setPasswordAction(_previous: SetPasswordState, formData: FormData): Promise<SetPasswordState> {
  await guardSessionlessAction("/");
  const input = Form.parse(Object.fromEntries(formDataOf(formData)));
  if (input.password !== input.confirm) return { error: { code: "INVALID_INPUT", message: "The two passwords differ." } };
  const runtime = await getRuntime();
  const result = await setPasswordWithLink(runtime, { token: input.token, purposes: PASSWORD_LINK_PURPOSES, password: input.password }, await requestMetadata());
  if (!result.ok) return { error: { code: result.code, message: result.message } };
  if (result.value.token === null) redirect("/login?reset=1");
  await writeSessionCookie(runtime, result.value.token);
  redirect("/account");
}
