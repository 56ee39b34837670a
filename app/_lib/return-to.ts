import "server-only";
import { cookies } from "next/headers";
import type { Runtime } from "@/lib/runtime";
import { isUuid } from "@/lib/users/users";
import { safeNextPath } from "./safe-redirect";

/**
 * Where "Stop Impersonation" takes the admin back to: the console page the Sign In As started from (a
 * user's page, or the list with its filters). It is only a convenience, so it lives in its own cookie
 * beside the session and is checked again on the way out: only a console page, never another site.
 */
const RETURN_COOKIE = "nsi_return";
const DEFAULT_RETURN = "/admin/users";

/** The console pages a return may go to: the user list (any filters) or one user's page. */
function consolePath(value: unknown): string | null {
  const path = safeNextPath(value, "");
  if (!path) return null;
  const { pathname } = new URL(path, "http://x.invalid");
  if (pathname === "/admin/users") return path;
  const match = /^\/admin\/users\/([^/]+)$/.exec(pathname);
  return match && isUuid(match[1]) ? pathname : null;
}

export async function rememberReturnPath(runtime: Runtime, value: unknown): Promise<void> {
  const path = consolePath(value);
  const jar = await cookies();
  if (!path) {
    jar.delete(RETURN_COOKIE);
    return;
  }
  jar.set(RETURN_COOKIE, path, {
    httpOnly: true,
    sameSite: "lax",
    secure: runtime.config.session.cookieSecure,
    path: "/",
    // As long as the impersonation can last: an older one is gone and means nothing.
    maxAge: runtime.config.impersonation.ttlS,
  });
}

/** Reads and forgets the remembered path; the console's user list when there is none. */
export async function takeReturnPath(): Promise<string> {
  const jar = await cookies();
  const path = consolePath(jar.get(RETURN_COOKIE)?.value);
  if (jar.has(RETURN_COOKIE)) jar.delete(RETURN_COOKIE);
  return path ?? DEFAULT_RETURN;
}
