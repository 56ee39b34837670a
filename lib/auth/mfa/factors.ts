/**
 * The second factors a user holds and the one check of an answer to any of them (TOTP code, recovery code,
 * passkey), throttled per account and audited. Sign-in, step-up and turning a factor off all go through it.
 */
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { recordAuditEvent, type AuditAction } from "../../audit/audit";
import type { Db } from "../../db/types";
import { fail, ok, type Result } from "../../errors";
import type { SessionManager } from "../../session/manager";
import type { SessionMetadata } from "../../session/types";
import type { FactorThrottle } from "../rate-limit";
import { countPasskeys } from "./passkeys";
import type { StaffMfaPolicy } from "./policy";
import { remainingRecoveryCodes, spendRecoveryCode } from "./recovery-codes";
import { checkTotpCode, hasConfirmedTotp, type TotpSecretBox } from "./totp";
import { checkAssertion, type RelyingParty } from "./webauthn";

/** Strongest first: the order in which a sign-in or a step-up offers them. */
export const MFA_METHODS = ["passkey", "totp", "recovery"] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];
/** The factors answered by typing a code. */
export const CODE_METHODS = ["totp", "recovery"] as const;

export type FactorAnswer =
  | { method: (typeof CODE_METHODS)[number]; code: string }
  /** `rp` is not the user's to choose: the adapter derives it from the configuration and the request. */
  | { method: "passkey"; response: AuthenticationResponseJSON; rp: RelyingParty };

export interface MfaDeps {
  db: Db;
  sessions: SessionManager;
  box: TotpSecretBox;
  throttle: FactorThrottle;
  policy: StaffMfaPolicy;
  issuer: string;
  webauthn: { rpName: string; origin?: string; rpId?: string };
  /** IMPERSONATION_REAUTH_WINDOW: how recent the strongest factor must be for a staff action answered in one request. */
  reauthWindowS: number;
  /** How recent a second factor must be to add or remove one: the same window, but at least five minutes. */
  stepUpWindowS: number;
}

export async function audit(deps: Pick<MfaDeps, "db">, action: AuditAction, actorId: string, subjectId: string, metadata: SessionMetadata, extra?: Record<string, unknown>) {
  await recordAuditEvent(deps.db, { action, actorId, subjectId, metadata: extra ?? null, ip: metadata.ip, userAgent: metadata.userAgent });
}

/** The second factors a user can answer with right now, strongest first (empty: none enrolled). */
export async function secondFactorMethods(db: Db, userId: string): Promise<MfaMethod[]> {
  const [passkeys, totp] = await Promise.all([countPasskeys(db, userId), hasConfirmedTotp(db, userId)]);
  const methods: MfaMethod[] = [...(passkeys > 0 ? (["passkey"] as const) : []), ...(totp ? (["totp"] as const) : [])];
  if (methods.length === 0) return [];
  return (await remainingRecoveryCodes(db, userId)) > 0 ? [...methods, "recovery"] : methods;
}

export async function hasSecondFactor(db: Db, userId: string): Promise<boolean> {
  return (await strongestFactor(db, userId)) !== null;
}

/** What a step-up asks for: a passkey when the user has one, else a TOTP code, else (null) the password. */
export async function strongestFactor(db: Db, userId: string): Promise<"passkey" | "totp" | null> {
  if ((await countPasskeys(db, userId)) > 0) return "passkey";
  return (await hasConfirmedTotp(db, userId)) ? "totp" : null;
}

type Outcome = "ok" | "wrong" | "replayed" | "not_enrolled" | "challenge" | "unknown_credential" | "invalid" | "counter_regression";

async function check(deps: MfaDeps, userId: string, answer: FactorAnswer, nowMs: number): Promise<Outcome> {
  if (answer.method === "totp") return checkTotpCode(deps.db, deps.box, userId, answer.code, nowMs);
  if (answer.method === "passkey") return checkAssertion(deps.db, answer.rp, userId, answer.response, nowMs);
  return (await spendRecoveryCode(deps.db, userId, answer.code, new Date(nowMs))) ? "ok" : "wrong";
}

/**
 * Checks one answer for the user, throttled per account. A wrong answer counts against the account and is
 * audited; a recovery code that works is spent and audited; a passkey whose counter went backwards is refused
 * and audited on its own, since it points at a cloned authenticator.
 */
export async function verifyFactor(deps: MfaDeps, userId: string, answer: FactorAnswer, metadata: SessionMetadata): Promise<Result<MfaMethod>> {
  const { method } = answer;
  // No factor to check against is not a guess: nothing to throttle or audit. A TOTP check finds that out in its
  // own read; recovery codes outlive nothing but the factors they belong to, so ask for those first.
  if (method === "recovery" && !(await hasSecondFactor(deps.db, userId))) return fail("MFA_NOT_ENROLLED");
  if (method === "passkey" && (await countPasskeys(deps.db, userId)) === 0) return fail("MFA_NOT_ENROLLED");
  const retryAfter = await deps.throttle.retryAfter(userId);
  if (retryAfter > 0) {
    await audit(deps, "mfa.failed", userId, userId, metadata, { method, cause: "throttled" });
    return fail("RATE_LIMITED", { retryAfter });
  }
  const outcome = await check(deps, userId, answer, deps.sessions.clock());
  if (outcome === "not_enrolled") return fail("MFA_NOT_ENROLLED");
  if (outcome === "ok") {
    if (method === "recovery") await audit(deps, "mfa.recovery_used", userId, userId, metadata, { remaining: await remainingRecoveryCodes(deps.db, userId) });
    return ok(method);
  }
  await deps.throttle.recordFailure(userId);
  const credentialId = method === "passkey" ? String(answer.response.id).slice(0, 256) : undefined;
  if (outcome === "counter_regression") await audit(deps, "mfa.counter_regression", userId, userId, metadata, { credentialId });
  else await audit(deps, "mfa.failed", userId, userId, metadata, { method, cause: outcome, ...(credentialId ? { credentialId } : {}) });
  if (method === "passkey") return fail("PASSKEY_REJECTED", { cause: outcome });
  return fail(outcome === "replayed" ? "MFA_CODE_REPLAYED" : "MFA_CODE_INVALID");
}
