"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { login } from "@/lib/auth/login";
import { readSessionToken, writeChallengeCookie, writeSessionCookie } from "@/lib/next/cookies";
import { requestMetadata } from "@/lib/next/request-meta";
import { getRuntime } from "@/lib/runtime";
import { guardSessionlessAction } from "../../_lib/action-session";
import { formDataOf } from "../../_lib/form-data";
import { waitText } from "../../_lib/format";
import { safeNextPath } from "../../_lib/safe-redirect";

export interface LoginState {
  email: string;
  error?: { code: string; message: string };
}

const Form = z.object({
  email: z.string().max(320).catch(""),
  password: z.string().max(1024).catch(""),
  next: z.string().max(2048).optional().catch(undefined),
});

/** Thin: parse, call lib/auth/login, map the result. A fresh session (and cookie) on every success. */
export async function loginAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  await guardSessionlessAction("/");
  const input = Form.parse(Object.fromEntries(formDataOf(formData)));
  if (!input.email.trim() || !input.password) {
    return { email: input.email, error: { code: "INVALID_INPUT", message: "Enter your email and password." } };
  }
  const runtime = await getRuntime();
  const result = await login(
    runtime.login,
    { email: input.email, password: input.password, metadata: await requestMetadata(), previousToken: await readSessionToken(runtime) },
  );
  if (!result.ok) {
    if (result.code === "RATE_LIMITED") {
      const retryAfter = Number(result.details?.retryAfter ?? 60);
      return { email: input.email, error: { code: result.code, message: `Too many sign-in attempts. Try again in ${waitText(retryAfter)}.` } };
    }
    // One message for every bad credential: it must not reveal whether the email exists.
    return { email: input.email, error: { code: result.code, message: result.message } };
  }
  if (result.value.kind === "mfa") {
    await writeChallengeCookie(runtime, result.value.challengeToken);
    const query = new URLSearchParams({ methods: result.value.methods.join(",") });
    if (input.next) query.set("next", safeNextPath(input.next));
    redirect(`/login/verify?${query}`);
  }
  await writeSessionCookie(runtime, result.value.token);
  redirect(safeNextPath(input.next));
}
