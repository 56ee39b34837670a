import { z } from "zod";
import { login } from "@/lib/auth/login";
import { AppError } from "@/lib/errors";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson } from "@/lib/next/api";
import { readSessionToken, writeChallengeCookie, writeSessionCookie } from "@/lib/next/cookies";

const ROUTE = "/api/auth/login";
const Body = z.object({ email: z.string().max(320), password: z.string().max(1024) });

export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const body = await readJson(ctx.request, Body);
  const { runtime } = ctx;
  const result = await login(
    runtime.login,
    { email: body.email, password: body.password, metadata: metadataOf(ctx), previousToken: await readSessionToken(runtime) },
  );
  if (!result.ok) {
    const retryAfter = result.details?.retryAfter;
    return jsonError(result.code, retryAfter ? { headers: { "Retry-After": String(retryAfter) }, details: { retryAfter } } : undefined);
  }
  if (result.value.kind === "mfa") {
    // No session yet: the pending sign-in's cookie, and what the client must send to POST /api/auth/mfa/verify.
    await writeChallengeCookie(runtime, result.value.challengeToken);
    return Response.json({ mfa: "required", methods: result.value.methods });
  }
  await writeSessionCookie(runtime, result.value.token);
  const session = await runtime.sessions.validateSessionWithCache(result.value.token);
  if (!session) throw new AppError("SERVICE_UNAVAILABLE");
  return Response.json({ user: session.user });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
