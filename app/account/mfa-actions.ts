"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { startTotpEnrolment, confirmTotpEnrolment, disableSecondFactor, CODE_METHODS } from "@/lib/auth/mfa/service";
import { writeSessionCookie } from "@/lib/next/cookies";
import { requireActionSession } from "../_lib/action-session";
import { formDataOf } from "../_lib/form-data";
import { flashRedirectPath } from "../_lib/flash-cookie";

const ENROL_PAGE = "/account/mfa";

/** A new secret for the authenticator app, then the page that shows it. */
export async function startTotpAction(): Promise<void> {
  const { runtime, session } = await requireActionSession(ENROL_PAGE);
  const result = await startTotpEnrolment(runtime.mfa, session);
  if (!result.ok) redirect(await flashRedirectPath("/account", { error: result.code }));
  redirect(ENROL_PAGE);
}

export interface ConfirmTotpState {
  error?: { code: string; message: string };
  /** Shown once, right after enrolment; never stored in the clear. */
  recoveryCodes?: string[];
}

const Code = z.string().max(64).catch("");

export async function confirmTotpAction(_previous: ConfirmTotpState, formData: FormData): Promise<ConfirmTotpState> {
  const { runtime, session, metadata } = await requireActionSession(ENROL_PAGE);
  const code = Code.parse(formDataOf(formData).get("code"));
  const result = await confirmTotpEnrolment(runtime.mfa, session, code, metadata);
  if (!result.ok) return { error: { code: result.code, message: result.message } };
  await writeSessionCookie(runtime, result.value.token);
  return { recoveryCodes: result.value.recoveryCodes };
}

const DisableForm = z.object({ method: z.enum(CODE_METHODS).catch("totp"), code: z.string().max(64).catch("") });

export async function disableTotpAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata } = await requireActionSession("/account");
  const input = DisableForm.parse(Object.fromEntries(formDataOf(formData)));
  const result = await disableSecondFactor(runtime.mfa, session, input, metadata);
  if (!result.ok) redirect(await flashRedirectPath("/account", { error: result.code }));
  await writeSessionCookie(runtime, result.value.token);
  redirect(await flashRedirectPath("/account", { notice: "mfa-disabled" }));
}
