/**
 * The hostile-request guards (lib/next/request-guards.ts), for the few requests Next would answer with a 500
 * or an empty 400, matched by header or path so that no ordinary page load or API request runs the proxy:
 * a proxy run costs about as much CPU as a small route (BENCHMARKS.md). Sessions are never checked here;
 * every page, route and action validates its own (a page without one redirects to /login itself), and Next
 * marks every dynamic page `no-store`.
 */
import { NextResponse, type NextRequest } from "next/server";
import { proxyConfigOf } from "@/lib/config";
import { refuseHostileRequest, refuseMalformedPageForm } from "@/lib/next/request-guards";

// Read once: the environment does not change under a running server.
let settings: { appOrigin?: string } | undefined;
const proxySettings = () => (settings ??= proxyConfigOf(process.env));

export async function proxy(request: NextRequest) {
  return refuseHostileRequest(request, proxySettings()) ?? (await refuseMalformedPageForm(request)) ?? NextResponse.next();
}

export const config = {
  matcher: [
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
