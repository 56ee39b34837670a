/**
 * Impersonation sessions for the validation bench, started through the real service (policy, grant,
 * audit, the session row with its mode), so the validator reads exactly what production writes.
 */
import { inArray } from "drizzle-orm";
import { accessGrants, users, type ImpersonationMode } from "@/lib/db/schema";
import { startImpersonation } from "@/lib/impersonation/service";
import type { Runtime } from "@/lib/runtime";
import { insertUsers, mapLimit } from "./services";

/**
 * `count` live impersonations of `mode`, one admin and one user each; their tokens. `runtime` must allow
 * staff without a second factor (STAFF_MFA=optional): the bench measures validation, not enrolment.
 */
export async function createImpersonations(runtime: Runtime, count: number, mode: ImpersonationMode): Promise<string[]> {
  const db = runtime.database.db;
  const admins = await insertUsers(db, count, `bench-${mode}-admin`);
  await db.update(users).set({ role: "admin" }).where(inArray(users.id, admins.map((a) => a.id)));
  const targets = await insertUsers(db, count, `bench-${mode}-user`);
  const now = runtime.clock();
  // Under the default IMPERSONATION_CONSENT=write, a write impersonation needs the user's live grant.
  if (mode === "write") await db.insert(accessGrants).values(targets.map((t) => ({ userId: t.id, scope: "write" as const, grantedAt: new Date(now), expiresAt: new Date(now + 86_400_000) })));
  return mapLimit(admins, 8, async (admin, i) => {
    const own = await runtime.sessions.createSession(admin.id, { ip: "127.0.0.1", userAgent: "bench" });
    const context = await runtime.sessions.validateSessionWithCache(own.token);
    if (!context) throw new Error("bench: an admin session did not validate");
    const started = await startImpersonation(runtime.impersonation, { context, targetId: targets[i]!.id, reason: "Benchmark of the validation path", mode, metadata: {} });
    if (!started.ok) throw new Error(`bench: a ${mode} impersonation did not start: ${started.code}`);
    return started.value.token;
  });
}
