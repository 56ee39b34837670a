/**
 * Passkeys on an account: registering one or more, listing, removing, and the options a browser needs to
 * answer a sign-in or a step-up with one. Adding a factor to an account that has one already, and removing
 * one, need a fresh second factor (IMPERSONATION_REAUTH_WINDOW): a stolen session alone cannot plant a
 * passkey of its own or strip the account's.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { fail, ok, type Result } from "../../errors";
import type { SessionContext, SessionMetadata } from "../../session/types";
import { findLoginChallenge } from "./challenges";
import { stepUpDue } from "../step-up";
import { audit, hasSecondFactor, type MfaDeps } from "./factors";
import { countPasskeys, insertPasskey, PASSKEY_NAME_MAX, removePasskey } from "./passkeys";
import { mfaRequirement } from "./policy";
import { removeRecoveryCodes, replaceRecoveryCodes } from "./recovery-codes";
import { refuseWhileImpersonating } from "./service";
import { authenticationOptions, checkRegistration, registrationOptions, type RelyingParty } from "./webauthn";

/**
 * A factor change on an account with factors needs one of them verified within the step-up window. The
 * freshness is the one step-up rule's (stepUpDue), with two differences that make this a rule of its own: the
 * window is MfaDeps.stepUpWindowS (never below five minutes, since a passkey change spans two requests), and an
 * account without a second factor needs none (its first enrolment only needs the signed-in session).
 */
async function refuseWithoutFreshFactor(deps: MfaDeps, session: SessionContext): Promise<Result<never> | null> {
  const due = await stepUpDue({ db: deps.db, sessions: deps.sessions, windowS: deps.stepUpWindowS }, session);
  return due === null || due === "password" ? null : fail("STEP_UP_REQUIRED", { stepUpWith: due });
}

async function refuseChange(deps: MfaDeps, session: SessionContext): Promise<Result<never> | null> {
  const refused = refuseWhileImpersonating(session);
  if (refused) return refused;
  if (mfaRequirement(session.user.role, deps.policy) === "off") return fail("MFA_DISABLED");
  return refuseWithoutFreshFactor(deps, session);
}

export async function startPasskeyRegistration(deps: MfaDeps, session: SessionContext, rp: RelyingParty): Promise<Result<PublicKeyCredentialCreationOptionsJSON>> {
  const refused = await refuseChange(deps, session);
  if (refused) return refused;
  return ok(await registrationOptions(deps.db, rp, session.user, deps.sessions.clock()));
}

/** A name a person can recognise the passkey by; a default when none was given. */
export function passkeyName(raw: string | undefined, count: number): string {
  const name = [...(raw ?? "").replace(/\s+/g, " ").trim()].slice(0, PASSKEY_NAME_MAX).join("");
  return name || `Passkey ${count + 1}`;
}

/**
 * Stores a verified new passkey. The first factor on an account also brings ten recovery codes (shown once),
 * ends every other session and continues on a fresh aal-2 session, as enrolling an authenticator app does.
 */
export async function finishPasskeyRegistration(
  deps: MfaDeps,
  session: SessionContext,
  input: { rp: RelyingParty; name?: string; response: RegistrationResponseJSON },
  metadata: SessionMetadata,
): Promise<Result<{ id: string; name: string; recoveryCodes: string[] | null; token: string | null }>> {
  const refused = await refuseChange(deps, session);
  if (refused) return refused;
  const userId = session.user.id;
  const now = deps.sessions.clock();
  const firstFactor = !(await hasSecondFactor(deps.db, userId));
  const checked = await checkRegistration(deps.db, input.rp, userId, input.response, now);
  if (checked.outcome !== "ok") {
    await audit(deps, "mfa.failed", userId, userId, metadata, { method: "passkey", cause: checked.outcome, during: "enrolment" });
    return fail("PASSKEY_REJECTED", { cause: checked.outcome });
  }
  const name = passkeyName(input.name, await countPasskeys(deps.db, userId));
  const stored = await insertPasskey(deps.db, { ...checked.credential, userId, name, createdAt: new Date(now) });
  if (!stored) return fail("PASSKEY_REJECTED", { cause: "duplicate" });
  await audit(deps, "mfa.enrol", userId, userId, metadata, { method: "passkey", credentialId: checked.credential.id, name });
  if (!firstFactor) return ok({ id: checked.credential.id, name, recoveryCodes: null, token: null });
  const recoveryCodes = await replaceRecoveryCodes(deps.db, userId);
  await deps.sessions.revokeUserSessionsWithCache(userId);
  const issued = await deps.sessions.createSession(userId, metadata, true);
  return ok({ id: checked.credential.id, name, recoveryCodes, token: issued.token });
}

/**
 * Removes one of the caller's passkeys. Removing the last factor on the account turns two-step verification
 * off: recovery codes go, other sessions end, and this browser continues on a fresh aal-1 session.
 */
export async function removeOwnPasskey(deps: MfaDeps, session: SessionContext, credentialId: string, metadata: SessionMetadata): Promise<Result<{ token: string | null }>> {
  const refused = await refuseChange(deps, session);
  if (refused) return refused;
  const userId = session.user.id;
  // Credential ids are base64url: anything else names no passkey, and must not reach Postgres (a NUL is a 500 there).
  if (!/^[A-Za-z0-9_-]{1,1023}$/.test(credentialId)) return fail("PASSKEY_NOT_FOUND");
  if (!(await removePasskey(deps.db, userId, credentialId))) return fail("PASSKEY_NOT_FOUND");
  await audit(deps, "mfa.passkey_remove", userId, userId, metadata, { credentialId });
  if (await hasSecondFactor(deps.db, userId)) return ok({ token: null });
  await removeRecoveryCodes(deps.db, userId);
  await audit(deps, "mfa.disable", userId, userId, metadata, { method: "passkey" });
  await deps.sessions.revokeUserSessionsWithCache(userId);
  const issued = await deps.sessions.createSession(userId, metadata);
  return ok({ token: issued.token });
}

/** Options for answering the pending sign-in (behind its challenge cookie) with a passkey. */
export async function passkeySignInOptions(deps: MfaDeps, challengeToken: string | null, rp: RelyingParty): Promise<Result<PublicKeyCredentialRequestOptionsJSON>> {
  const challenge = await findLoginChallenge(deps.db, challengeToken, deps.sessions.clock());
  if (!challenge) return fail("MFA_CHALLENGE_EXPIRED");
  const options = await authenticationOptions(deps.db, rp, challenge.userId, deps.sessions.clock());
  return options ? ok(options) : fail("MFA_NOT_ENROLLED");
}

/** Options for a step-up with a passkey on the current session. */
export async function passkeyStepUpOptions(deps: MfaDeps, session: SessionContext, rp: RelyingParty): Promise<Result<PublicKeyCredentialRequestOptionsJSON>> {
  const refused = refuseWhileImpersonating(session);
  if (refused) return refused;
  const options = await authenticationOptions(deps.db, rp, session.user.id, deps.sessions.clock());
  return options ? ok(options) : fail("MFA_NOT_ENROLLED");
}
