"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { changeUserRole, revokeAllSessionsOf, revokeSessionOf, setUserBanned } from "@/lib/admin/user-admin";
import { clearSessionCookie } from "@/lib/next/cookies";
import { isUuid, parseRole } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

/** Every action here is admin-only and re-checks that itself; the page showing the form proves nothing. */
async function adminAction(input: FormData) {
  const form = formDataOf(input);
  const userId = z.string().max(64).catch("").parse(form.get("userId"));
  // A malformed id never reaches a URL we redirect to.
  const page = isUuid(userId) ? `/admin/users/${userId}` : "/admin/users";
  const context = await requireActionSession(page, "admin");
  return { ...context, userId, page, form };
}

export async function changeRoleAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata, userId, page, form } = await adminAction(formData);
  const role = parseRole(form.get("role"));
  if (!role) redirect(await flashRedirectPath(page, { error: "INVALID_INPUT" }));
  const result = await changeUserRole(runtime, session, userId, role, metadata);
  redirect(await flashRedirectPath(page, result.ok ? { notice: "role-saved" } : { error: result.code }));
}

export async function setBannedAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata, userId, page, form } = await adminAction(formData);
  const banned = form.get("banned") === "true";
  const result = await setUserBanned(runtime, session, userId, banned, metadata);
  redirect(await flashRedirectPath(page, result.ok ? { notice: banned ? "user-banned" : "user-unbanned" } : { error: result.code }));
}

export async function revokeAllSessionsAction(formData: FormData): Promise<void> {
  const { runtime, session, metadata, userId, page } = await adminAction(formData);
  const result = await revokeAllSessionsOf(runtime, session, userId, metadata);
  redirect(await flashRedirectPath(page, result.ok ? { notice: "sessions-revoked" } : { error: result.code }));
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
