import "server-only";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { AppError } from "../errors";
import { mayImpersonateAnyone } from "../impersonation/policy";
import { getRuntime } from "../runtime";
import { trueUserOf, type SessionContext } from "../session/types";
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

/**
 * For /admin pages: staff only (admins and support), and nobody may use the console while impersonating
 * (an impersonation must not be a path to admin powers, nor admin powers a path out of the audit trail).
 */
export async function requireStaff(returnTo?: string): Promise<SessionContext> {
  const session = await requireUser(returnTo);
  if (session.impersonation || !mayImpersonateAnyone(session.user.role)) forbidden();
  return session;
}

/** Admins only: role changes, bans, revoking other people's sessions, ending impersonations. */
export async function requireAdmin(returnTo?: string): Promise<SessionContext> {
  const session = await requireStaff(returnTo);
  if (session.user.role !== "admin") forbidden();
  return session;
}

/** Guard for sensitive actions (password, email, sessions, anything under /admin). */
export function forbidWhileImpersonating(session: SessionContext): void {
  if (session.impersonation) throw new AppError("FORBIDDEN_WHILE_IMPERSONATING");
}

export { trueUserOf };
