import { z } from "zod";
import { requestAccess } from "@/lib/impersonation/grants";
import { grantJson } from "@/lib/impersonation/grant-json";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiStaff } from "@/lib/next/api";
import { requestOrigin } from "@/lib/next/request-meta";

const ROUTE = "/api/admin/users/[userId]/access-requests";
const Body = z.object({ mode: z.enum(["read", "write"]), reason: z.string().max(10_000) });

/**
 * Staff ask the user for support access of `mode`, saying why; the user is told (notice and mail) and
 * approves or declines. Only for a user the caller could impersonate; one open request per user.
 */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiStaff(ctx);
  const body = await readJson(ctx.request, Body);
  const result = await requestAccess(
    ctx.runtime.grants,
    session,
    { userId: ctx.params.userId ?? "", scope: body.mode, reason: body.reason, origin: requestOrigin(ctx.request.headers) },
    metadataOf(ctx),
  );
  if (!result.ok) return jsonError(result.code, { message: result.message });
  return Response.json({ request: grantJson(result.value, ctx.runtime.clock()) }, { status: 201 });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
