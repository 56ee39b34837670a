"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { sendPasswordReset } from "@/lib/account/password-reset";
import { currentRequestOrigin } from "@/lib/next/request-meta";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

/** Thin: staff check, call lib/account/password-reset, back to the user page with the outcome as a flash. */
export async function sendPasswordResetAction(formData: FormData): Promise<void> {
  const userId = z.string().max(64).catch("").parse(formDataOf(formData).get("userId"));
  // A malformed id never reaches a URL we redirect to.
  const page = isUuid(userId) ? `/admin/users/${userId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "staff");
  const result = await sendPasswordReset(runtime.passwordReset, { actor: session, metadata, origin: await currentRequestOrigin() }, userId);
  redirect(await flashRedirectPath(page, result.ok ? { notice: "reset-link-sent" } : { error: result.code }));
}
