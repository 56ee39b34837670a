import { stopImpersonation } from "@/lib/impersonation/service";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, requireApiSession, resultResponse } from "@/lib/next/api";
import { clearSessionCookie, writeSessionCookie } from "@/lib/next/cookies";

const ROUTE = "/api/admin/impersonate";

/** Stop Impersonation: back to the admin's own session, on a fresh token. */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  const result = await stopImpersonation(ctx.runtime.impersonation, session, metadataOf(ctx));
  if (result.ok) {
    if (result.value.token) await writeSessionCookie(ctx.runtime, result.value.token);
    else await clearSessionCookie(ctx.runtime);
  }
  return resultResponse(result, (v) => ({ stopped: true, signedIn: v.token !== null, redirectTo: "/admin/users" }));
}, { readOnlyExit: "stop-impersonation" });

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
