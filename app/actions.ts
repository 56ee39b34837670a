"use server";

import { headers } from "next/headers";
import { redirect, RedirectType } from "next/navigation";
import { refresh } from "next/cache";
import { logout } from "@/lib/auth/logout";
import { stopImpersonation } from "@/lib/impersonation/service";
import { dismissNotices } from "@/lib/notify/own-notices";
import { clearSessionCookie, readSessionToken, writeSessionCookie } from "@/lib/next/cookies";
import { requestMetadata } from "@/lib/next/request-meta";
import { getRuntime } from "@/lib/runtime";
import { guardSessionlessAction, requireActionSession } from "./_lib/action-session";
import { takeReturnPath } from "./_lib/return-to";
import { flashRedirectPath } from "./_lib/flash-cookie";
import { formDataOf } from "./_lib/form-data";
import { safeNextPath } from "./_lib/safe-redirect";

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

/** The admin has read how their last impersonation ended; the page they were on renders again without it. */
export async function dismissReturnNoticeAction(): Promise<void> {
  const { runtime, session } = await requireActionSession("/");
  await runtime.sessions.dismissReturnNotice(session.sessionId);
  refresh();
}

/** The page the form was on (the notice region is on every page), when the Referer names one of ours. */
async function backToReferrer(fallback: string): Promise<string> {
  const referer = (await headers()).get("referer");
  if (!referer) return fallback;
  try {
    const url = new URL(referer);
    return safeNextPath(`${url.pathname}${url.search}`, fallback);
  } catch {
    return fallback;
  }
}

/** Dismiss my notices (the account's owner only: an impersonator is refused, see lib/notify/own-notices). */
export async function dismissNoticesAction(formData: FormData): Promise<void> {
  const { runtime, session } = await requireActionSession("/account");
  const result = await dismissNotices(runtime.database.db, session, formDataOf(formData).getAll("id"));
  if (!result.ok) redirect(await flashRedirectPath("/account", { error: result.code }));
  redirect(await backToReferrer("/account"), RedirectType.replace);
}
