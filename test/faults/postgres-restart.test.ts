/**
 * Postgres, the source of truth, goes away for a few seconds under load (fast shutdown: connections are
 * terminated mid-flight), then comes back. During the outage every answer is a 200 from a cached session
 * or a clean 503 `SERVICE_UNAVAILABLE` JSON, never a 500, a non-JSON error or a hang; afterwards the same
 * server process recovers by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "./support/http";
import { runLoad, sleep, summarize, type Sample } from "./support/load";
import { recordRow } from "./support/results";
import { faultServicesAvailable, startFaultStack, type FaultStack } from "./support/stack";
import { eventually } from "../support/services";

const available = faultServicesAvailable({ redis: true });
const OUTAGE_MS = 4000;
/** After Postgres is back: time for the pool to drop its dead connections and reconnect. */
const RECOVERY_MS = 3000;

const clean = (s: Sample) => s.status === 200 || (s.status === 503 && s.code === "SERVICE_UNAVAILABLE");

describe.skipIf(!available)("fault: Postgres restarted", () => {
  let stack: FaultStack;
  let cookies: string[];
  beforeAll(async () => {
    stack = await startFaultStack({ redis: true });
    cookies = await stack.loginMany(30);
    await stack.waitForBreakerClosed();
  });
  afterAll(async () => stack?.dispose());

  it("Postgres restarted under load: clean 503 JSON or cached 200 during the outage, never a 500 or a hang, and recovery without a restart", async () => {
    // Half the sessions are used from the start (so they are in Redis and may answer 200 during the outage);
    // the other half is dropped from Redis and only used once Postgres is down, so they need Postgres.
    const cached = cookies.slice(0, 15);
    await stack.evictFromRedis(cookies.slice(15));
    let downAt = Infinity;
    const load = runLoad({
      baseUrl: stack.server.url,
      connections: 50,
      durationMs: 3000 + OUTAGE_MS + RECOVERY_MS + 4000,
      maxRequests: 40_000,
      timeoutMs: 10_000,
      next: (_w, seq) =>
        Date.now() < downAt
          ? { path: "/api/auth/user", cookie: cached[seq % cached.length], tag: "cached" }
          : { path: "/api/auth/user", cookie: cookies[seq % cookies.length], tag: seq % cookies.length < cached.length ? "cached" : "fresh" },
    });
    await sleep(3000);
    await stack.pg.stop();
    downAt = Date.now();
    await sleep(OUTAGE_MS / 2);
    const healthDuring = await request(stack.server.url, "/api/health", { timeoutMs: 10_000 });
    const readyDuring = await request(stack.server.url, "/api/health/ready", { timeoutMs: 10_000 });
    await sleep(OUTAGE_MS / 2);
    await stack.pg.start();
    const upAt = Date.now();
    const samples = await load;

    const summary = summarize(samples, (s) => !clean(s));
    const during = samples.filter((s) => s.startedAt >= downAt && s.startedAt < upAt);
    const recovered = samples.filter((s) => s.startedAt >= upAt + RECOVERY_MS);
    const recoveredFailures = recovered.filter((s) => s.status !== 200).length;
    const serverAlive = (await request(stack.server.url, "/api/health/live")).status === 200;
    // Full health returns by itself: the Redis breaker, whose probe needs Postgres (outbox), closes again.
    const healthRecovered = await eventually(
      async () => ((await request(stack.server.url, "/api/health")).json as { status?: string } | null)?.status === "ok",
      30_000,
      250,
    ).then(() => true, () => false);

    // Why a run had no cached answers, if it had none: the breaker's moves are in the server's log.
    const breakerMoves = stack.server
      .output()
      .split("\n")
      .filter((line) => line.includes('"msg":"redis breaker"'))
      .map((line) => /"to":"([a-z-]+)"/.exec(line)?.[1] ?? "?");
    const pass = summary.failures === 0 && recoveredFailures === 0 && recovered.length > 50 && serverAlive && healthRecovered;
    recordRow({
      fault: "Postgres restarted",
      requests: summary.requests,
      failures: summary.failures + recoveredFailures,
      dataLost: "0 sessions lost",
      verdict: pass ? "pass" : "fail",
      notes: `50 connections; ${JSON.stringify(summary.byStatus)}; ${OUTAGE_MS / 1000} s outage: ${during.filter((s) => s.status === 503).length} clean 503, ${during.filter((s) => s.status === 200).length} cached 200; ${recovered.length} requests after recovery, ${recoveredFailures} failed; server alive: ${serverAlive}; health ok again: ${healthRecovered}; breaker: ${breakerMoves.join(">") || "closed throughout"}`,
    });
    expect(Object.keys(summary.byStatus).filter((k) => k !== "200" && k !== "503 SERVICE_UNAVAILABLE")).toEqual([]);
    expect(during.some((s) => s.status === 503)).toBe(true);
    // Sessions cached in Redis keep working while Postgres is away (even if Redis timeouts under this load
    // opened the breaker: a breaker opened by failures alone may close without Postgres).
    expect(during.some((s) => s.tag === "cached" && s.status === 200)).toBe(true);
    expect(healthDuring.status).toBe(503);
    expect((healthDuring.json as { status: string }).status).toBe("down");
    expect(readyDuring.status).toBe(503);
    expect(recovered.length).toBeGreaterThan(50);
    expect(recoveredFailures).toBe(0);
    expect(serverAlive).toBe(true);
    expect(healthRecovered).toBe(true);
    // Every session survived the outage: Postgres is durable, nothing was logged out.
    const finalStatuses = await Promise.all(cookies.map(async (cookie) => (await request(stack.server.url, "/api/auth/user", { cookie })).status));
    expect(finalStatuses.every((s) => s === 200)).toBe(true);
  });
});
