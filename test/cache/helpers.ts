/** Small shared pieces of the test/cache suites: waiting for trust, counters, keys, an admin actor. */
import { getMetrics, cacheCounters } from "@/lib/observability/metrics";
import type { Runtime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { createUser } from "../support/fixtures";
import { eventually } from "../support/services";

/**
 * Redis starts untrusted (breaker tripped) until a probe has replayed the outbox. Probes start on a
 * (re)connect or, after the cooldown, on traffic; a probe that lost a race with this busy machine (the ping
 * has the 50 ms command timeout) would leave an idle test runtime waiting for a request that never comes,
 * so this runs the probe itself, as the "ready" handler does.
 */
export async function waitUntilRedisTrusted(rt: Pick<Runtime, "cache">, timeoutMs = 15_000): Promise<void> {
  const breaker = rt.cache.breaker!;
  await eventually(async () => {
    if (breaker.current !== "closed") await breaker.probeNow();
    return breaker.current === "closed";
  }, timeoutMs, 50);
}

export async function cacheHitsOn(tier: "l1" | "redis"): Promise<number> {
  const values = (await getMetrics().cacheHits.get()).values;
  return values.filter((v) => v.labels.tier === tier).reduce((sum, v) => sum + v.value, 0);
}

/** Counter snapshot; subtract two snapshots to get what one step did (metrics are process-wide). */
export async function counterSnapshot() {
  return { ...(await cacheCounters()), l1Hits: await cacheHitsOn("l1"), redisHits: await cacheHitsOn("redis") };
}

export type CounterSnapshot = Awaited<ReturnType<typeof counterSnapshot>>;

export function delta(before: CounterSnapshot, after: CounterSnapshot): CounterSnapshot {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof CounterSnapshot]])) as CounterSnapshot;
}

/** The Redis keys of a session (before the client's key prefix), as lib/cache/redis-tier.ts writes them. */
export const dataKeyOf = (prefix: string, sessionId: string) => `${prefix}s:{${sessionId}}`;
export const tombstoneKeyOf = (prefix: string, sessionId: string) => `${prefix}t:{${sessionId}}`;

/** A signed-in admin's session context, to act through lib/admin. */
export async function signedInAdmin(rt: Pick<Runtime, "database" | "sessions">): Promise<SessionContext> {
  const admin = await createUser(rt.database.db, { role: "admin" });
  const { token } = await rt.sessions.createSession(admin.id);
  const ctx = await rt.sessions.validateSessionWithCache(token);
  if (!ctx) throw new Error("test setup: admin session did not validate");
  return ctx;
}
