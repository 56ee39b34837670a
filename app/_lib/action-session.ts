import "server-only";
import { redirect } from "next/navigation";
import type { ErrorCode } from "@/lib/errors";
import { mayImpersonateAnyone } from "@/lib/impersonation/policy";
import { clearSessionCookie, readSessionCookie } from "@/lib/next/cookies";
import { requestMetadata } from "@/lib/next/request-meta";
import { getSession } from "@/lib/next/session";
import { getRuntime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session";

/**
 * Every server action checks the session itself: a page that rendered the form is no proof, because an
 * action is a POST anyone can send. A cookie that no longer validates is cleared here (pages cannot set
 * cookies) and the visitor goes to the login page, told that the session expired.
 */
export async function requireActionSession(returnTo: string) {
  const runtime = await getRuntime();
  const session = await getSession();
  if (!session) {
    const hadCookie = Boolean(await readSessionCookie(runtime));
    if (hadCookie) await clearSessionCookie(runtime);
    const query = new URLSearchParams({ next: returnTo });
    if (hadCookie) query.set("expired", "1");
    redirect(`/login?${query}`);
  }
  return { runtime, session, metadata: await requestMetadata() };
}

/** Staff console actions: never while impersonating (no admin powers from inside someone else's account). */
export function staffRefusal(session: SessionContext): ErrorCode | null {
  if (session.impersonation) return "FORBIDDEN_WHILE_IMPERSONATING";
  return mayImpersonateAnyone(session.user.role) ? null : "FORBIDDEN";
}

/** Role changes, bans, revoking other people's sessions, ending impersonations: admins only. */
export function adminRefusal(session: SessionContext): ErrorCode | null {
  return staffRefusal(session) ?? (session.user.role === "admin" ? null : "FORBIDDEN");
}
