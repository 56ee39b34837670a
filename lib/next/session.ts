import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getRuntime } from "../runtime";
import type { SessionContext } from "../session/types";
import { cookies } from "next/headers";

/**
 * The current session for this request, validated through the cached path (L1 -> Redis -> Postgres).
 * Wrapped in React cache(): layouts, pages and actions of one request share a single validation.
 */
export const getSession = cache(async (): Promise<SessionContext | null> => {
  // Reading the request's cookies first marks every page that asks for a session as dynamic, so
  // `next build` never tries to prerender one (nor open the database without secrets).
  const jar = await cookies();
  const runtime = await getRuntime();
  const token = await runtime.sealer.unseal(jar.get(runtime.config.session.cookieName)?.value);
  return token ? runtime.sessions.validateSessionWithCache(token) : null;
});

/**
 * For pages: the session, or a redirect to /login that comes back here afterwards. A cookie that was sent
 * but no longer validates means the session expired or was revoked, and the login page says so (`expired=1`).
 */
export async function requireUser(returnTo?: string): Promise<SessionContext> {
  const session = await getSession();
  if (!session) {
    const runtime = await getRuntime();
    const hadCookie = Boolean((await cookies()).get(runtime.config.session.cookieName)?.value);
    const query = new URLSearchParams();
    if (returnTo) query.set("next", returnTo);
    if (hadCookie) query.set("expired", "1");
    redirect(query.size > 0 ? `/login?${query}` : "/login");
  }
  return session;
}
