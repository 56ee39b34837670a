import { revokeAllSessionsOf } from "@/lib/admin/user-admin";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, requireApiAdmin, resultResponse } from "@/lib/next/api";

const ROUTE = "/api/admin/users/[userId]/sessions";

/** Signs a user out everywhere, including any impersonation they are running. Admins only. */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  return resultResponse(await revokeAllSessionsOf(ctx.runtime, session, ctx.params.userId ?? "", metadataOf(ctx)));
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
