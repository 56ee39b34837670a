import { completeSignIn } from "@/lib/auth/mfa/service";
import { AppError } from "@/lib/errors";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson } from "@/lib/next/api";
import { clearChallengeCookie, readChallengeToken, writeSessionCookie } from "@/lib/next/cookies";
import { factorAnswerOf } from "@/lib/next/passkeys";
import { FactorAnswer } from "../schemas";

const ROUTE = "/api/auth/mfa/verify";

/** Completes a sign-in that `POST /api/auth/login` left waiting for its second factor. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const body = await readJson(ctx.request, FactorAnswer);
  const { runtime } = ctx;
  const result = await completeSignIn(runtime.mfa, { challengeToken: await readChallengeToken(runtime), ...factorAnswerOf(ctx, body) }, metadataOf(ctx));
  if (!result.ok) {
    if (result.code === "MFA_CHALLENGE_EXPIRED") await clearChallengeCookie(runtime);
    const retryAfter = result.details?.retryAfter;
    return jsonError(result.code, retryAfter ? { headers: { "Retry-After": String(retryAfter) }, details: { retryAfter } } : undefined);
  }
  await clearChallengeCookie(runtime);
  await writeSessionCookie(runtime, result.value.token);
  const session = await runtime.sessions.validateSessionWithCache(result.value.token);
  if (!session) throw new AppError("SERVICE_UNAVAILABLE");
  return Response.json({ user: session.user, session: { aal: session.aal } });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
