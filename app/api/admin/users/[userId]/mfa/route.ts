import { z } from "zod";
import { NextResponse } from "next/server";
import { resetUserSecondFactors } from "@/lib/auth/mfa/admin-reset";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiAdmin } from "@/lib/next/api";
import { factorAnswerOf } from "@/lib/next/passkeys";
import { FactorAnswer } from "../../../../auth/mfa/schemas";

const ROUTE = "/api/admin/users/[userId]/mfa";
const Body = z.object({ reason: z.string().max(2000), stepUp: FactorAnswer.optional() });

/**
 * Resets a user's second factors (authenticator app, passkeys, recovery codes) and ends all their sessions.
 * Admins only; a reason is required; the admin's own factor must be fresh, or answered here as `stepUp`.
 */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const body = await readJson(ctx.request, Body);
  const stepUp = body.stepUp ? factorAnswerOf(ctx, body.stepUp) : null;
  const result = await resetUserSecondFactors(ctx.runtime.mfa, session, ctx.params.userId ?? "", { reason: body.reason, stepUp }, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message, details: result.details });
  return NextResponse.json({ reset: true, revokedSessions: result.value.revoked });
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
