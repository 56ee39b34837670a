import { logout } from "@/lib/auth/logout";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed } from "@/lib/next/api";
import { clearSessionCookie, readSessionToken } from "@/lib/next/cookies";

const ROUTE = "/api/auth/logout";

export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  await logout(ctx.runtime, await readSessionToken(ctx.runtime), metadataOf(ctx));
  await clearSessionCookie(ctx.runtime);
  return Response.json({ ok: true });
}, { readOnlyExit: "sign-out" });

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
