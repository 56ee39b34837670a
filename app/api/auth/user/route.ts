import { apiHandler, jsonError, methodNotAllowed, sessionOf } from "@/lib/next/api";
import { presentSession } from "@/lib/session/present";

const ROUTE = "/api/auth/user";

export const GET = apiHandler(ROUTE, async (ctx) => {
  const session = await sessionOf(ctx);
  if (!session) return jsonError("UNAUTHENTICATED");
  return Response.json(presentSession(session));
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
