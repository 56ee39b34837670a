/**
 * Sign In As / Stop Impersonation. Every refusal is audited as `impersonation.denied` with its code and
 * changes nothing else; every start and stop is audited with actor, subject, reason, ip and user agent.
 */
import { recordAuditEvent, type AuditEventInput } from "../audit/audit";
import { accessRefusal } from "../auth/access";
import type { FactorAnswer, MfaDeps } from "../auth/mfa/service";
import { stepUp } from "../auth/step-up";
import type { LoginThrottle } from "../auth/rate-limit";
import type { Db } from "../db/types";
import { fail, ok, type ErrorCode, type Result } from "../errors";
import type { ImpersonationSessions } from "../session/impersonation-sessions";
import type { SessionManager } from "../session/manager";
import { impersonationAuditMetadata, trueUserOf, type SessionContext, type SessionMetadata } from "../session/types";
import type { ImpersonationMode, UserRole } from "../db/schema";
import { confirmGrantLive, isMode, liveGrantCovering } from "./grants";
import { findUserById, isUuid, type PublicUser } from "../users/users";
import { checkReasonAndTicket, cleanText, MAX_REASON_LENGTH } from "./limits";
import { canImpersonate, canImpersonateWithWrite, consentNeeded, mayImpersonateAnyone, type ConsentPolicy } from "./policy";

export interface ImpersonationDeps {
  db: Db;
  sessions: SessionManager;
  impersonationSessions: ImpersonationSessions;
  ttlS: number;
  reauthWindowS: number;
  /** IMPERSONATION_REASON_MIN. */
  reasonMinLength: number;
  /**
   * The login throttle: a wrong step-up password is a failed login for the same account and address, so
   * the dialog is no way around the login limits.
   */
  throttle: LoginThrottle;
  /** Second factors: a staff member who has one steps up with it, never with the password alone. */
  mfa: MfaDeps;
  /** IMPERSONATION_CONSENT: which impersonations need the user's live grant. */
  consent: ConsentPolicy;
  /** IMPERSONATION_WRITE_ROLES: the staff roles that may start a `write` impersonation. */
  writeRoles: readonly UserRole[];
}

export interface StartInput {
  context: SessionContext;
  targetId: string;
  reason?: unknown;
  ticket?: unknown;
  /** `read` (the default when absent) or `write`. */
  mode?: unknown;
  password?: unknown;
  /** A TOTP code, for a step-up by an actor who has a second factor. */
  code?: unknown;
  /** A passkey's answer (options from POST /api/auth/mfa/passkeys/assertion), for an actor whose strongest factor it is. */
  passkey?: Extract<FactorAnswer, { method: "passkey" }> | null;
  metadata: SessionMetadata;
}

export { MAX_REASON_LENGTH, MAX_TICKET_LENGTH } from "./limits";

export interface StartedImpersonation {
  token: string;
  expiresAt: number;
  target: PublicUser;
  mode: ImpersonationMode;
}

async function deny<T>(
  deps: ImpersonationDeps,
  input: { context: SessionContext; subjectId: string | null; metadata: SessionMetadata; reason?: string | null; mode?: ImpersonationMode },
  code: ErrorCode,
  extra?: { message?: string; details?: Record<string, unknown> },
): Promise<Result<T>> {
  await recordAuditEvent(deps.db, {
    action: "impersonation.denied",
    actorId: trueUserOf(input.context).id,
    subjectId: input.subjectId,
    reason: input.reason ?? null,
    metadata: { code, ...(input.mode ? { mode: input.mode } : {}), ...impersonationAuditMetadata(input.context), ...(extra?.details ?? {}) },
    ip: input.metadata.ip,
    userAgent: input.metadata.userAgent,
  });
  const result = fail<T>(code, extra?.details);
  return extra?.message && !result.ok ? { ...result, message: extra.message } : result;
}

/** Records a refusal decided outside this module (cross-site request, wrong method) for a signed-in caller. */
export async function recordImpersonationDenial(
  db: Db,
  context: SessionContext,
  code: ErrorCode,
  metadata: SessionMetadata,
  subjectId: string | null = null,
): Promise<void> {
  await recordAuditEvent(db, {
    action: "impersonation.denied",
    actorId: trueUserOf(context).id,
    subjectId: isUuid(subjectId) ? subjectId : null,
    metadata: { code, ...impersonationAuditMetadata(context) },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
}

/** Step-up before Sign In As (lib/auth/step-up); a refusal is audited like every other. */
async function freshStepUp(deps: ImpersonationDeps, input: StartInput, base: Parameters<typeof deny>[1]): Promise<Result<SessionContext>> {
  const stepped = await stepUp({ ...deps, windowS: deps.reauthWindowS }, input.context, input, input.metadata);
  if (stepped.ok) return stepped;
  return deny(deps, base, stepped.code, { message: stepped.message, details: stepped.details });
}

export async function startImpersonation(deps: ImpersonationDeps, input: StartInput): Promise<Result<StartedImpersonation>> {
  const { context, metadata } = input;
  const actor = trueUserOf(context);
  const reason = cleanText(input.reason);
  // The audit row keeps what fits of a refused, over-long reason; the start itself never accepts a cut one.
  const mode: ImpersonationMode | null = input.mode === undefined || input.mode === null || input.mode === "" ? "read" : isMode(input.mode) ? input.mode : null;
  const base = {
    context,
    metadata,
    reason: reason ? [...reason].slice(0, MAX_REASON_LENGTH).join("") : null,
    subjectId: isUuid(input.targetId) ? input.targetId : null,
    mode: mode ?? undefined,
  };

  if (!isUuid(input.targetId)) return deny(deps, base, "INVALID_ID", { details: { requestedId: String(input.targetId).slice(0, 64) } });
  if (context.impersonation) return deny(deps, base, "ALREADY_IMPERSONATING");
  if (!mayImpersonateAnyone(actor.role)) return deny(deps, base, "NOT_ALLOWED");
  // The same staff rule as the console: under STAFF_MFA=required, no Sign In As before a second factor.
  if (accessRefusal(context, "staff", { staffMfa: deps.mfa.policy }) === "MFA_ENROLMENT_REQUIRED") return deny(deps, base, "MFA_ENROLMENT_REQUIRED");

  const target = await findUserById(deps.db, input.targetId);
  if (!target) return deny(deps, base, "USER_NOT_FOUND");
  const decision = canImpersonate({ id: actor.id, role: actor.role, status: actor.status, impersonating: false }, target);
  if (!decision.allowed) return deny(deps, base, decision.code);
  const ticket = cleanText(input.ticket);
  const minReasonLength = deps.reasonMinLength;
  const textRefusal = checkReasonAndTicket(reason, ticket, minReasonLength);
  if (textRefusal === "REASON_TOO_SHORT") {
    return deny(deps, base, textRefusal, {
      message: `The reason is too short: at least ${minReasonLength} characters. Say what you are helping with, so the audit log explains this access.`,
      details: { minLength: minReasonLength },
    });
  }
  if (textRefusal || !reason) return deny(deps, base, textRefusal ?? "REASON_REQUIRED");
  if (!mode) return deny(deps, base, "INVALID_INPUT", { message: "The mode is `read` or `write`." });
  if (mode === "write") {
    const write = canImpersonateWithWrite(actor, deps.writeRoles);
    if (!write.allowed) return deny(deps, base, write.code);
  }
  // Consent before the step-up: a password typed for an impersonation that cannot happen would be wasted.
  const needed = consentNeeded(deps.consent, mode);
  const grant = needed ? await liveGrantCovering(deps.db, target.id, needed, deps.sessions.clock()) : null;
  if (needed && !grant) return deny(deps, base, "CONSENT_REQUIRED", { details: { consent: deps.consent, needs: needed } });

  const stepUp = await freshStepUp(deps, input, base);
  if (!stepUp.ok) return stepUp;
  const parent = stepUp.value;

  const audit: AuditEventInput = {
    action: "impersonation.start",
    actorId: actor.id,
    subjectId: target.id,
    reason,
    metadata: { ticket, ttlS: deps.ttlS, mode, grantId: grant?.id ?? null },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  };
  const started = await deps.impersonationSessions.begin({
    parent,
    targetUserId: target.id,
    reason,
    ticket,
    ttlS: deps.ttlS,
    mode,
    grant: grant ? { id: grant.id, expiresAt: grant.expiresAt!.getTime(), confirm: (tx, now) => confirmGrantLive(tx, grant.id, now) } : null,
    metadata,
    audit,
  });
  // The grant was revoked (or ran out) between the check and the start.
  if (!started) return deny(deps, base, "CONSENT_REQUIRED", { details: { consent: deps.consent, needs: needed } });
  return ok({ token: started.token, expiresAt: started.expiresAt, target, mode });
}

export async function stopImpersonation(
  deps: ImpersonationDeps,
  context: SessionContext,
  metadata: SessionMetadata,
): Promise<Result<{ token: string | null }>> {
  if (!context.impersonation || !context.impersonator) return fail("NOT_IMPERSONATING");
  const ended = await deps.impersonationSessions.end(context, {
    by: context.impersonator.id,
    ended: "impersonation.stop",
    actorGone: "impersonation.stop",
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  if (!ended) return fail("NOT_IMPERSONATING");
  return ok(ended);
}

/**
 * An admin ends someone's live impersonation; the impersonator's browser returns to their own identity with
 * a notice naming who ended it. `reason`: why, for the audit (the confirmation asks for it).
 */
export async function forceEndImpersonation(
  deps: ImpersonationDeps,
  context: SessionContext,
  sessionId: string,
  metadata: SessionMetadata,
  reason: string | null = null,
): Promise<Result<{ sessionId: string }>> {
  const outcome = await deps.impersonationSessions.forceEnd(sessionId, {
    by: trueUserOf(context).id,
    ended: "impersonation.force_end",
    actorGone: "impersonation.force_end",
    reason,
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  if (outcome === "ended_now") return ok({ sessionId });
  return fail(outcome === "already_ended" ? "IMPERSONATION_ALREADY_ENDED" : "SESSION_NOT_FOUND");
}

export { listAccessesTo, type AccessEntry } from "./access-history";
