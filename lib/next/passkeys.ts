import "server-only";
import { headers } from "next/headers";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { FactorAnswer } from "../auth/mfa/service";
import { relyingPartyFor, type RelyingParty } from "../auth/mfa/webauthn";
import { AssertionJson } from "../auth/mfa/webauthn-json";
import { AppError } from "../errors";
import { isCrossSiteRequest, requestOrigin } from "../http/same-origin";
import type { Runtime } from "../runtime";
import type { ApiContext } from "./api-handler";

/** The relying party for this request: the configured one, else this request's own origin (the CSRF rule's). */
export function relyingPartyOf(ctx: ApiContext): RelyingParty {
  const { config } = ctx.runtime;
  const rp = relyingPartyFor(config.mfa.webauthn, requestOrigin(ctx.request.headers, { url: ctx.request.url, appOrigin: config.appOrigin }));
  if (!rp) throw new AppError("PASSKEY_UNAVAILABLE");
  return rp;
}

type ParsedAnswer = { method: "passkey"; response: unknown } | { method: "totp" | "recovery"; code: string };

/** A passkey's assertion (its outline checked by the route's schema) with the relying party it must match. */
export function passkeyAnswerOf(ctx: ApiContext, response: unknown): Extract<FactorAnswer, { method: "passkey" }> {
  // @simplewebauthn/server checks every field the outline did not.
  return { method: "passkey", response: response as AuthenticationResponseJSON, rp: relyingPartyOf(ctx) };
}

/** A parsed body as the answer the service checks. */
export function factorAnswerOf(ctx: ApiContext, body: ParsedAnswer): FactorAnswer {
  return body.method === "passkey" ? passkeyAnswerOf(ctx, body.response) : body;
}

/**
 * The relying party for a server action. An action has no request URL to take the scheme from; the browser's
 * Origin header has it, and the proxy's CSRF rule has already matched that header against the host.
 */
export async function actionRelyingParty(runtime: Runtime): Promise<RelyingParty | null> {
  const h = await headers();
  const settings = { appOrigin: runtime.config.appOrigin };
  const origin = requestOrigin(h, settings) ?? (isCrossSiteRequest(h, settings) ? null : h.get("origin"));
  return relyingPartyFor(runtime.config.mfa.webauthn, origin);
}

/**
 * A passkey answer posted in a form field (JSON, filled in by the page's script just before the post), as the
 * answer the service checks; null when the field is empty or not an assertion.
 */
export async function passkeyFieldAnswer(runtime: Runtime, field: string | undefined): Promise<Extract<FactorAnswer, { method: "passkey" }> | null> {
  if (!field) return null;
  let json: unknown;
  try {
    json = JSON.parse(field);
  } catch {
    return null;
  }
  const parsed = AssertionJson.safeParse(json);
  const rp = parsed.success ? await actionRelyingParty(runtime) : null;
  // The outline was checked just now; @simplewebauthn/server checks the rest.
  return parsed.success && rp ? { method: "passkey", response: parsed.data as AuthenticationResponseJSON, rp } : null;
}
