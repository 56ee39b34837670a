/**
 * Refusals the proxy makes before Next routes a request. Each covers hostile input that Next itself would
 * answer with a bare 500 (found by test/http/security/hostile.test.ts and csrf.test.ts); here it becomes
 * the usual JSON 4xx. Pure functions of the request, no runtime, no database: they run on every match.
 */
import { ERRORS, type ErrorCode } from "../errors";

interface GuardedRequest {
  method: string;
  nextUrl: { pathname: string };
  headers: Headers;
}

function refusal(code: ErrorCode, message: string = ERRORS[code].message): Response {
  return Response.json({ error: { code, message } }, { status: ERRORS[code].status, headers: { "Cache-Control": "no-store" } });
}

/**
 * Next percent-decodes dynamic segments while matching routes and answers a malformed escape
 * (`/api/admin/users/%ZZ`, `%E0%A4%A`) with "500 Internal Server Error". A URL that cannot be decoded
 * names nothing, so it is a 400.
 */
export function refuseUndecodablePath(request: GuardedRequest): Response | null {
  try {
    for (const segment of request.nextUrl.pathname.split("/")) decodeURIComponent(segment);
    return null;
  } catch {
    return refusal("INVALID_INPUT", "The URL path is not valid percent-encoding.");
  }
}

/**
 * Server actions are POSTs to a page: with a `Next-Action` header when called from script, or a plain
 * multipart form post (`$ACTION_ID_…` field) without JavaScript. Next compares Origin with the host and
 * aborts a cross-site call with a 500; this refuses it first with 403 CSRF_REJECTED, by the rule the API
 * uses (lib/next/api.ts assertSameOrigin): Sec-Fetch-Site must be same-origin (or none: typed URL), and an
 * Origin, when sent, must name this host (`Origin: null`, from a sandboxed frame, is refused too).
 * SameSite=Lax does not cover this alone: a cross-site form post to the login action needs no cookie.
 */
export function refuseCrossSiteAction(request: GuardedRequest): Response | null {
  const pageWrite = !/^\/api(\/|$)/.test(request.nextUrl.pathname) && !["GET", "HEAD", "OPTIONS"].includes(request.method);
  if (!pageWrite && !request.headers.has("next-action")) return null;
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return refusal("CSRF_REJECTED");
  const origin = request.headers.get("origin");
  if (!origin) return null; // not sent by a browser page; Next's own check still applies
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return refusal("CSRF_REJECTED");
  }
  // The host Next compares with: x-forwarded-host (which `next start` fills from Host) or Host.
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  return originHost === host ? null : refusal("CSRF_REJECTED");
}

/** The first refusal that applies, or null to let the request through. */
export function refuseHostileRequest(request: GuardedRequest): Response | null {
  return refuseUndecodablePath(request) ?? refuseCrossSiteAction(request);
}
