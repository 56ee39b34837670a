import { z } from "zod";
import { AppError } from "@/lib/errors";
import { recordImpersonationDenial, startImpersonation } from "@/lib/impersonation/service";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, readJson, requireApiSession, resultResponse, sessionOf, type ApiContext } from "@/lib/next/api";
import { writeSessionCookie } from "@/lib/next/cookies";
import { passkeyAnswerOf } from "@/lib/next/passkeys";
import { refusalResponse } from "@/lib/next/step-up";
import { AssertionJson } from "@/lib/auth/mfa/webauthn-json";

const ROUTE = "/api/admin/impersonate/[userId]";
const Body = z.object({
  reason: z.unknown().optional(),
  ticket: z.unknown().optional(),
  mode: z.unknown().optional(),
  password: z.unknown().optional(),
  code: z.unknown().optional(),
  /** A passkey's assertion for the step-up (options from POST /api/auth/mfa/passkeys/assertion, purpose step-up). */
  passkey: AssertionJson.optional(),
});

/** Refusals decided at the edge (cross-site, wrong method) are audited too when the caller is signed in. */
async function denyAtEdge(ctx: ApiContext, error: AppError): Promise<Response> {
  const session = await sessionOf(ctx).catch(() => null);
  if (session) await recordImpersonationDenial(ctx.runtime.database.db, session, error.code, metadataOf(ctx), ctx.params.userId ?? null);
  throw error;
}

export const POST = apiHandler(ROUTE, async (ctx) => {
  try {
    assertSameOrigin(ctx.request);
  } catch (error) {
    return denyAtEdge(ctx, error as AppError);
  }
  const session = await requireApiSession(ctx);
  const body = await readJson(ctx.request, Body);
  const result = await startImpersonation(ctx.runtime.impersonation, {
    context: session,
    targetId: ctx.params.userId ?? "",
    reason: body.reason,
    ticket: body.ticket,
    mode: body.mode,
    password: body.password,
    code: body.code,
    passkey: body.passkey ? passkeyAnswerOf(ctx, body.passkey) : null,
    metadata: metadataOf(ctx),
  });
  // Step-up throttled like login: the same code, and when to try again.
  if (!result.ok && result.code === "RATE_LIMITED") return refusalResponse(result);
  if (result.ok) await writeSessionCookie(ctx.runtime, result.value.token);
  return resultResponse(result, (v) => ({
    impersonating: { id: v.target.id, name: v.target.name, email: v.target.email, role: v.target.role },
    expiresAt: new Date(v.expiresAt).toISOString(),
    mode: v.mode,
  }));
});

const wrongMethod = apiHandler(ROUTE, async (ctx) => {
  const session = await sessionOf(ctx).catch(() => null);
  if (session) await recordImpersonationDenial(ctx.runtime.database.db, session, "METHOD_NOT_ALLOWED", metadataOf(ctx), ctx.params.userId ?? null);
  return jsonError("METHOD_NOT_ALLOWED", { headers: { Allow: "POST" } });
});
export const GET = wrongMethod;
export const PUT = wrongMethod;
export const PATCH = wrongMethod;
export const DELETE = wrongMethod;
