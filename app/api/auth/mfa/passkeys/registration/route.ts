import { startPasskeyRegistration } from "@/lib/auth/mfa/passkey-service";
import { apiHandler, assertSameOrigin, methodNotAllowed, requireApiSession, resultResponse } from "@/lib/next/api";
import { relyingPartyOf } from "@/lib/next/passkeys";

const ROUTE = "/api/auth/mfa/passkeys/registration";

/** Options for `navigator.credentials.create()` (via @simplewebauthn/browser), with a single-use challenge. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  return resultResponse(await startPasskeyRegistration(ctx.runtime.mfa, session, relyingPartyOf(ctx)), (options) => ({ options }));
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
