/**
 * SIGTERM during a request: `next start` stops accepting connections, the in-flight request finishes
 * (and can still use Postgres), only then are Redis and the Postgres pool closed, and the process exits 0.
 * The slow route exists only with FAULT_ROUTES=1; without it, it is a 404 (the refused twin).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, request } from "./support/http";
import { sleep } from "./support/load";
import { recordRow } from "./support/results";
import { faultServicesAvailable, startFaultStack, type FaultStack } from "./support/stack";

const available = faultServicesAvailable({ redis: true });
const SLOW_MS = 3000;

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/** Wall-clock ms of the first JSON log line whose msg starts with `prefix`. */
function loggedAt(output: string, prefix: string): number | null {
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { time: string; msg: string };
      if (entry.msg.startsWith(prefix)) return Date.parse(entry.time);
    } catch {
      // not one of ours
    }
  }
  return null;
}

describe.skipIf(!available)("fault: graceful shutdown", () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ redis: true, env: { FAULT_ROUTES: "1", LOG_LEVEL: "info" } });
    await stack.waitForBreakerClosed();
  });
  afterAll(async () => stack?.dispose());

  it("graceful shutdown: a slow in-flight request completes with 200 across SIGTERM, then the pools close and the process exits 0", async () => {
    const slow = request(stack.server.url, `/api/faults/slow?ms=${SLOW_MS}`, { timeoutMs: 20_000 });
    await sleep(500);
    const exit = stack.server.stop("SIGTERM");
    await sleep(300);
    const refusedDuringDrain = await connectionRefused(stack.server.port);
    const answer = await slow;
    const answeredAt = Date.now();
    const exitCode = await exit;
    const output = stack.server.output();

    const drainingAt = loggedAt(output, "shutdown: draining");
    const closedAt = loggedAt(output, "shutdown: redis and postgres closed");
    const ordered = drainingAt !== null && closedAt !== null && drainingAt <= answeredAt && answeredAt <= closedAt + 50;
    const ok = answer.status === 200 && exitCode === 0 && refusedDuringDrain && ordered;
    recordRow({
      fault: "graceful shutdown",
      requests: 1,
      failures: answer.status === 200 ? 0 : 1,
      dataLost: "0 requests cut",
      verdict: ok ? "pass" : "fail",
      notes: `in-flight ${SLOW_MS} ms request: ${answer.status}; new connections refused while draining: ${refusedDuringDrain}; pools closed after the response: ${ordered}; exit code ${exitCode}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ sleptMs: SLOW_MS, database: "ok" });
    expect(refusedDuringDrain).toBe(true);
    expect(drainingAt).not.toBeNull();
    expect(closedAt).not.toBeNull();
    expect(ordered).toBe(true);
    expect(exitCode).toBe(0);
  });
});

describe.skipIf(!available)("fault routes are off by default", () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ redis: false });
  });
  afterAll(async () => stack?.dispose());

  it("graceful shutdown (twin): without FAULT_ROUTES the slow route answers 404 NOT_FOUND, and an idle server still exits 0 on SIGTERM", async () => {
    const answer = await request(stack.server.url, "/api/faults/slow?ms=10");
    expect(answer.status).toBe(404);
    expect(errorCode(answer.json)).toBe("NOT_FOUND");
    expect(await stack.server.stop("SIGTERM")).toBe(0);
  });
});
