import { z } from "zod";
import { changePassword } from "@/lib/account/account";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiSession } from "@/lib/next/api";
import { writeSessionCookie } from "@/lib/next/cookies";

const ROUTE = "/api/auth/password";
const Body = z.object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) });

/** Change the password: every other sign-in ends, and this browser continues on a fresh token. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  // Refused before the body is read: an impersonator gets the same answer whatever they send.
  const session = await requireApiSession(ctx, "own-account");
  const body = await readJson(ctx.request, Body);
  const result = await changePassword(ctx.runtime, session, body, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message });
  await writeSessionCookie(ctx.runtime, result.value.token);
  return Response.json({ changed: true });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
