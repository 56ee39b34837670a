"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { changePassword, revokeOtherSessions, revokeOwnSession } from "@/lib/account/account";
import { renameAccount } from "@/lib/account/profile";
import { clearSessionCookie, writeSessionCookie } from "@/lib/next/cookies";
import { requireActionSession } from "../_lib/action-session";
import { formDataOf } from "../_lib/form-data";
import { flashRedirectPath } from "../_lib/flash-cookie";

const PAGE = "/account";

/** Revoke one of my sessions. Revoking the one in this browser signs me out here too. */
export async function revokeSessionAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata } = await requireActionSession(PAGE);
  const sessionId = z.string().max(128).catch("").parse(formDataOf(formData).get("sessionId"));
  const result = await revokeOwnSession(runtime, session, sessionId, metadata);
  if (!result.ok) redirect(await flashRedirectPath(PAGE, { error: result.code }));
  if (sessionId === session.sessionId) {
    await clearSessionCookie(runtime);
    redirect("/login");
  }
  redirect(await flashRedirectPath(PAGE, { notice: "session-revoked" }));
}

export async function revokeOtherSessionsAction(): Promise<void> {
  const { runtime, session, metadata } = await requireActionSession(PAGE);
  const result = await revokeOtherSessions(runtime, session, metadata);
  redirect(await flashRedirectPath(PAGE, result.ok ? { notice: "others-revoked" } : { error: result.code }));
}

export interface ChangePasswordState {
  error?: { code: string; message: string };
}

const PasswordForm = z.object({
  currentPassword: z.string().max(1024).catch(""),
  newPassword: z.string().max(1024).catch(""),
});

/** A new password ends every other sign-in; this browser continues on a fresh token. */
export async function changePasswordAction(_previous: ChangePasswordState, formData: FormData): Promise<ChangePasswordState> {
  const { runtime, session, metadata } = await requireActionSession(PAGE);
  const input = PasswordForm.parse(Object.fromEntries(formDataOf(formData)));
  const result = await changePassword(runtime, session, input, metadata);
  if (!result.ok) {
    const message = result.code === "INVALID_CREDENTIALS" ? "Your current password is not correct." : result.message;
    return { error: { code: result.code, message } };
  }
  await writeSessionCookie(runtime, result.value.token);
  redirect(await flashRedirectPath(PAGE, { notice: "password-changed" }));
}

/** The display name: the owner's, or a helper's with write access (a read-only impersonation is refused first). */
export async function renameAccountAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata } = await requireActionSession(PAGE);
  const name = z.string().max(1024).catch("").parse(formDataOf(formData).get("name"));
  const result = await renameAccount(runtime, session, name, metadata);
  redirect(await flashRedirectPath(PAGE, result.ok ? { notice: result.value.changed ? "name-saved" : "name-unchanged" } : { error: result.code }));
}
