import { z } from "zod";
import { passkeySignInOptions, passkeyStepUpOptions } from "@/lib/auth/mfa/passkey-service";
import { apiHandler, assertSameOrigin, methodNotAllowed, readJson, requireApiSession, resultResponse } from "@/lib/next/api";
import { readChallengeToken } from "@/lib/next/cookies";
import { relyingPartyOf } from "@/lib/next/passkeys";

const ROUTE = "/api/auth/mfa/passkeys/assertion";
const Body = z.object({ purpose: z.enum(["sign-in", "step-up"]) });

/**
 * Options for `navigator.credentials.get()`: for the pending sign-in (its challenge cookie) or a step-up of the
 * current session. The answer goes to POST /api/auth/mfa/verify or /api/auth/mfa/step-up as `method: "passkey"`.
 */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const { purpose } = await readJson(ctx.request, Body);
  const rp = relyingPartyOf(ctx);
  const { mfa } = ctx.runtime;
  const result =
    purpose === "sign-in" ? await passkeySignInOptions(mfa, await readChallengeToken(ctx.runtime), rp) : await passkeyStepUpOptions(mfa, await requireApiSession(ctx), rp);
  return resultResponse(result, (options) => ({ options }));
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
