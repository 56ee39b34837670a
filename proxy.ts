/**
 * Optimistic check only: a request for a protected page that carries no session cookie at all goes to
 * /login, which comes back afterwards. Nothing here unseals, validates or touches a database; every
 * page and action validates the session itself (the cookie could be forged, expired or revoked).
 * Before that, the hostile-request guards (lib/next/request-guards.ts) answer what Next would answer with
 * a 500 or an empty 400.
 */
import { NextResponse, type NextRequest } from "next/server";
import { proxyConfigOf } from "@/lib/config";
import { refuseHostileRequest, refuseMalformedPageForm } from "@/lib/next/request-guards";

// Read once: the environment does not change under a running server.
let settings: { cookieName: string; appOrigin?: string } | undefined;
const proxySettings = () => (settings ??= proxyConfigOf(process.env));

/** The protected pages of the matcher below (the other matcher entries exist only for the guards). */
function isProtectedPage(pathname: string): boolean {
  return pathname === "/" || /^\/(account|admin)(\/|$)/.test(pathname);
}

export async function proxy(request: NextRequest) {
  const refused = refuseHostileRequest(request, proxySettings()) ?? (await refuseMalformedPageForm(request));
  if (refused) return refused;
  if (!isProtectedPage(request.nextUrl.pathname)) return NextResponse.next();
  const hasCookie = Boolean(request.cookies.get(proxySettings().cookieName)?.value);
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
    // URLs with a percent sign (undecodable escapes), server-action calls from script, and multipart posts
    // to any page (a malformed one is a 500 in Next). Nothing else under /api: a proxy run costs an API
    // request about as much as the route itself, and methods Next does not route are answered on the Node
    // server (lib/next/unrouted-methods.ts).
    "/login",
    "/:path(.*%.*)",
    { source: "/:path*", has: [{ type: "header", key: "next-action" }] },
    { source: "/:path*", has: [{ type: "header", key: "content-type", value: ".*[Mm][Uu][Ll][Tt][Ii][Pp][Aa][Rr][Tt].*" }] },
  ],
};
