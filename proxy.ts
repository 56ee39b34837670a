/**
 * Optimistic check only: a request for a protected page that carries no session cookie at all goes to
 * /login, which comes back afterwards. Nothing here unseals, validates or touches a database; every
 * page and action validates the session itself (the cookie could be forged, expired or revoked).
 */
import { NextResponse, type NextRequest } from "next/server";
import { refuseHostileRequest } from "@/lib/next/request-guards";

/** Mirrors lib/config.ts (kept import-free so the proxy stays tiny): `__Host-` whenever the cookie is Secure. */
function sessionCookieName(): string {
  const name = process.env.SESSION_NAME?.trim() || "sid";
  const flag = process.env.SESSION_COOKIE_SECURE?.trim();
  const secure = flag === "true" || flag === "false" ? flag === "true" : process.env.NODE_ENV === "production";
  return secure ? `__Host-${name}` : name;
}

/** The protected pages of the matcher below (the other matcher entries exist only for the guards). */
function isProtectedPage(pathname: string): boolean {
  return pathname === "/" || /^\/(account|admin)(\/|$)/.test(pathname);
}

export function proxy(request: NextRequest) {
  // Undecodable URLs and cross-site server actions: a JSON 4xx here instead of Next's own 500.
  const refused = refuseHostileRequest(request);
  if (refused) return refused;
  if (!isProtectedPage(request.nextUrl.pathname)) return NextResponse.next();
  const hasCookie = Boolean(request.cookies.get(sessionCookieName())?.value);
  // Only page loads are bounced. A POST here is a server action, which checks the session itself;
  // redirecting it would replay the POST against /login.
  if (!hasCookie && (request.method === "GET" || request.method === "HEAD")) {
    const { pathname, search } = request.nextUrl;
    const login = new URL("/login", request.url);
    login.searchParams.set("next", `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  const response = NextResponse.next();
  // Private pages must never be stored: after sign-out, Back must not show someone's data from a cache.
  response.headers.set("Cache-Control", "no-store, max-age=0");
  return response;
}

export const config = {
  matcher: [
    "/",
    "/account/:path*",
    "/admin/:path*",
    // For the guards only: the login form (a cross-site post would sign the victim in as the attacker),
    // URLs with a percent sign (undecodable escapes) and server-action calls from script.
    "/login",
    "/:path(.*%.*)",
    { source: "/:path*", has: [{ type: "header", key: "next-action" }] },
  ],
};
