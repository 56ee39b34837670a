import { revokeGrant } from "@/lib/impersonation/grants";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, requireApiSession } from "@/lib/next/api";

const ROUTE = "/api/account/grants/[grantId]";

/**
 * Revokes one of the caller's live grants; every impersonation relying on it ends at once. Someone else's
 * grant, an ended one and a malformed id all answer 404 GRANT_NOT_FOUND alike. The owner only.
 */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx, "own-account");
  const result = await revokeGrant(ctx.runtime.grants, session, ctx.params.grantId ?? "", metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message });
  return Response.json({ revoked: true, endedImpersonations: result.value.ended });
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
