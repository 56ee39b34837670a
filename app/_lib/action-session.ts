import "server-only";
import { redirect } from "next/navigation";
import { accessPolicyOf, accessRefusal, readOnlyRefusal, type AccessArea, type ReadOnlyExit } from "@/lib/auth/access";
import { clearSessionCookie, readSessionCookie } from "@/lib/next/cookies";
import { requestMetadata } from "@/lib/next/request-meta";
import { getSession } from "@/lib/next/session";
import { getRuntime } from "@/lib/runtime";
import { flashRedirectPath } from "./flash-cookie";

/**
 * Every server action checks the session itself: a page that rendered the form is no proof, because an
 * action is a POST anyone can send. A cookie that no longer validates is cleared here (pages cannot set
 * cookies) and the visitor goes to the login page, told that the session expired. A session the access
 * rule (lib/auth/access.ts) keeps out of `area` goes back to `returnTo` with the refusal's code as a flash.
 * Deny by default: a read-only impersonation is refused first (IMPERSONATION_READ_ONLY), unless the action
 * declares itself one of the exits.
 */
export async function requireActionSession(returnTo: string, area: AccessArea = "session", exit?: ReadOnlyExit) {
  const runtime = await getRuntime();
  const session = await getSession();
  if (!session) {
    const hadCookie = Boolean(await readSessionCookie(runtime));
    if (hadCookie) await clearSessionCookie(runtime);
    const query = new URLSearchParams({ next: returnTo });
    if (hadCookie) query.set("expired", "1");
    redirect(`/login?${query}`);
  }
  // Every action changes state, so a read-only impersonation is refused before any other rule is asked.
  const refusal = readOnlyRefusal(session, { change: true, exit }) ?? accessRefusal(session, area, accessPolicyOf(runtime.config));
  if (refusal) redirect(await flashRedirectPath(returnTo, { error: refusal }));
  return { runtime, session, metadata: await requestMetadata() };
}

/**
 * The read-only guard alone, for an action that also works without a session (sign in, set a password,
 * sign out): from inside a read-only impersonation it goes back to `returnTo` with IMPERSONATION_READ_ONLY.
 */
export async function guardSessionlessAction(returnTo: string, exit?: ReadOnlyExit): Promise<void> {
  const session = await getSession();
  const refusal = session ? readOnlyRefusal(session, { change: true, exit }) : null;
  if (refusal) redirect(await flashRedirectPath(returnTo, { error: refusal }));
}
