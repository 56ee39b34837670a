import "server-only";
import { redirect } from "next/navigation";
import { accessPolicyOf, accessRefusal, type AccessArea } from "@/lib/auth/access";
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
 */
export async function requireActionSession(returnTo: string, area: AccessArea = "session") {
  const runtime = await getRuntime();
  const session = await getSession();
  if (!session) {
    const hadCookie = Boolean(await readSessionCookie(runtime));
    if (hadCookie) await clearSessionCookie(runtime);
    const query = new URLSearchParams({ next: returnTo });
    if (hadCookie) query.set("expired", "1");
    redirect(`/login?${query}`);
  }
  const refusal = accessRefusal(session, area, accessPolicyOf(runtime.config));
  if (refusal) redirect(await flashRedirectPath(returnTo, { error: refusal }));
  return { runtime, session, metadata: await requestMetadata() };
}
