import { z } from "zod";
import { confirmTotpEnrolment } from "@/lib/auth/mfa/service";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiSession } from "@/lib/next/api";
import { writeSessionCookie } from "@/lib/next/cookies";

const ROUTE = "/api/auth/mfa/totp/confirm";
const Body = z.object({ code: z.string().min(1).max(64) });

/** The first code from the app: enrolment done, ten recovery codes returned (only here, only now). */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  const body = await readJson(ctx.request, Body);
  const result = await confirmTotpEnrolment(ctx.runtime.mfa, session, body.code, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message, details: result.details });
  await writeSessionCookie(ctx.runtime, result.value.token);
  return Response.json({ enrolled: true, recoveryCodes: result.value.recoveryCodes });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
