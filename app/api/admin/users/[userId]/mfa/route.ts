import { z } from "zod";
import { resetUserSecondFactors } from "@/lib/auth/mfa/admin-reset";
import type { StepUpAnswer } from "@/lib/auth/step-up";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, readJson, requireApiAdmin, type ApiContext } from "@/lib/next/api";
import { factorAnswerOf } from "@/lib/next/passkeys";
import { refusalResponse, StepUpBody, stepUpAnswerOf } from "@/lib/next/step-up";
import { FactorAnswer } from "../../../../auth/mfa/schemas";

const ROUTE = "/api/admin/users/[userId]/mfa";
/** The step-up as every admin route takes it (`password` / `code` / `passkey`), or in the older `stepUp` shape. */
const Body = StepUpBody.extend({ reason: z.string().max(2000), stepUp: FactorAnswer.optional() });

function answerOf(ctx: ApiContext, body: z.infer<typeof Body>): StepUpAnswer {
  if (!body.stepUp) return stepUpAnswerOf(ctx, body);
  const factor = factorAnswerOf(ctx, body.stepUp);
  return factor.method === "passkey" ? { passkey: factor } : { code: factor.code };
}

/**
 * Resets a user's second factors (authenticator app, passkeys, recovery codes) and ends all their sessions.
 * Admins only; a reason is required; the admin's step-up must be fresh, or answered here.
 */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const body = await readJson(ctx.request, Body);
  const result = await resetUserSecondFactors(ctx.runtime, session, ctx.params.userId ?? "", { reason: body.reason, stepUp: answerOf(ctx, body) }, metadataOf(ctx));
  if (!result.ok) return refusalResponse(result);
  return Response.json({ reset: true, revokedSessions: result.value.revoked });
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
