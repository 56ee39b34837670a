import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { FactorAnswer } from "../auth/mfa/service";
import { relyingPartyFor, type RelyingParty } from "../auth/mfa/webauthn";
import { AppError } from "../errors";
import { requestOrigin } from "../http/same-origin";
import type { ApiContext } from "./api-handler";

/** The relying party for this request: the configured one, else this request's own origin (the CSRF rule's). */
export function relyingPartyOf(ctx: ApiContext): RelyingParty {
  const { config } = ctx.runtime;
  const rp = relyingPartyFor(config.mfa.webauthn, requestOrigin(ctx.request.headers, { url: ctx.request.url, appOrigin: config.appOrigin }));
  if (!rp) throw new AppError("PASSKEY_UNAVAILABLE");
  return rp;
}

type ParsedAnswer = { method: "passkey"; response: unknown } | { method: "totp" | "recovery"; code: string };

/** A parsed body as the answer the service checks; a passkey's answer gets the relying party it must match. */
export function factorAnswerOf(ctx: ApiContext, body: ParsedAnswer): FactorAnswer {
  if (body.method !== "passkey") return body;
  // The outline was checked by the route's schema; @simplewebauthn/server checks the rest.
  return { method: "passkey", response: body.response as AuthenticationResponseJSON, rp: relyingPartyOf(ctx) };
}
