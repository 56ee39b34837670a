/**
 * A frozen Redis (SIGSTOP: the socket stays open, nothing answers) is worse than a dead one: without
 * command timeouts every request would hang. Under load, 10 s of SIGSTOP must cost no request and no
 * request may take longer than the Postgres path plus what Redis may cost it.
 *
 * The time bound (the one wall-clock assertion of the suites): a request pays at most one Redis command
 * timeout (a read that times out skips the write-back; a read that answered in time may be followed by a
 * write-back that times out) before the breaker opens, plus the Postgres path. The Postgres
 * path is measured, not guessed: the same load first runs with Redis killed (every request on Postgres).
 * The margin of 1.5 s absorbs scheduling on a shared two-core machine that also runs the load generator,
 * Postgres and the server; it is still far below what a hang looks like (the 15 s client timeout).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "./support/http";
import { runLoad, sleep, summarize, type LoadOptions } from "./support/load";
import { recordRow } from "./support/results";
import { faultServicesAvailable, startFaultStack, type FaultStack } from "./support/stack";

const available = faultServicesAvailable({ redis: true });
const REDIS_COMMAND_TIMEOUT_MS = 50;
const MARGIN_MS = 1500;
const CONNECTIONS = 50;

describe.skipIf(!available)("fault: Redis paused", () => {
  let stack: FaultStack;
  let cookies: string[];
  beforeAll(async () => {
    stack = await startFaultStack({ redis: true, env: { REDIS_COMMAND_TIMEOUT_MS: String(REDIS_COMMAND_TIMEOUT_MS) } });
    cookies = await stack.loginMany(40);
    await stack.waitForBreakerClosed();
  });
  afterAll(async () => stack?.dispose());

  const loadFor = (durationMs: number): LoadOptions => ({
    baseUrl: stack.server.url,
    connections: CONNECTIONS,
    durationMs,
    maxRequests: 40_000,
    next: (_w, seq) => ({ path: "/api/auth/user", cookie: cookies[seq % cookies.length], tag: String(seq % cookies.length) }),
  });

  it("Redis paused (SIGSTOP) for 10 s under load: no failed request, none slower than the Postgres path plus a command timeout", async () => {
    // 1. The Postgres path under this load: Redis dead, the breaker sends everything to Postgres.
    await stack.redis!.kill();
    await sleep(500);
    const baseline = summarize(await runLoad(loadFor(5000)), (s) => s.status !== 200);
    await stack.redis!.start();
    await stack.waitForBreakerClosed();
    for (const cookie of cookies) await request(stack.server.url, "/api/auth/user", { cookie });

    // 2. The same load with Redis frozen for 10 s in the middle.
    const load = runLoad(loadFor(16_000));
    await sleep(3000);
    stack.redis!.pause();
    const pausedAt = Date.now();
    await sleep(10_000);
    stack.redis!.resume();
    const samples = await load;
    const summary = summarize(samples, (s) => s.status !== 200);
    const duringPause = samples.filter((s) => s.startedAt >= pausedAt && s.startedAt < pausedAt + 10_000).length;
    const boundMs = REDIS_COMMAND_TIMEOUT_MS + baseline.maxLatencyMs + MARGIN_MS;
    await stack.waitForBreakerClosed();

    const pass = summary.failures === 0 && summary.maxLatencyMs <= boundMs && duringPause > 100;
    recordRow({
      fault: "Redis paused",
      requests: summary.requests,
      failures: summary.failures,
      dataLost: "0 sessions lost",
      verdict: pass ? "pass" : "fail",
      notes: `${CONNECTIONS} connections; max ${summary.maxLatencyMs} ms <= bound ${boundMs} ms (Postgres-path max ${baseline.maxLatencyMs} ms + ${REDIS_COMMAND_TIMEOUT_MS} ms + ${MARGIN_MS} ms); ${duringPause} requests during the pause`,
    });
    expect(baseline.failures).toBe(0);
    expect(summary.byStatus).toEqual({ "200": summary.requests });
    expect(duringPause).toBeGreaterThan(100);
    expect(summary.maxLatencyMs).toBeLessThanOrEqual(boundMs);
  });
});
