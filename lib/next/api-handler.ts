import "server-only";
import { randomBytes } from "node:crypto";
import type { NextRequest } from "next/server";
import { getConfig } from "../config";
import { isDatabaseUnavailable } from "../db/pool-guard";
import { AppError, errorResponse, type ErrorCode, type Result } from "../errors";
import { createLogger } from "../observability/logger";
import { getMetrics } from "../observability/metrics";
import { getRuntime, type Runtime } from "../runtime";
import { isReadMethod, type ReadOnlyExit } from "../auth/access";
import { refuseReadOnlyChange } from "./api-guards";

// Built on first use: reading the config at import time would break `next build` (no secrets there).
let apiLogger: ReturnType<typeof createLogger> | undefined;
const logger = () => (apiLogger ??= createLogger(getConfig().logLevel, { component: "api" }));

/** An error answer in the one envelope (lib/errors.ts), with the code's status. */
export function jsonError(code: ErrorCode, init?: { message?: string; details?: Record<string, unknown>; headers?: HeadersInit }): Response {
  return errorResponse(code, init);
}

export interface ApiContext {
  request: NextRequest;
  runtime: Runtime;
  requestId: string;
  params: Record<string, string>;
}

type Handler = (ctx: ApiContext) => Promise<Response>;

export interface ApiHandlerOptions {
  /** Declares this handler a way out of a read-only impersonation (stop, sign out): the only exceptions. */
  readOnlyExit?: ReadOnlyExit;
}

/**
 * Wraps a route handler: request id, no-store caching, metrics, and errors as JSON
 * (`{ error: { code, message } }`) — expected failures with their status, Postgres outages as 503,
 * anything else as a 500 without a stack trace. Deny by default: every method but GET/HEAD passes the
 * read-only impersonation guard first (IMPERSONATION_READ_ONLY), unless the route is a declared exit.
 */
export function apiHandler(route: string, handler: Handler, options: ApiHandlerOptions = {}) {
  return instrument(route, async (request, requestId, params) => {
    const ctx = { request, runtime: await getRuntime(), requestId, params };
    // A read cannot change anything: GET/HEAD (the hot path) skip the guard without even an await.
    if (!isReadMethod(request.method)) await refuseReadOnlyChange(ctx, options.readOnlyExit);
    return handler(ctx);
  });
}

/**
 * apiHandler without building the runtime first: for health probes, which must answer (live, or a clean
 * 503) even while the runtime cannot start. The handler calls getRuntime() itself when it needs it.
 */
export function probeHandler(route: string, handler: (request: NextRequest, requestId: string) => Promise<Response>) {
  return instrument(route, (request, requestId) => handler(request, requestId));
}

/**
 * Request ids: a random per-process prefix and a counter. Unique across instances and restarts like a UUID for
 * correlating logs, without drawing random bytes on every request.
 */
const requestIdPrefix = randomBytes(6).toString("base64url");
let requestCounter = 0;
const nextRequestId = () => `${requestIdPrefix}-${(++requestCounter).toString(36)}`;

type Inner = (request: NextRequest, requestId: string, params: Record<string, string>) => Promise<Response>;

function instrument(route: string, inner: Inner) {
  return async (request: NextRequest, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 64) || nextRequestId();
    const started = performance.now();
    let response: Response;
    try {
      response = await inner(request, requestId, (await context?.params) ?? {});
    } catch (error) {
      if (error instanceof AppError) response = jsonError(error.code, { message: error.message, details: error.details });
      else if (isDatabaseUnavailable(error)) {
        logger().warn("database unavailable", { requestId, route, error });
        response = jsonError("SERVICE_UNAVAILABLE", { headers: { "Retry-After": "2" } });
      } else {
        logger().error("unhandled error", { requestId, route, error });
        response = jsonError("INTERNAL");
      }
    }
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("X-Request-Id", requestId);
    getMetrics().countHttpRequest(route, request.method, response.status);
    // Access log at debug only: route pattern, never the URL (query strings) nor headers (cookies).
    const log = logger();
    if (log.enabled("debug")) log.debug("request", { requestId, route, method: request.method, status: response.status, ms: Math.round(performance.now() - started) });
    return response;
  };
}

/** Maps a lib Result to JSON: the value (optionally reshaped) or the error body with its status. */
export function resultResponse<T>(result: Result<T>, present: (value: T) => unknown = (v) => v): Response {
  if (!result.ok) return jsonError(result.code, { message: result.message, details: result.details });
  return Response.json(present(result.value));
}

/**
 * Answers every method a route does not implement with a JSON 405 and an Allow header. It reads and changes
 * nothing, so it needs neither the runtime nor the read-only guard.
 */
export function methodNotAllowed(route: string, allowed: string[]) {
  return instrument(route, async () => jsonError("METHOD_NOT_ALLOWED", { headers: { Allow: allowed.join(", ") } }));
}
