import { startTotpEnrolment, disableSecondFactor } from "@/lib/auth/mfa/service";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiSession, resultResponse } from "@/lib/next/api";
import { writeSessionCookie } from "@/lib/next/cookies";
import { factorAnswerOf } from "@/lib/next/passkeys";
import { FactorAnswer } from "../schemas";

const ROUTE = "/api/auth/mfa/totp";

/** Starts (or restarts) enrolment: a new secret to show as a QR code and as text. Confirmed by POST …/confirm. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  return resultResponse(await startTotpEnrolment(ctx.runtime.mfa, session));
});

/** Turns the authenticator off; needs a fresh code (or recovery code). Other sessions end; this one is renewed. */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  const body = await readJson(ctx.request, FactorAnswer);
  const result = await disableSecondFactor(ctx.runtime.mfa, session, factorAnswerOf(ctx, body), metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message, details: result.details });
  await writeSessionCookie(ctx.runtime, result.value.token);
  return Response.json({ disabled: true });
});

export const GET = methodNotAllowed(ROUTE, ["POST", "DELETE"]);
export const PUT = GET;
export const PATCH = GET;
