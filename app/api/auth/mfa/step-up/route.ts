import { stepUpWithFactor } from "@/lib/auth/mfa/service";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiSession } from "@/lib/next/api";
import { factorAnswerOf } from "@/lib/next/passkeys";
import { FactorAnswer } from "../schemas";

const ROUTE = "/api/auth/mfa/step-up";

/** Proves the second factor again on this session, before an impersonation or an admin action. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  const body = await readJson(ctx.request, FactorAnswer);
  const result = await stepUpWithFactor(ctx.runtime.mfa, session, factorAnswerOf(ctx, body), metadataOf(ctx));
  if (!result.ok) {
    const retryAfter = result.details?.retryAfter;
    return jsonError(result.code, retryAfter ? { headers: { "Retry-After": String(retryAfter) }, details: { retryAfter } } : undefined);
  }
  return Response.json({ steppedUp: true });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
