import { z } from "zod";
import { revokeAllSessionsOf } from "@/lib/admin/user-admin";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, readJson, requireApiAdmin, resultResponse } from "@/lib/next/api";
import { refusalResponse, StepUpBody, stepUpAnswerOf } from "@/lib/next/step-up";

const ROUTE = "/api/admin/users/[userId]/sessions";
const Body = StepUpBody.extend({ reason: z.string().max(500).optional() });

/**
 * Signs a user out everywhere, including any impersonation they are running. Admins only, with a step-up: the
 * answer (`password`, `code` or `passkey`) and an optional `reason` in a JSON body, which a fresh session may omit.
 */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const body = ctx.request.headers.get("content-type") ? await readJson(ctx.request, Body) : {};
  const result = await revokeAllSessionsOf(ctx.runtime, session, ctx.params.userId ?? "", metadataOf(ctx), body.reason ?? null, stepUpAnswerOf(ctx, body));
  return result.ok ? resultResponse(result) : refusalResponse(result);
});

export const GET = methodNotAllowed(ROUTE, ["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
