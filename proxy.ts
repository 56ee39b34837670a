/**
 * Optimistic check only: a request for a protected page that carries no session cookie at all goes to
 * /login, which comes back afterwards. Nothing here unseals, validates or touches a database; every
 * page and action validates the session itself (the cookie could be forged, expired or revoked).
 * Before that, the hostile-request guards (lib/next/request-guards.ts) answer what Next would answer with
 * a 500 or an empty 400.
 */
import { NextResponse, type NextRequest } from "next/server";
import { proxyConfigOf } from "@/lib/config";
import { parseApiRouteTable, type ApiRoute } from "@/lib/http/api-routes";
import { refuseHostileRequest, refuseMalformedPageForm } from "@/lib/next/request-guards";

// Read once: the environment does not change under a running server. The route table is inlined at build
// time by next.config.ts.
let settings: { cookieName: string; appOrigin?: string; apiRoutes: ApiRoute[] } | undefined;
const proxySettings = () => (settings ??= { ...proxyConfigOf(process.env), apiRoutes: parseApiRouteTable(process.env.NSI_API_ROUTES) });

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
    // URLs with a percent sign (undecodable escapes), server-action calls from script, multipart posts to
    // any page (a malformed one is a 500 in Next), and bodiless /api requests (methods Next does not route).
    // /api requests with a body stay out: Next reads a matched request's whole body before the proxy runs,
    // so a Content-Length larger than what is sent would hang there instead of getting the route's 413.
    "/login",
    "/:path(.*%.*)",
    { source: "/:path*", has: [{ type: "header", key: "next-action" }] },
    { source: "/:path*", has: [{ type: "header", key: "content-type", value: ".*[Mm][Uu][Ll][Tt][Ii][Pp][Aa][Rr][Tt].*" }] },
    { source: "/api/:path*", missing: [{ type: "header", key: "content-length" }, { type: "header", key: "transfer-encoding" }] },
    { source: "/api/:path*", has: [{ type: "header", key: "content-length", value: "0" }], missing: [{ type: "header", key: "transfer-encoding" }] },
  ],
};
