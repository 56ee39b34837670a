import { z } from "zod";
import { answerRequest, GRANT_WINDOWS, type GrantWindow } from "@/lib/impersonation/grants";
import { grantJson } from "@/lib/impersonation/grant-json";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiSession } from "@/lib/next/api";

const ROUTE = "/api/account/access-requests/[requestId]";
const WINDOWS = Object.keys(GRANT_WINDOWS) as [GrantWindow, ...GrantWindow[]];
// An approval without a window gets the shortest: least privilege when the caller did not say.
const Body = z.object({ answer: z.enum(["approve", "decline"]), window: z.enum(WINDOWS).default("1h") });

/** Approves (a grant for `window`) or declines a staff request for access. The owner only, never an impersonator. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx, "own-account");
  const body = await readJson(ctx.request, Body);
  const result = await answerRequest(ctx.runtime.grants, session, { requestId: ctx.params.requestId ?? "", answer: body.answer, window: body.window }, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message });
  return Response.json({ request: grantJson(result.value, ctx.runtime.clock()) });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
