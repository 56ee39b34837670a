import { revokeOwnSession } from "@/lib/account/account";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, requireApiSession } from "@/lib/next/api";
import { clearSessionCookie } from "@/lib/next/cookies";

const ROUTE = "/api/auth/sessions/[sessionId]";

/** Revokes one of the caller's own sessions; someone else's answers 404 exactly like a missing one. */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  const id = ctx.params.sessionId ?? "";
  const result = await revokeOwnSession(ctx.runtime, session, id, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message });
  const current = id === session.sessionId;
  if (current) await clearSessionCookie(ctx.runtime);
  return Response.json({ revoked: result.value.revoked, signedOut: current });
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
