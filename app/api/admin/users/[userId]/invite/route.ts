import { resendInvitation, revokeInvitation } from "@/lib/account/invitations";
import { requestOrigin } from "@/lib/next/request-meta";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, requireApiAdmin } from "@/lib/next/api";

const ROUTE = "/api/admin/users/[userId]/invite";

/** Resends the invitation: a new link by mail, the old one stops working. Admins only. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const result = await resendInvitation(ctx.runtime.invitations, { actor: session, metadata: metadataOf(ctx), origin: requestOrigin(ctx.request.headers) }, ctx.params.userId ?? "");
  if (!result.ok) return jsonError(result.code, { message: result.message, ...(result.details ? { details: result.details } : {}) });
  return Response.json({ invitation: { status: "pending", expiresAt: result.value.expiresAt.toISOString() } });
});

/** Revokes the invitation: its link stops working; the account stays without a password. Admins only. */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const result = await revokeInvitation(ctx.runtime.invitations, session, ctx.params.userId ?? "", metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message });
  return Response.json({ invitation: { status: "revoked" } });
});

export const GET = methodNotAllowed(ROUTE, ["POST", "DELETE"]);
export const PUT = GET;
export const PATCH = GET;
