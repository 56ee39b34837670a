import { z } from "zod";
import { finishPasskeyRegistration } from "@/lib/auth/mfa/passkey-service";
import { listPasskeys } from "@/lib/auth/mfa/passkeys";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiSession } from "@/lib/next/api";
import { writeSessionCookie } from "@/lib/next/cookies";
import { relyingPartyOf } from "@/lib/next/passkeys";
import { AttestationJson } from "../schemas";

const ROUTE = "/api/auth/mfa/passkeys";
const Body = z.object({ name: z.string().max(200).optional(), response: AttestationJson });

/** The caller's passkeys: name, when added, when last used. Never the keys themselves. */
export const GET = apiHandler(ROUTE, async (ctx) => {
  const session = await requireApiSession(ctx);
  const passkeys = session.impersonation ? [] : await listPasskeys(ctx.runtime.database.db, session.user.id);
  return Response.json({
    passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null })),
  });
});

/**
 * Registers the passkey the browser created for the options of POST …/registration. The first factor on the
 * account answers ten recovery codes (once) and renews this session; other sessions end.
 */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiSession(ctx);
  const body = await readJson(ctx.request, Body);
  const rp = relyingPartyOf(ctx);
  // The outline was checked above; @simplewebauthn/server checks every field that matters.
  const response = body.response as RegistrationResponseJSON;
  const result = await finishPasskeyRegistration(ctx.runtime.mfa, session, { rp, name: body.name, response }, metadataOf(ctx));
  if (!result.ok) return jsonError(result.code, { message: result.message, details: result.details });
  if (result.value.token) await writeSessionCookie(ctx.runtime, result.value.token);
  return Response.json({ passkey: { id: result.value.id, name: result.value.name }, recoveryCodes: result.value.recoveryCodes }, { status: 201 });
});

export const PUT = methodNotAllowed(ROUTE, ["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
