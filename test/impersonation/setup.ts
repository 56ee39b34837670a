/**
 * Backends and builders for the lib-level impersonation tests: an admin signed in on a session, a target,
 * and a started impersonation, all on a runtime with a manual clock.
 */
import type { UserRole } from "@/lib/db/schema";
import { listAuditEvents } from "@/lib/audit/audit";
import { startImpersonation } from "@/lib/impersonation/service";
import type { SessionContext } from "@/lib/session/types";
import { createUser } from "../support/fixtures";
import type { Backend, TestRuntime } from "../support/runtime";
import { probePostgres, probeRedis } from "../support/services";

export async function impersonationBackends(): Promise<{ name: string; backend: Backend; redis?: string; available: boolean }[]> {
  const pg = await probePostgres();
  const redis = await probeRedis();
  return [
    { name: "PGlite", backend: "pglite", available: true },
    { name: "PostgreSQL + Redis", backend: "postgres", redis: redis.url, available: pg.ok && redis.ok },
  ];
}

export const REASON = "Ticket: the customer cannot see their invoices";

/** A user of `role` with a live session: its token and validated context. */
export async function signedIn(rt: TestRuntime, role: UserRole = "admin") {
  const user = await createUser(rt.database.db, { role });
  const { token, sessionId } = await rt.sessions.createSession(user.id, { ip: "127.0.0.1", userAgent: "vitest" });
  const context = (await rt.sessions.validateSessionWithCache(token))!;
  return { user, token, sessionId, context };
}

/** An admin (or `actorRole`) impersonating a fresh target of `targetRole`. */
export async function impersonating(rt: TestRuntime, actorRole: UserRole = "admin", targetRole: UserRole = "user") {
  const admin = await signedIn(rt, actorRole);
  const target = await createUser(rt.database.db, { role: targetRole });
  const started = await startImpersonation(rt.impersonation, { context: admin.context, targetId: target.id, reason: REASON, metadata: {} });
  if (!started.ok) throw new Error(`impersonation did not start: ${started.code}`);
  const context = (await rt.sessions.validateSessionWithCache(started.value.token)) as SessionContext;
  return { admin, target, token: started.value.token, context, expiresAt: started.value.expiresAt };
}

export async function auditCount(rt: TestRuntime, action: string, subjectId: string): Promise<number> {
  return (await listAuditEvents(rt.database.db, { action, subjectId })).total;
}
