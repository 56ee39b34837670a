"use server";

import { redirect, RedirectType } from "next/navigation";
import { logout } from "@/lib/auth/logout";
import { stopImpersonation } from "@/lib/impersonation/service";
import { clearSessionCookie, readSessionToken, writeSessionCookie } from "@/lib/next/cookies";
import { requestMetadata } from "@/lib/next/request-meta";
import { getRuntime } from "@/lib/runtime";
import { guardSessionlessAction, requireActionSession } from "./_lib/action-session";
import { takeReturnPath } from "./_lib/return-to";

/** Sign out: the row, its cache entries and the cookie go (and, while impersonating, the admin's session too). */
export async function signOutAction(): Promise<void> {
  await guardSessionlessAction("/", "sign-out");
  const runtime = await getRuntime();
  await logout(runtime, await readSessionToken(runtime), await requestMetadata());
  await clearSessionCookie(runtime);
  redirect("/login");
}

/** Stop Impersonation: back to the admin's own session on a fresh token, on the console page it started from. */
export async function stopImpersonationAction(): Promise<void> {
  const { runtime, session, metadata } = await requireActionSession("/admin/users", "session", "stop-impersonation");
  const result = await stopImpersonation(runtime.impersonation, session, metadata);
  if (result.ok) {
    // No token back means the admin's own session is gone too (revoked or expired): sign in again.
    if (result.value.token) await writeSessionCookie(runtime, result.value.token);
    else await clearSessionCookie(runtime);
  }
  // NOT_IMPERSONATING (it expired a moment ago, or another tab stopped it) lands in the same place.
  redirect(await takeReturnPath(), RedirectType.replace);
}
