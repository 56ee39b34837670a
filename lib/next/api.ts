import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { getConfig } from "../config";
import { isDatabaseUnavailable } from "../db/pool-guard";
import { AppError, ERRORS, type ErrorCode, type Result } from "../errors";
import { mayImpersonateAnyone } from "../impersonation/policy";
import { createLogger } from "../observability/logger";
import { getMetrics } from "../observability/metrics";
import { getRuntime, type Runtime } from "../runtime";
import type { SessionContext } from "../session/types";
import { readSessionToken } from "./cookies";
import { metadataFromHeaders } from "./request-meta";

/** JSON bodies here are small forms; anything bigger is refused before parsing. */
export const MAX_JSON_BYTES = 16 * 1024;
const MAX_JSON_DEPTH = 8;

// Built on first use: reading the config at import time would break `next build` (no secrets there).
let apiLogger: ReturnType<typeof createLogger> | undefined;
const logger = () => (apiLogger ??= createLogger(getConfig().logLevel, { component: "api" }));

export function jsonError(code: ErrorCode, init?: { message?: string; details?: Record<string, unknown>; headers?: HeadersInit }): NextResponse {
  const body = { error: { code, message: init?.message ?? ERRORS[code].message, ...(init?.details ? { details: init.details } : {}) } };
  return NextResponse.json(body, { status: ERRORS[code].status, headers: init?.headers });
}

export interface ApiContext {
  request: NextRequest;
  runtime: Runtime;
  requestId: string;
  params: Record<string, string>;
}

type Handler = (ctx: ApiContext) => Promise<Response>;

/**
 * Wraps a route handler: request id, no-store caching, metrics, and errors as JSON
 * (`{ error: { code, message } }`) — expected failures with their status, Postgres outages as 503,
 * anything else as a 500 without a stack trace.
 */
export function apiHandler(route: string, handler: Handler) {
  return instrument(route, async (request, requestId, params) => handler({ request, runtime: await getRuntime(), requestId, params }));
}

/**
 * apiHandler without building the runtime first: for health probes, which must answer (live, or a clean
 * 503) even while the runtime cannot start. The handler calls getRuntime() itself when it needs it.
 */
export function probeHandler(route: string, handler: (request: NextRequest, requestId: string) => Promise<Response>) {
  return instrument(route, (request, requestId) => handler(request, requestId));
}

type Inner = (request: NextRequest, requestId: string, params: Record<string, string>) => Promise<Response>;

function instrument(route: string, inner: Inner) {
  return async (request: NextRequest, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 64) || randomUUID();
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
        response = NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong. Try again." } }, { status: 500 });
      }
    }
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("X-Request-Id", requestId);
    getMetrics().httpRequests.inc({ route, method: request.method, status: String(response.status) });
    // Access log at debug only: route pattern, never the URL (query strings) nor headers (cookies).
    logger().debug("request", { requestId, route, method: request.method, status: response.status, ms: Math.round(performance.now() - started) });
    return response;
  };
}

/** Maps a lib Result to JSON: the value (optionally reshaped) or the error body with its status. */
export function resultResponse<T>(result: Result<T>, present: (value: T) => unknown = (v) => v): Response {
  if (!result.ok) return jsonError(result.code, { message: result.message, details: result.details });
  return NextResponse.json(present(result.value));
}

/** Answers every method a route does not implement with a JSON 405 and an Allow header. */
export function methodNotAllowed(route: string, allowed: string[]) {
  return apiHandler(route, async () => jsonError("METHOD_NOT_ALLOWED", { headers: { Allow: allowed.join(", ") } }));
}

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== "object") return depth;
  let max = depth;
  for (const v of Object.values(value as Record<string, unknown>)) max = Math.max(max, depthOf(v, depth + 1));
  return max;
}

/** Reads a bounded JSON body and validates it; failures are AppErrors with 4xx codes. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES) throw new AppError("PAYLOAD_TOO_LARGE");
  const text = await readBoundedText(request, MAX_JSON_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON");
  }
  if (depthOf(value) > MAX_JSON_DEPTH) throw new AppError("INVALID_INPUT", "The JSON body is nested too deeply.");
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", undefined, {
      issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}

async function readBoundedText(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new AppError("PAYLOAD_TOO_LARGE");
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

/**
 * CSRF: state-changing requests must come from our own origin. Browsers send Sec-Fetch-Site and Origin on
 * every cross-site POST/DELETE; a request with neither is not from a browser page (curl, server-to-server).
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new AppError("CSRF_REJECTED");
  const origin = request.headers.get("origin");
  if (!origin) return;
  const expected = getConfig().appOrigin ?? originOf(request);
  if (origin !== expected) throw new AppError("CSRF_REJECTED");
}

function originOf(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? url.protocol.replace(":", "");
  return `${proto}://${host}`;
}

/** The session from the request cookie (cached validator), or null. */
export async function sessionOf(ctx: ApiContext): Promise<SessionContext | null> {
  const token = await readSessionToken(ctx.runtime);
  return token ? ctx.runtime.sessions.validateSessionWithCache(token) : null;
}

export async function requireApiSession(ctx: ApiContext): Promise<SessionContext> {
  const session = await sessionOf(ctx);
  if (!session) throw new AppError("UNAUTHENTICATED");
  return session;
}

/** Staff (admin or support), never while impersonating. */
export async function requireApiStaff(ctx: ApiContext): Promise<SessionContext> {
  const session = await requireApiSession(ctx);
  if (session.impersonation) throw new AppError("FORBIDDEN_WHILE_IMPERSONATING");
  if (!mayImpersonateAnyone(session.user.role)) throw new AppError("FORBIDDEN");
  return session;
}

export async function requireApiAdmin(ctx: ApiContext): Promise<SessionContext> {
  const session = await requireApiStaff(ctx);
  if (session.user.role !== "admin") throw new AppError("FORBIDDEN");
  return session;
}

export function metadataOf(ctx: ApiContext) {
  return metadataFromHeaders(ctx.request.headers);
}
