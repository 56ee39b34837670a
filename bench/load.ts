/**
 * bench/load.ts — 100 concurrent users (100 distinct sessions) sending 10,000 requests to /api/auth/user on
 * one `next start`: with Redis, without Redis, and with Redis SIGKILLed half-way through. Every non-200
 * answer counts as an error (target: none). `npm run bench:load`.
 */
import { createHttpClient, loginCookie } from "./lib/http-client";
import { runBench } from "./lib/lifecycle";
import { loadRun, windowStats, type LoadRun, type WindowStats } from "./lib/load-run";
import { printTable, scaled, startResult, target } from "./lib/report";
import { BENCH_PASSWORD, benchServer, ensureBenchBuild, insertUsers, mapLimit, openMigratedDatabase, privateRedis, requireServices, scratchDatabase } from "./lib/services";

const USERS = 100;
const REQUESTS = scaled(10_000, 500);
const WARMUP = scaled(1_000, 200);
/** Requests started within this long after the kill count as "during" (the breaker trips in well under it). */
const DURING_MS = 1_000;
const PATH = "/api/auth/user";

function overall(mode: string, run: LoadRun): WindowStats & { reqPerSec: number } {
  return { ...windowStats(mode, run.samples), reqPerSec: run.samples.length / (run.elapsedMs / 1000) };
}

async function main(): Promise<void> {
  const result = startResult("load");
  await requireServices();
  ensureBenchBuild();
  const databaseUrl = await scratchDatabase();
  const database = await openMigratedDatabase(databaseUrl, 1);
  const users = await insertUsers(database.db, USERS, "load");
  await database.close();
  const redis = await privateRedis();
  const server = await benchServer({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url, REDIS_KEY_PREFIX: "load:" });

  let client = createHttpClient(server.url, USERS + 8);
  console.log(`logging in ${USERS} users…`);
  const cookies = await mapLimit(users, 4, (u) => loginCookie(client, u.email, BENCH_PASSWORD));
  const warm = async () => {
    const w = await loadRun(client, cookies, WARMUP, PATH);
    const bad = w.samples.filter((s) => s.status !== 200).length;
    if (bad > 0) throw new Error(`bench: ${bad} warm-up requests failed`);
  };

  await warm();
  const withRedis = overall("with Redis", await loadRun(client, cookies, REQUESTS, PATH));
  console.log(`with Redis: ${Math.round(withRedis.reqPerSec)} req/s, p99 ${withRedis.latency.p99.toFixed(1)} ms, errors ${withRedis.errors}`);

  await warm();
  const killed = await loadRun(client, cookies, REQUESTS, PATH, { afterRequests: Math.floor(REQUESTS / 2), inject: () => redis.kill() });
  const tk = killed.faultAt!;
  const windows = [
    windowStats("before kill", killed.samples.filter((s) => s.endedAt < tk)),
    windowStats(`during (first ${DURING_MS} ms)`, killed.samples.filter((s) => s.endedAt >= tk && s.startedAt < tk + DURING_MS)),
    windowStats("after", killed.samples.filter((s) => s.startedAt >= tk + DURING_MS)),
  ];
  const killedOverall = overall("Redis killed half-way", killed);
  console.log(`Redis killed half-way: errors ${killedOverall.errors}`);

  // The same server, restarted without any Redis configured.
  client.close();
  await server.restart({ REDIS_URL: undefined });
  client = createHttpClient(server.url, USERS + 8);
  await warm();
  const withoutRedis = overall("without Redis", await loadRun(client, cookies, REQUESTS, PATH));
  client.close();

  const modes = [withRedis, withoutRedis, killedOverall];
  printTable(
    `Load: ${USERS} concurrent users, ${REQUESTS} requests to ${PATH} per run (latency in ms)`,
    ["run", "requests", "errors", "req/s", "p50", "p95", "p99", "max"],
    modes.map((m) => [m.window, m.requests, m.errors, m.reqPerSec, m.latency.p50, m.latency.p95, m.latency.p99, m.latency.max]),
  );
  printTable(
    `Redis SIGKILLed after request ${Math.floor(REQUESTS / 2)} (kill took ${((killed.faultDoneAt ?? tk) - tk).toFixed(1)} ms)`,
    ["window", "requests", "errors", "p50", "p95", "p99", "max"],
    windows.map((w) => [w.window, w.requests, w.errors, w.latency.p50, w.latency.p95, w.latency.p99, w.latency.max]),
  );
  const errors = modes.reduce((a, m) => a + m.errors, 0);
  result.finish({
    targets: [
      target("non-200 answers (3 runs, incl. Redis killed half-way)", "0", String(errors), errors === 0),
      target(
        "p99 after the kill ÷ p99 without Redis",
        "–",
        windows[2]!.requests > 0 ? `${(windows[2]!.latency.p99 / withoutRedis.latency.p99).toFixed(2)}×` : "run too short",
        null,
      ),
    ],
    parameters: { users: USERS, requests: REQUESTS, warmup: WARMUP, duringMs: DURING_MS, path: PATH },
    unit: "ms",
    runs: modes,
    killWindows: windows,
  });
}

runBench(main);
