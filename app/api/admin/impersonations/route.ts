import { apiHandler, methodNotAllowed, requireApiStaff } from "@/lib/next/api";

const ROUTE = "/api/admin/impersonations";

export const GET = apiHandler(ROUTE, async (ctx) => {
  await requireApiStaff(ctx);
  const now = ctx.runtime.clock();
  const rows = await ctx.runtime.sessions.listLiveImpersonations();
  return Response.json({
    impersonations: rows.map((r) => ({
      sessionId: r.id,
      reason: r.reason,
      ticket: r.ticket,
      mode: r.mode === "write" ? "write" : "read",
      startedAt: r.startedAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      secondsLeft: Math.max(0, Math.round((r.expiresAt.getTime() - now) / 1000)),
      target: { id: r.targetId, name: r.targetName, email: r.targetEmail },
      actor: { id: r.actorId, name: r.actorName, email: r.actorEmail },
    })),
  });
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
