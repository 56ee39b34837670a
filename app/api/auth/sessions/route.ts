import { revokeOtherSessions } from "@/lib/account/account";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, requireApiSession, resultResponse } from "@/lib/next/api";

const ROUTE = "/api/auth/sessions";

/** The caller's own sign-ins. Not while impersonating: the target's devices and addresses are not the impersonator's business. */
export const GET = apiHandler(ROUTE, async (ctx) => {
  const session = await requireApiSession(ctx, "own-account");
  const rows = await ctx.runtime.sessions.listUserSessions(session.user.id);
  return Response.json({
    sessions: rows.map((r) => ({
      id: r.id,
      current: r.id === session.sessionId,
      createdAt: r.createdAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      ip: r.ip,
      userAgent: r.userAgent,
    })),
  });
});

/** "Sign out everywhere else": every session of the caller but this one. */
export const DELETE = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  return resultResponse(await revokeOtherSessions(ctx.runtime, session, metadataOf(ctx)));
});

export const POST = methodNotAllowed(ROUTE, ["GET", "DELETE"]);
export const PUT = POST;
export const PATCH = POST;
