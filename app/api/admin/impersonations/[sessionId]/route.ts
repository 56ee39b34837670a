import { AppError } from "@/lib/errors";
import { forceEndImpersonation } from "@/lib/impersonation/service";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, requireApiAdmin, resultResponse } from "@/lib/next/api";
import { isWellFormedSessionId } from "@/lib/session/token";

const ROUTE = "/api/admin/impersonations/[sessionId]";

/** "End now": force-ends someone's live impersonation. */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const id = ctx.params.sessionId ?? "";
  if (!isWellFormedSessionId(id)) throw new AppError("INVALID_ID");
  const result = await forceEndImpersonation(ctx.runtime.impersonation, session, id, metadataOf(ctx));
  return resultResponse(result, () => ({ ended: true }));
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
