import { z } from "zod";
import { GRANT_WINDOWS, grantAccess, grantsOf, type GrantWindow } from "@/lib/impersonation/grants";
import { grantJson } from "@/lib/impersonation/grant-json";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiSession } from "@/lib/next/api";

const ROUTE = "/api/account/grants";
const WINDOWS = Object.keys(GRANT_WINDOWS) as [GrantWindow, ...GrantWindow[]];
const Body = z.object({ mode: z.enum(["read", "write"]), window: z.enum(WINDOWS) });

/**
 * The caller's support access: live grants and staff requests waiting for an answer. Readable from inside an
 * impersonation, as on /account (the staff member sees what consent they have); answering is the owner's.
 */
export const GET = apiHandler(ROUTE, async (ctx) => {
  const session = await requireApiSession(ctx);
  const now = ctx.runtime.clock();
  const { active, pending } = await grantsOf(ctx.runtime.database.db, session.user.id, now);
  const disclose = ctx.runtime.config.impersonation.disclose;
  return Response.json({
    consent: ctx.runtime.config.impersonation.consent,
    grants: active.map((g) => grantJson(g, now, disclose)),
    requests: pending.map((r) => grantJson(r, now, disclose)),
  });
});

/** Grants support access of `mode` for `window` (1h, 24h, 7d). The account's owner only, never an impersonator. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx, "own-account");
  const body = await readJson(ctx.request, Body);
  const result = await grantAccess(ctx.runtime.grants, session, { scope: body.mode, window: body.window }, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message });
  return Response.json({ grant: grantJson(result.value, ctx.runtime.clock()) }, { status: 201 });
});

export const PUT = methodNotAllowed(ROUTE, ["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
