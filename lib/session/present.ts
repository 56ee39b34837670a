import type { SessionContext } from "./types";

/** The `/api/auth/user` answer: who the request acts as, and who is really behind it. */
export function presentSession(session: SessionContext) {
  const user = { id: session.user.id, email: session.user.email, name: session.user.name, role: session.user.role };
  const original = session.impersonator
    ? { id: session.impersonator.id, email: session.impersonator.email, name: session.impersonator.name, role: session.impersonator.role }
    : null;
  return {
    user,
    isImpersonating: session.impersonation !== null,
    originalUser: original,
    impersonation: session.impersonation
      ? {
          reason: session.impersonation.reason,
          ticket: session.impersonation.ticket,
          startedAt: new Date(session.impersonation.startedAt).toISOString(),
          expiresAt: new Date(session.impersonation.expiresAt).toISOString(),
        }
      : null,
    session: {
      expiresAt: new Date(Math.min(session.expiresAt, session.absoluteExpiresAt)).toISOString(),
      aal: session.aal === 2 ? 2 : 1,
      mfaVerifiedAt: session.mfaVerifiedAt ? new Date(session.mfaVerifiedAt).toISOString() : null,
    },
  };
}
