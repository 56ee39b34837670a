/**
 * Refusals the proxy makes before Next routes a request. Each covers hostile input that Next itself would
 * answer with a bare 500 or an empty 400 (found by test/http/security/hostile.test.ts and csrf.test.ts);
 * here it becomes the usual JSON 4xx. Pure functions of the request, no runtime, no database: they run on
 * every match.
 */
import { errorResponse } from "../errors";
import { isApiPath } from "../http/api-routes";
import { isCrossSiteRequest } from "../http/same-origin";
import { readBoundedBytes } from "./json-body";

interface GuardedRequest {
  method: string;
  /** Absent in unit tests: the scheme is then unknown and the same-origin rule compares hosts only. */
  url?: string;
  nextUrl: { pathname: string };
  headers: Headers;
}

export interface GuardSettings {
  appOrigin?: string;
}

const isPageWrite = (request: GuardedRequest) => !isApiPath(request.nextUrl.pathname) && !["GET", "HEAD", "OPTIONS"].includes(request.method);

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
    return errorResponse("INVALID_INPUT", { message: "The URL path is not valid percent-encoding." });
  }
}

/**
 * Server actions are POSTs to a page: with a `Next-Action` header when called from script, or a plain
 * multipart form post (`$ACTION_ID_…` field) without JavaScript. Next compares Origin with the host and
 * aborts a cross-site call with a 500; this refuses it first with 403 CSRF_REJECTED, by the one same-origin
 * rule (lib/http/same-origin.ts) the API uses too.
 */
export function refuseCrossSiteAction(request: GuardedRequest, settings: GuardSettings = {}): Response | null {
  if (!isPageWrite(request) && !request.headers.has("next-action")) return null;
  return isCrossSiteRequest(request.headers, { url: request.url, appOrigin: settings.appOrigin }) ? errorResponse("CSRF_REJECTED") : null;
}

/** The first refusal that applies, or null to let the request through. */
export function refuseHostileRequest(request: GuardedRequest, settings: GuardSettings = {}): Response | null {
  return refuseUndecodablePath(request) ?? refuseCrossSiteAction(request, settings);
}

/** Next's default `serverActions.bodySizeLimit`: a form post to a page above it is refused by Next with a 500. */
const PAGE_FORM_MAX_BYTES = 1024 * 1024;

/**
 * A multipart post to a page is read by Next as a server action without JavaScript; a body it cannot parse
 * (no boundary, garbage, over the size limit) ends in "500 Internal Server Error" whether or not the page
 * has actions. Checked here on a copy of the body: 411 without a length, 413 over the limit, 400 when it is not
 * multipart at all.
 */
export async function refuseMalformedPageForm(request: Request & GuardedRequest): Promise<Response | null> {
  const type = request.headers.get("content-type") ?? "";
  if (!isPageWrite(request) || !/^\s*multipart\//i.test(type)) return null;
  // Browsers always send a form's length; a chunked one would have to be read to the end to be sized.
  const declared = request.headers.get("content-length");
  if (declared === null) return errorResponse("LENGTH_REQUIRED");
  if (Number(declared) > PAGE_FORM_MAX_BYTES) return errorResponse("PAYLOAD_TOO_LARGE");
  let bytes: Uint8Array;
  try {
    bytes = await readBoundedBytes(request.clone(), PAGE_FORM_MAX_BYTES);
  } catch {
    return errorResponse("PAYLOAD_TOO_LARGE");
  }
  try {
    await new Response(Buffer.from(bytes), { headers: { "content-type": type } }).formData();
    return null;
  } catch {
    return errorResponse("INVALID_INPUT", { message: "The form body is not valid multipart/form-data." });
  }
}
