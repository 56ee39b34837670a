/**
 * Redis behind a real Sentinel group (one master, one replica, three sentinels): the master is killed, or a
 * manual SENTINEL FAILOVER is run, while a `next start` server validates sessions under load. Sessions keep
 * validating (Postgres answers while Redis switches), sessions revoked during the switch are never
 * accepted again, the client follows the new master and the breaker closes again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { hashSessionToken } from "@/lib/session/token";
import { request } from "../faults/support/http";
import { runLoad, sleep, summarize, type Sample } from "../faults/support/load";
import { recordRow } from "../faults/support/results";
import { faultServicesAvailable, startFaultStack, tokenOfCookie, type FaultStack } from "../faults/support/stack";
import { probeRedisSentinel, SentinelGroup, SENTINEL_NAME } from "./support/sentinel";

const available = faultServicesAvailable({ redis: false }) && probeRedisSentinel().ok;
const LIVE = 16;
const VICTIMS = 6;

interface Outcome {
  summary: ReturnType<typeof summarize>;
  revived: number;
  revokedOk: number;
  oldMaster: number;
  newMaster: number;
  keyOnNewMaster: boolean;
}

async function failoverUnderLoad(group: SentinelGroup, stack: FaultStack, fault: (masterPort: number) => Promise<void>): Promise<Outcome> {
  const live = await stack.loginMany(LIVE);
  const victims = await stack.loginMany(VICTIMS);
  await stack.waitForBreakerClosed();
  for (const cookie of [...live, ...victims]) await request(stack.server.url, "/api/auth/user", { cookie });

  const revokedAt = new Map<number, number>();
  let done = false;
  const load = runLoad({
    baseUrl: stack.server.url,
    connections: 24,
    durationMs: 45_000,
    maxRequests: 60_000,
    shouldStop: () => done,
    next: (_worker, seq) => {
      // One request in four checks a victim (revoked or not yet), the rest are live sessions.
      if (seq % 4 === 0) {
        const v = (seq / 4) % VICTIMS;
        return { path: "/api/auth/user", cookie: victims[v], tag: `victim-${v}` };
      }
      return { path: "/api/auth/user", cookie: live[seq % LIVE], tag: "live" };
    },
  });

  await sleep(3000);
  const oldMaster = await group.masterPort();
  await fault(oldMaster);
  // Revocations spread over the switch: Redis is down or moving for most of them.
  let revokedOk = 0;
  for (let v = 0; v < VICTIMS; v++) {
    const answer = await request(stack.server.url, "/api/auth/logout", { method: "POST", cookie: victims[v], timeoutMs: 30_000 });
    if (answer.status === 200 || answer.status === 204) revokedOk++;
    revokedAt.set(v, Date.now());
    await sleep(400);
  }
  const newMaster = await group.waitForNewMaster(oldMaster);
  await sleep(5000); // load on the new master
  done = true;
  const samples = await load;
  // Checked once the load is over: on two shared cores a 50 ms command timeout under load trips the
  // breaker now and then, which is its job; what matters is that it closes on the new master.
  await stack.waitForBreakerClosed(45_000).catch((error: unknown) => {
    throw new Error(`breaker still open on the new master ${newMaster}: ${String(error)}\n${stack.server.output().slice(-3000)}`);
  });

  // The client follows the new master: a fresh session's cache entry lands there. After a manual failover
  // the old master still answers as a replica; the client moves on its first write (READONLY), so a few
  // fresh sessions may be needed.
  const probe = new Redis(group.node(newMaster).url, { maxRetriesPerRequest: 1 });
  let keyOnNewMaster = false;
  const deadline = Date.now() + 10_000;
  while (!keyOnNewMaster && Date.now() < deadline) {
    const fresh = (await stack.loginMany(1))[0]!;
    expect((await request(stack.server.url, "/api/auth/user", { cookie: fresh })).status).toBe(200);
    const token = await tokenOfCookie(fresh);
    keyOnNewMaster = (await probe.exists(`${stack.server.env.REDIS_KEY_PREFIX}s:{${hashSessionToken(token!)}}`)) === 1;
  }
  probe.disconnect();

  const isRevived = (s: Sample) => {
    if (!s.tag.startsWith("victim-")) return false;
    const at = revokedAt.get(Number(s.tag.slice(7)));
    return at !== undefined && s.startedAt > at && s.status === 200;
  };
  const liveSamples = samples.filter((s) => s.tag === "live");
  return {
    summary: summarize(liveSamples, (s) => s.status !== 200),
    revived: samples.filter(isRevived).length,
    revokedOk,
    oldMaster,
    newMaster,
    keyOnNewMaster,
  };
}

describe.skipIf(!available)("topology: Redis Sentinel failover", () => {
  let group: SentinelGroup | undefined;
  let stack: FaultStack | undefined;

  const start = async () => {
    group = await SentinelGroup.start();
    stack = await startFaultStack({ env: { REDIS_SENTINELS: group.sentinelList, REDIS_SENTINEL_NAME: SENTINEL_NAME } });
    return { group, stack };
  };

  afterEach(async () => {
    await stack?.dispose();
    await group?.stop();
    stack = group = undefined;
  });

  const report = (fault: string, o: Outcome) => {
    const pass = o.summary.failures === 0 && o.revived === 0 && o.revokedOk === VICTIMS && o.keyOnNewMaster;
    recordRow({
      fault,
      requests: o.summary.requests,
      failures: o.summary.failures,
      dataLost: `${o.revived} revoked sessions revived`,
      verdict: pass ? "pass" : "fail",
      notes: `24 connections; master ${o.oldMaster} -> ${o.newMaster}; p99 ${o.summary.p99Ms} ms, max ${o.summary.maxLatencyMs} ms; ${VICTIMS} logouts during the switch; ${JSON.stringify(o.summary.byStatus)}`,
    });
    expect(o.summary.byStatus).toEqual({ "200": o.summary.requests });
    expect(o.revived).toBe(0);
    expect(o.revokedOk).toBe(VICTIMS);
    expect(o.newMaster).not.toBe(o.oldMaster);
    expect(o.keyOnNewMaster).toBe(true);
    // Bounded, with room for two shared cores: the client gives up on a request at 15 s.
    expect(o.summary.p99Ms).toBeLessThan(5000);
  };

  it("Sentinel master killed under load: 0 failed requests, 0 revoked sessions revived, the client follows the new master", async () => {
    const { group: g, stack: s } = await start();
    const outcome = await failoverUnderLoad(g, s, (port) => g.node(port).kill());
    report("Sentinel master killed", outcome);
  }, 300_000);

  it("manual SENTINEL FAILOVER under load: 0 failed requests, 0 revoked sessions revived, the client follows the new master", async () => {
    const { group: g, stack: s } = await start();
    const outcome = await failoverUnderLoad(g, s, () => g.failover());
    report("Sentinel manual failover", outcome);
  }, 300_000);
});
