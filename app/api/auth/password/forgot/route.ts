import { z } from "zod";
import { requestPasswordReset, RESET_REQUESTED_MESSAGE } from "@/lib/account/password-reset";
import { afterResponse } from "@/lib/next/after-response";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson } from "@/lib/next/api";

const ROUTE = "/api/auth/password/forgot";
const Body = z.object({ email: z.string().max(320) });

/**
 * Forgot password: 202 with one body for every well-formed email, whether it has an account, is banned or has
 * used its hourly budget (the mail, if any, is sent after this answer). 429 only for the caller's own address.
 */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const body = await readJson(ctx.request, Body);
  const result = await requestPasswordReset(ctx.runtime.passwordReset, body, metadataOf(ctx), afterResponse);
  if (!result.ok) {
    const retryAfter = result.details?.retryAfter;
    return jsonError(result.code, { message: result.message, ...(retryAfter ? { headers: { "Retry-After": String(retryAfter) }, details: { retryAfter } } : {}) });
  }
  return Response.json({ accepted: true, message: RESET_REQUESTED_MESSAGE }, { status: 202, headers: { "Cache-Control": "no-store" } });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
