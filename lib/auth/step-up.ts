/**
 * Step-up: a staff member proves again who they are before a dangerous action (Sign In As, a ban, a role
 * change, ending all of someone's sessions, an MFA reset). The proof is the strongest factor the account has
 * (a passkey, else an authenticator code, else the password), and it must be recent: within the step-up
 * window of the last proof of that strength. A password never answers for an account that has a second
 * factor, so a stolen password plus a stolen session is still not enough.
 */
import type { Db } from "../db/types";
import { fail, ok, type Result } from "../errors";
import type { SessionManager } from "../session/manager";
import type { SessionContext, SessionMetadata } from "../session/types";
import { getPasswordHash } from "../users/users";
import { stepUpWithFactor, strongestFactor, type FactorAnswer, type MfaDeps } from "./mfa/service";
import { isStepUpFresh } from "./mfa/policy";
import { verifyPassword } from "./password";
import { isOverlongPassword } from "./password-policy";
import type { LoginThrottle } from "./rate-limit";

export type StepUpFactor = "password" | "totp" | "passkey";

export interface StepUpDeps {
  db: Db;
  sessions: SessionManager;
  /** The login throttle: a wrong step-up password counts as a failed login for the same account and address. */
  throttle: LoginThrottle;
  mfa: MfaDeps;
  /** IMPERSONATION_REAUTH_WINDOW in seconds (0: every action is confirmed on its own). */
  windowS: number;
}

/** What came with the request: a typed password or code, or a passkey's assertion. */
export interface StepUpAnswer {
  password?: unknown;
  code?: unknown;
  passkey?: Extract<FactorAnswer, { method: "passkey" }> | null;
}

/** The factor a step-up must be answered with now, or null when the session's last proof is recent enough. */
export async function stepUpDue(deps: Pick<StepUpDeps, "db" | "sessions" | "windowS">, session: SessionContext): Promise<StepUpFactor | null> {
  const factor = await strongestFactor(deps.db, session.user.id);
  const fresh = isStepUpFresh(
    { hasSecondFactor: factor !== null, lastAuthenticatedAt: session.lastAuthenticatedAt, mfaVerifiedAt: session.mfaVerifiedAt },
    deps.sessions.clock(),
    deps.windowS,
  );
  return fresh ? null : (factor ?? "password");
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Answers the session to act from, marked as freshly verified, or a refusal: REAUTH_REQUIRED (with
 * `details.stepUpWith`, the factor to ask for) or RATE_LIMITED. The answer must come with this request,
 * never from an earlier one, so a window of 0 confirms every action on its own.
 */
export async function stepUp(deps: StepUpDeps, session: SessionContext, answer: StepUpAnswer, metadata: SessionMetadata): Promise<Result<SessionContext>> {
  // Staff powers are never used from inside an impersonation: there, `session.user` is someone else.
  if (session.impersonation) return fail("FORBIDDEN_WHILE_IMPERSONATING");
  const due = await stepUpDue(deps, session);
  if (due === null) return ok(session);
  const now = deps.sessions.clock();
  const details = { reauthWindowS: deps.windowS, stepUpWith: due };

  if (due !== "password") {
    const code = typeof answer.code === "string" ? answer.code.trim() : "";
    const given: FactorAnswer | null = answer.passkey ?? (code ? { method: "totp", code } : null);
    if (!given) {
      return refusal("REAUTH_REQUIRED", due === "passkey" ? "Confirm with your passkey to continue." : "Enter a code from your authenticator app to continue.", details);
    }
    const verified = await stepUpWithFactor(deps.mfa, session, given, metadata);
    if (!verified.ok) {
      return refusal(verified.code === "RATE_LIMITED" ? "RATE_LIMITED" : "REAUTH_REQUIRED", verified.message, { ...(verified.details ?? {}), stepUpWith: due, cause: verified.code });
    }
    return ok({ ...session, lastAuthenticatedAt: now, mfaVerifiedAt: now, aal: 2 });
  }

  if (typeof answer.password !== "string" || answer.password.length === 0) return fail("REAUTH_REQUIRED", details);
  const ip = metadata.ip ?? "unknown";
  const email = session.user.email;
  // Checked before the password: once the limit is reached even the right one waits, as at login.
  const retryAfter = await deps.throttle.retryAfter(ip, email);
  if (retryAfter > 0) return refusal("RATE_LIMITED", `Too many wrong passwords. Wait ${formatWait(retryAfter)} and try again.`, { retryAfter, stepUp: true });
  const hash = await getPasswordHash(deps.db, session.user.id);
  if (!hash || isOverlongPassword(answer.password) || !(await verifyPassword(hash, answer.password))) {
    await deps.throttle.recordFailure(ip, email);
    return refusal("REAUTH_REQUIRED", "That password is not correct.", { wrongPassword: true });
  }
  await deps.throttle.recordSuccess(ip, email);
  await deps.sessions.markAuthenticated(session.sessionId);
  return ok({ ...session, lastAuthenticatedAt: now });
}

function refusal(code: "REAUTH_REQUIRED" | "RATE_LIMITED", message: string, details: Record<string, unknown>): Result<never> {
  return { ok: false, code, message, details };
}
