import type { SessionContext } from "./types";

/**
 * The `/api/auth/user` answer: who the request acts as, and who is really behind it. `act` names the actor
 * in the shape of RFC 8693's `act` claim (`sub` is the actor's id), null on a user's own session: a stable
 * place for clients to find who is really acting.
 */
export function presentSession(session: SessionContext) {
  const user = { id: session.user.id, email: session.user.email, name: session.user.name, role: session.user.role };
  const original = session.impersonator
    ? { id: session.impersonator.id, email: session.impersonator.email, name: session.impersonator.name, role: session.impersonator.role }
    : null;
  return {
    user,
    isImpersonating: session.impersonation !== null,
    originalUser: original,
    act: session.impersonator ? { sub: session.impersonator.id, email: session.impersonator.email, role: session.impersonator.role } : null,
    impersonation: session.impersonation
      ? {
          reason: session.impersonation.reason,
          ticket: session.impersonation.ticket,
          startedAt: new Date(session.impersonation.startedAt).toISOString(),
          expiresAt: new Date(session.impersonation.expiresAt).toISOString(),
          mode: session.impersonation.mode,
        }
      : null,
    session: {
      expiresAt: new Date(Math.min(session.expiresAt, session.absoluteExpiresAt)).toISOString(),
      aal: session.aal === 2 ? 2 : 1,
      mfaVerifiedAt: session.mfaVerifiedAt ? new Date(session.mfaVerifiedAt).toISOString() : null,
    },
  };
}
