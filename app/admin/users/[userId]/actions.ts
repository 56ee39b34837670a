"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { revokeSessionOf } from "@/lib/admin/user-admin";
import { clearSessionCookie } from "@/lib/next/cookies";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

/**
 * Ban, role change and revoke-all go through the confirmation page (./confirm), which asks for a reason.
 * Every action here is admin-only and re-checks that itself; the page showing the form proves nothing.
 */
async function adminAction(input: FormData) {
  const form = formDataOf(input);
  const userId = z.string().max(64).catch("").parse(form.get("userId"));
  // A malformed id never reaches a URL we redirect to.
  const page = isUuid(userId) ? `/admin/users/${userId}` : "/admin/users";
  const context = await requireActionSession(page, "admin");
  return { ...context, userId, page, form };
}

export async function revokeSessionAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata, userId, page, form } = await adminAction(formData);
  const sessionId = z.string().max(128).catch("").parse(form.get("sessionId"));
  const result = await revokeSessionOf(runtime, session, userId, sessionId, metadata);
  if (result.ok && sessionId === session.sessionId) {
    // An admin who revokes the session they are using is signed out, like anywhere else.
    await clearSessionCookie(runtime);
    redirect("/login");
  }
  redirect(await flashRedirectPath(page, result.ok ? { notice: "session-revoked" } : { error: result.code }));
}
