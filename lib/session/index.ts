/**
 * The public face of lib/session for the process-wide runtime: every route handler, server action and
 * server component reaches sessions through these (via lib/next), never through the store.
 */
import { getRuntime } from "../runtime";
import type { SessionContext } from "./types";

export type { SessionContext, SessionUser, ImpersonationState } from "./types";

/** L1 -> Redis -> Postgres. A Redis problem is a counted fallback to Postgres, never an error. */
export async function validateSessionWithCache(token: string | null | undefined): Promise<SessionContext | null> {
  return (await getRuntime()).sessions.validateSessionWithCache(token);
}

/** Postgres first, then every cache tier (or the outbox when Redis is unreachable). Returns the ids removed. */
export async function revokeSessionWithCache(sessionId: string): Promise<string[]> {
  return (await getRuntime()).sessions.revokeSessionWithCache(sessionId);
}

/** All of a user's sessions and the impersonations they run, optionally keeping one. */
export async function revokeUserSessionsWithCache(userId: string, keepSessionId?: string): Promise<string[]> {
  return (await getRuntime()).sessions.revokeUserSessionsWithCache(userId, keepSessionId);
}
