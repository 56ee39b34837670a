/**
 * Passkey ceremonies through @simplewebauthn/server: options with a stored challenge, and the checks of what
 * the browser sends back. Challenges are single-use (deleted before the answer is checked, so a replay or a
 * second try finds nothing) and live a few minutes. User verification is required: a passkey then stands for
 * something the person has and something they are or know (PIN, biometric), which is what makes it the
 * strongest factor a staff member can hold, and a lost security key alone is useless.
 */
import { and, eq, gt, lt } from "drizzle-orm";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { decodeClientDataJSON, isoBase64URL } from "@simplewebauthn/server/helpers";
import { webauthnChallenges, type WebauthnCeremony } from "../../db/schema";
import type { Db } from "../../db/types";
import { findUserPasskey, passkeyDescriptors, recordPasskeyUse } from "./passkeys";

export const WEBAUTHN_CHALLENGE_TTL_S = 5 * 60;
const USER_VERIFICATION = "required" as const;

/** Who the passkeys belong to: the RP ID they are scoped to, its display name, and the one origin accepted. */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

/** The configured relying party, or one derived from the request's own origin when none is configured. */
export function relyingPartyFor(settings: { rpName: string; origin?: string; rpId?: string }, requestOrigin: string | null): RelyingParty | null {
  const origin = settings.origin ?? requestOrigin;
  if (!origin) return null;
  return { id: settings.rpId ?? new URL(origin).hostname, name: settings.rpName, origin };
}

async function storeChallenge(db: Db, challenge: string, userId: string, ceremony: WebauthnCeremony, nowMs: number): Promise<void> {
  // Expired challenges of anyone go with each new one: the table holds only what is still answerable.
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, new Date(nowMs)));
  await db.insert(webauthnChallenges).values({ challenge, userId, ceremony, expiresAt: new Date(nowMs + WEBAUTHN_CHALLENGE_TTL_S * 1000) });
}

/** The challenge the browser signed, taken from its clientDataJSON; null when that is not readable. */
function signedChallenge(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== "string") return null;
  try {
    const challenge = decodeClientDataJSON(clientDataJSON).challenge;
    return typeof challenge === "string" ? challenge : null;
  } catch {
    return null;
  }
}

/** Deletes the challenge if it is this user's, for this ceremony, and unexpired: true for the one caller that did. */
async function consumeChallenge(db: Db, challenge: string, userId: string, ceremony: WebauthnCeremony, nowMs: number): Promise<boolean> {
  const deleted = await db
    .delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.challenge, challenge), eq(webauthnChallenges.userId, userId), eq(webauthnChallenges.ceremony, ceremony), gt(webauthnChallenges.expiresAt, new Date(nowMs))))
    .returning({ challenge: webauthnChallenges.challenge });
  return deleted.length > 0;
}

export async function registrationOptions(db: Db, rp: RelyingParty, user: { id: string; email: string; name: string }, nowMs: number): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await passkeyDescriptors(db, user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    // The account id, not the email: it never changes, and it tells the authenticator nothing personal.
    userID: new TextEncoder().encode(user.id),
    timeout: WEBAUTHN_CHALLENGE_TTL_S * 1000,
    attestationType: "none",
    excludeCredentials: existing,
    authenticatorSelection: { residentKey: "preferred", userVerification: USER_VERIFICATION },
  });
  await storeChallenge(db, options.challenge, user.id, "register", nowMs);
  return options;
}

export type RegistrationCheck =
  | { outcome: "ok"; credential: { id: string; publicKey: string; counter: number; transports: string[] } }
  | { outcome: "challenge" | "invalid" };

export async function checkRegistration(db: Db, rp: RelyingParty, userId: string, response: RegistrationResponseJSON, nowMs: number): Promise<RegistrationCheck> {
  const challenge = signedChallenge(response.response?.clientDataJSON);
  if (!challenge || !(await consumeChallenge(db, challenge, userId, "register", nowMs))) return { outcome: "challenge" };
  try {
    const verified = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
    if (!verified.verified) return { outcome: "invalid" };
    const { credential } = verified.registrationInfo;
    return {
      outcome: "ok",
      credential: { id: credential.id, publicKey: isoBase64URL.fromBuffer(credential.publicKey), counter: credential.counter, transports: credential.transports ?? [] },
    };
  } catch {
    // Wrong origin or RP ID, a bad signature, a malformed answer: all the same to the caller.
    return { outcome: "invalid" };
  }
}

export async function authenticationOptions(db: Db, rp: RelyingParty, userId: string, nowMs: number): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const allowCredentials = await passkeyDescriptors(db, userId);
  if (allowCredentials.length === 0) return null;
  const options = await generateAuthenticationOptions({ rpID: rp.id, allowCredentials, userVerification: USER_VERIFICATION, timeout: WEBAUTHN_CHALLENGE_TTL_S * 1000 });
  await storeChallenge(db, options.challenge, userId, "authenticate", nowMs);
  return options;
}

export type AssertionCheck = "ok" | "challenge" | "unknown_credential" | "invalid" | "counter_regression";

/**
 * Checks a passkey answer for this user. The signature is checked first; then the counter: an authenticator
 * that counts must count up, and one that answers with a counter not above the stored one may be a clone.
 */
export async function checkAssertion(db: Db, rp: RelyingParty, userId: string, response: AuthenticationResponseJSON, nowMs: number): Promise<AssertionCheck> {
  const challenge = signedChallenge(response.response?.clientDataJSON);
  if (!challenge || !(await consumeChallenge(db, challenge, userId, "authenticate", nowMs))) return "challenge";
  const stored = typeof response.id === "string" ? await findUserPasskey(db, userId, response.id) : null;
  if (!stored) return "unknown_credential";
  let newCounter: number;
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      // Counter 0 here: the library then checks the signature only, and the counter rule is ours, below.
      credential: { id: stored.id, publicKey: isoBase64URL.toBuffer(stored.publicKey), counter: 0, transports: stored.transports },
      requireUserVerification: true,
    });
    if (!verified.verified) return "invalid";
    newCounter = verified.authenticationInfo.newCounter;
  } catch {
    return "invalid";
  }
  if ((newCounter > 0 || stored.counter > 0) && newCounter <= stored.counter) return "counter_regression";
  return (await recordPasskeyUse(db, stored.id, stored.counter, newCounter, new Date(nowMs))) ? "ok" : "counter_regression";
}
