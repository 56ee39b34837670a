import type { ImpersonationMode, ReturnNotice, UserRole, UserStatus } from "../db/schema";

export type { ReturnNotice } from "../db/schema";

/** The user fields the app needs on every request; small enough to cache. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  status: UserStatus;
}

export interface ImpersonationState {
  reason: string;
  ticket: string | null;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms; hard limit, never extended. */
  expiresAt: number;
  parentSessionId: string;
  /** `read` refuses every state-changing request (lib/auth/access.ts); fixed for the impersonation's life. */
  mode: ImpersonationMode;
  /** The user's grant this impersonation relies on, or null when consent was not needed. */
  grantId: string | null;
}

/**
 * What validation answers: the effective user, the true user behind an impersonation, and the expiries.
 * All times are epoch milliseconds so the cached JSON is compact and cheap to compare.
 */
export interface SessionContext {
  sessionId: string;
  user: SessionUser;
  /** The admin or support user behind an impersonation; null otherwise. */
  impersonator: SessionUser | null;
  impersonation: ImpersonationState | null;
  createdAt: number;
  lastSeenAt: number;
  lastAuthenticatedAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
  /** Authenticator assurance of this sign-in: 1 = password, 2 = password and a second factor. */
  aal: 1 | 2;
  /** Epoch ms of the last second-factor verification on this session (sign-in or step-up); null if none. */
  mfaVerifiedAt: number | null;
  /** On an admin's own session: how the impersonation it came back from ended, until dismissed. */
  returnNotice?: ReturnNotice | null;
}

/** The true user behind a request (the impersonator when impersonating). */
export function trueUserOf(context: SessionContext): SessionUser {
  return context.impersonator ?? context.user;
}

/**
 * What every audit row written for this session carries beyond actor and subject: during an impersonation,
 * its mode and both identities (the actor is the impersonator, `actingAs` the user), so no row written while
 * impersonating can pass for the user's own doing. Empty on a user's own session.
 */
export function impersonationAuditMetadata(context: SessionContext): Record<string, unknown> {
  if (!context.impersonation || !context.impersonator) return {};
  return { mode: context.impersonation.mode, impersonatorId: context.impersonator.id, actingAs: context.user.id };
}

/** A context may be served (from any tier) only while every one of its limits is in the future. */
export function isContextLive(context: SessionContext, now: number): boolean {
  return (
    now < context.expiresAt &&
    now < context.absoluteExpiresAt &&
    (context.impersonation === null || now < context.impersonation.expiresAt) &&
    context.user.status === "active"
  );
}

export interface SessionMetadata {
  ip?: string | null;
  userAgent?: string | null;
}
