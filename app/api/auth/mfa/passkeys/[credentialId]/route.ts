import { removeOwnPasskey } from "@/lib/auth/mfa/passkey-service";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, requireApiSession } from "@/lib/next/api";
import { writeSessionCookie } from "@/lib/next/cookies";

const ROUTE = "/api/auth/mfa/passkeys/[credentialId]";

/** Removes one of the caller's passkeys; needs a fresh second factor (POST /api/auth/mfa/step-up first). */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  const id = (ctx.params.credentialId ?? "").slice(0, 1024);
  const result = await removeOwnPasskey(ctx.runtime.mfa, session, id, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message, details: result.details });
  if (result.value.token) await writeSessionCookie(ctx.runtime, result.value.token);
  return Response.json({ removed: true, secondFactorOn: result.value.token === null });
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
