import { recordAuditEvent } from "../audit/audit";
import type { Runtime } from "../runtime";
import { impersonationAuditMetadata, trueUserOf, type SessionMetadata } from "../session/types";

/**
 * Deletes the session row, its cache entries and, while impersonating, the admin's own session too
 * (logging out ends both identities in this browser).
 */
export async function logout(runtime: Pick<Runtime, "sessions" | "database">, token: string | null, metadata: SessionMetadata): Promise<void> {
  if (!token) return;
  const session = await runtime.sessions.validateSessionWithCache(token);
  if (!session) return;
  const ending = { by: trueUserOf(session).id, ended: "impersonation.actor_signed_out", actorGone: "impersonation.actor_signed_out", ip: metadata.ip, userAgent: metadata.userAgent } as const;
  // The admin's own session first: the impersonation goes with it, audited once as actor_signed_out.
  if (session.impersonation) await runtime.sessions.revokeSessionWithCache(session.impersonation.parentSessionId, ending);
  await runtime.sessions.revokeSessionWithCache(session.sessionId, ending);
  await recordAuditEvent(runtime.database.db, {
    action: "auth.logout",
    actorId: trueUserOf(session).id,
    subjectId: session.user.id,
    metadata: session.impersonation ? impersonationAuditMetadata(session) : null,
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
}
