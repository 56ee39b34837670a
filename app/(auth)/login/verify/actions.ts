"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { CODE_METHODS, completeSignIn } from "@/lib/auth/mfa/service";
import { clearChallengeCookie, readChallengeToken, writeSessionCookie } from "@/lib/next/cookies";
import { requestMetadata } from "@/lib/next/request-meta";
import { getRuntime } from "@/lib/runtime";
import { guardSessionlessAction } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { safeNextPath } from "../../../_lib/safe-redirect";

export interface VerifyState {
  error?: { code: string; message: string };
}

const Form = z.object({
  method: z.enum(CODE_METHODS).catch("totp"),
  code: z.string().max(64).catch(""),
  next: z.string().max(2048).optional().catch(undefined),
});

/** Thin: the second factor of a pending sign-in. Success: a fresh session; an expired challenge: back to the password. */
export async function verifySecondFactorAction(_previous: VerifyState, formData: FormData): Promise<VerifyState> {
  await guardSessionlessAction("/");
  const input = Form.parse(Object.fromEntries(formDataOf(formData)));
  if (!input.code.trim()) return { error: { code: "INVALID_INPUT", message: "Enter the code." } };
  const runtime = await getRuntime();
  const result = await completeSignIn(runtime.mfa, { challengeToken: await readChallengeToken(runtime), method: input.method, code: input.code }, await requestMetadata());
  if (!result.ok) {
    if (result.code === "MFA_CHALLENGE_EXPIRED") {
      await clearChallengeCookie(runtime);
      redirect(`/login?${new URLSearchParams({ mfa: "expired", ...(input.next ? { next: safeNextPath(input.next) } : {}) })}`);
    }
    return { error: { code: result.code, message: result.message } };
  }
  await clearChallengeCookie(runtime);
  await writeSessionCookie(runtime, result.value.token);
  redirect(safeNextPath(input.next));
}
