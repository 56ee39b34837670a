/**
 * Redis is a cache, never a dependency: SIGKILL it under 100 concurrent connections and every
 * authenticated request must still answer 200 (served by Postgres), then Redis is trusted again once back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "./support/http";
import { runLoad, sleep, summarize } from "./support/load";
import { recordRow } from "./support/results";
import { faultServicesAvailable, leakedSecrets, startFaultStack, type FaultStack } from "./support/stack";

const available = faultServicesAvailable({ redis: true });

describe.skipIf(!available)("fault: Redis killed", () => {
  let stack: FaultStack;
  let cookies: string[];
  beforeAll(async () => {
    stack = await startFaultStack({ redis: true });
    cookies = await stack.loginMany(40);
    await stack.waitForBreakerClosed();
    // Warm: every session is in Redis before the fault, so the kill really takes the hits away.
    for (const cookie of cookies) await request(stack.server.url, "/api/auth/user", { cookie });
  });
  afterAll(async () => stack?.dispose());

  it("Redis killed under 100-connection load: every authenticated request still answers 200", async () => {
    const load = runLoad({
      baseUrl: stack.server.url,
      connections: 100,
      durationMs: 12_000,
      maxRequests: 40_000,
      next: (_worker, seq) => ({ path: "/api/auth/user", cookie: cookies[seq % cookies.length], tag: String(seq % cookies.length) }),
    });
    await sleep(3000);
    await stack.redis!.kill();
    const killedAt = Date.now();
    const samples = await load;
    const summary = summarize(samples, (s) => s.status !== 200);
    const afterKill = samples.filter((s) => s.startedAt >= killedAt).length;

    const health = await request(stack.server.url, "/api/health");
    const detailed = (await request(stack.server.url, "/api/health/detailed")).json as { cache: { counters: { fallbacks: number } } };

    // Back: the breaker closes again only after a probe (which replays the outbox), and hits resume.
    await stack.redis!.start();
    await stack.waitForBreakerClosed();
    const healthAfter = await request(stack.server.url, "/api/health");
    const leaks = leakedSecrets(stack.server.output(), cookies);

    const pass = summary.failures === 0 && afterKill > 100 && leaks.length === 0;
    recordRow({
      fault: "Redis killed",
      requests: summary.requests,
      failures: summary.failures,
      dataLost: "0 sessions lost",
      verdict: pass ? "pass" : "fail",
      notes: `100 connections; ${afterKill} requests after SIGKILL; p99 ${summary.p99Ms} ms; ${JSON.stringify(summary.byStatus)}`,
    });
    expect(summary.byStatus).toEqual({ "200": summary.requests });
    expect(afterKill).toBeGreaterThan(100);
    expect(detailed.cache.counters.fallbacks).toBeGreaterThan(0);
    expect((health.json as { status: string }).status).toBe("degraded");
    expect(health.status).toBe(200);
    expect((healthAfter.json as { status: string }).status).toBe("ok");
    expect(leaks).toEqual([]);
  });
});
