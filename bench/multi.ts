/**
 * bench/multi.ts — two `next start` instances (A and B) sharing one Postgres database and one Redis, both
 * with the in-process L1 on. Measures how long a revocation made on A takes to reach B (B's L1 copy must be
 * dropped through Redis pub/sub), and whether B's memory stays flat over a long run. `npm run bench:multi`.
 */
import autocannon from "autocannon";
import { createHttpClient, loginCookie, type HttpClient } from "./lib/http-client";
import { runBench } from "./lib/lifecycle";
import { fmt, printTable, scaled, startResult, target } from "./lib/report";
import { BENCH_PASSWORD, benchServer, ensureBenchBuild, insertUsers, openMigratedDatabase, privateRedis, requireServices, rssKiB, scratchDatabase } from "./lib/services";
import { summarize } from "./lib/stats";

const TRIALS = scaled(200, 10);
/** 50,000 at scale 1 keeps `npm run bench` near five minutes; BENCH_SCALE=2 gives the 100,000-request run. */
const RSS_REQUESTS = scaled(50_000, 2_000);
const RSS_CHUNKS = 10;
/** V8 grows its heap to a steady size over the first ~10,000 requests (measured); growth is judged after that. */
const RSS_WARMUP = scaled(10_000, 1_000);
const POLL_LIMIT_MS = 2_000;

interface Trial {
  /** From A's logout answer to B's first 401 (ms). */
  afterAckMs: number;
  /** From sending the logout to A to B's first 401 (ms). */
  afterSendMs: number;
  polls: number;
  /** 200s from B to requests sent after A had acknowledged the logout. */
  staleAccepts: number;
  /** The same rejected request to B once more, after the fact: B's own round trip for a 401 (ms). */
  settledMs: number;
}

async function trial(a: HttpClient, b: HttpClient, email: string): Promise<Trial> {
  const cookie = await loginCookie(a, email, BENCH_PASSWORD);
  for (let i = 0; i < 2; i++) {
    const warm = await b.get("/api/auth/user", cookie); // the second answer comes from B's L1
    if (warm.status !== 200) throw new Error(`bench: B refused a fresh session (${warm.status})`);
  }
  const logout = await a.request("POST", "/api/auth/logout", { cookie });
  if (logout.status !== 200) throw new Error(`bench: logout on A answered ${logout.status}`);
  let polls = 0;
  let staleAccepts = 0;
  for (;;) {
    const res = await b.get("/api/auth/user", cookie); // back to back: one round trip is about a millisecond
    polls++;
    if (res.status === 401) {
      const again = await b.get("/api/auth/user", cookie);
      if (again.status !== 401) throw new Error(`bench: B accepted a session it had already rejected (${again.status})`);
      return { afterAckMs: res.endedAt - logout.endedAt, afterSendMs: res.endedAt - logout.startedAt, polls, staleAccepts, settledMs: again.endedAt - again.startedAt };
    }
    if (res.status !== 200) throw new Error(`bench: B answered ${res.status} while polling`);
    staleAccepts++;
    if (res.endedAt - logout.endedAt > POLL_LIMIT_MS) throw new Error(`bench: B still accepted a revoked session after ${POLL_LIMIT_MS} ms`);
  }
}

async function main(): Promise<void> {
  const result = startResult("multi");
  await requireServices();
  ensureBenchBuild();
  const databaseUrl = await scratchDatabase();
  const database = await openMigratedDatabase(databaseUrl, 1);
  const [user] = await insertUsers(database.db, 1, "multi");
  await database.close();
  const redis = await privateRedis();
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, REDIS_KEY_PREFIX: "multi:", SESSION_L1_ENABLED: "true" };
  const [serverA, serverB] = [await benchServer(env), await benchServer(env)];
  const a = createHttpClient(serverA.url, 4);
  const b = createHttpClient(serverB.url, 4);

  // Cross-instance sanity: a login on A is a session on B.
  const cookie = await loginCookie(a, user!.email, BENCH_PASSWORD);
  const onB = await b.get("/api/auth/user", cookie);
  if (onB.status !== 200 || (JSON.parse(onB.body) as { user: { id: string } }).user.id !== user!.id) {
    throw new Error(`bench: a session created on A is not valid on B (${onB.status})`);
  }

  console.log(`${TRIALS} revocation trials (login on A, warm B, logout on A, poll B)…`);
  const trials: Trial[] = [];
  for (let i = 0; i < TRIALS; i++) trials.push(await trial(a, b, user!.email));
  const afterAck = summarize(trials.map((t) => t.afterAckMs));
  const afterSend = summarize(trials.map((t) => t.afterSendMs));
  const settled = summarize(trials.map((t) => t.settledMs));
  const stale = trials.reduce((acc, t) => acc + t.staleAccepts, 0);
  const staleTrials = trials.filter((t) => t.staleAccepts > 0).length;

  console.log(`RSS of B over ${RSS_REQUESTS} authenticated requests…`);
  const cannonB = (amount: number) => autocannon({ url: `${serverB.url}/api/auth/user`, connections: 10, amount, headers: { cookie } });
  const cold = rssKiB(serverB.pid);
  const warmup = await cannonB(RSS_WARMUP);
  if (warmup.non2xx + warmup.errors + warmup.timeouts > 0) throw new Error(`bench: ${warmup.non2xx} warm-up requests failed`);
  const rss = [{ requests: 0, rssKiB: rssKiB(serverB.pid) }];
  let failed = 0;
  for (let i = 1; i <= RSS_CHUNKS; i++) {
    const r = await cannonB(Math.round(RSS_REQUESTS / RSS_CHUNKS));
    failed += r.non2xx + r.errors + r.timeouts;
    rss.push({ requests: Math.round((RSS_REQUESTS / RSS_CHUNKS) * i), rssKiB: rssKiB(serverB.pid) });
  }
  a.close();
  b.close();
  const first = rss[0]!.rssKiB;
  const last = rss[rss.length - 1]!.rssKiB;
  const growth = (last - first) / first;

  printTable(
    `Revocation on A seen by B (${TRIALS} trials; ms)`,
    ["measured from", "p50", "p95", "p99", "max"],
    [
      ["A's logout answer", afterAck.p50, afterAck.p95, afterAck.p99, afterAck.max],
      ["sending the logout", afterSend.p50, afterSend.p95, afterSend.p99, afterSend.max],
      ["(B's 401 round trip, for scale)", settled.p50, settled.p95, settled.p99, settled.max],
    ],
  );
  console.log(`B accepted the revoked session ${stale} time(s) after A's answer, in ${staleTrials} of ${TRIALS} trials; polls per trial ${fmt(summarize(trials.map((t) => t.polls)).mean)}.`);
  printTable(
    `RSS of instance B (${fmt(cold / 1024)} MiB before the warm-up of ${RSS_WARMUP} requests)`,
    ["requests after warm-up", "RSS MiB"],
    rss.map((r) => [r.requests, r.rssKiB / 1024]),
  );

  result.finish({
    targets: [
      target("revocation on A → rejected by B, p99", "≤ 10 ms", `${fmt(afterAck.p99)} ms`, afterAck.p99 <= 10),
      target("B accepts after A acknowledged the revocation", "–", `${stale} in ${staleTrials}/${TRIALS} trials`, null),
      target(`RSS growth of B over ${RSS_REQUESTS} requests`, "flat (≤ 10%)", `${fmt(first / 1024)} → ${fmt(last / 1024)} MiB (${fmt(growth * 100, 1)}%)`, growth <= 0.1),
      target("failed requests during the RSS run", "0", String(failed), failed === 0),
    ],
    parameters: { trials: TRIALS, rssRequests: RSS_REQUESTS, rssChunks: RSS_CHUNKS, rssWarmup: RSS_WARMUP },
    unit: "ms",
    revocation: { afterAck, afterSend, settled, staleAccepts: stale, staleTrials },
    trials,
    rss,
    rssColdKiB: cold,
  });
}

runBench(main);
