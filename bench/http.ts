/**
 * bench/http.ts — the whole request path over HTTP against `next start` (production build in .next-bench),
 * with autocannon at 10 connections: a bare JSON route, /api/auth/user anonymous and authenticated (with L1,
 * with Redis alone, with Redis killed) and one server-rendered page. `npm run bench:http`.
 *
 * Each case is reported as a ratio to the bare route measured on the same server, so the number says what
 * the session check costs on top of Next itself.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { cannon, type CannonCase } from "./lib/cannon";
import { createHttpClient, loginCookie } from "./lib/http-client";
import { runBench, sleep } from "./lib/lifecycle";
import { benchScale, fmt, printTable, startResult, target } from "./lib/report";
import { BENCH_PASSWORD, benchServer, ensureBenchBuild, insertUsers, openMigratedDatabase, privateRedis, requireServices, scratchDatabase } from "./lib/services";
import { ratio } from "./lib/stats";

const CONNECTIONS = 10;
const DURATION_S = Math.max(1, Math.round(4 * benchScale()));
/** Per path, once per server before any case: a fresh `next start` is slower for its first seconds (JIT). */
const WARMUP_S = benchScale() >= 0.5 ? 2 : 1;
const BARE_PATH = "/api/health/live";

interface Row extends CannonCase {
  server: string;
  vsBare: number;
}

/** Warms every path of a fresh server (JIT, route modules, pools) before anything is measured. */
async function warmServer(url: string, paths: { path: string; cookie?: string }[]): Promise<void> {
  for (const p of paths) await cannon(`warm-up ${p.path}`, url, p.path, { cookie: p.cookie, expectStatus: 0, durationS: WARMUP_S, warmupS: 0, connections: CONNECTIONS, quiet: true });
}

/** The bare route measured before and after a server's cases: their mean is the reference, their spread the noise. */
function bareReference(first: CannonCase, last: CannonCase): CannonCase {
  return { ...first, name: "bare (mean of first and last)", reqPerSec: (first.reqPerSec + last.reqPerSec) / 2 };
}

async function main(): Promise<void> {
  const result = startResult("http");
  if (!existsSync(path.resolve(import.meta.dirname, "..", "app", "api", "health", "live", "route.ts"))) {
    throw new Error(`bench: ${BARE_PATH} is the bare route this benchmark compares with; it is missing`);
  }
  await requireServices();
  ensureBenchBuild();
  const databaseUrl = await scratchDatabase();
  const database = await openMigratedDatabase(databaseUrl, 1);
  const [user] = await insertUsers(database.db, 1, "http");
  await database.close();
  const redis = await privateRedis();
  const run = (name: string, url: string, p: string, expectStatus: number, cookie?: string) =>
    cannon(name, url, p, { cookie, expectStatus, durationS: DURATION_S, warmupS: 0, connections: CONNECTIONS });
  const rows: Row[] = [];
  const add = (server: string, c: CannonCase, bare: CannonCase) => rows.push({ ...c, server, vsBare: ratio(c.reqPerSec, bare.reqPerSec) });

  // Server 1: Redis + L1 (the recommended production setting for a busy instance).
  const common = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url };
  const withL1 = await benchServer({ ...common, REDIS_KEY_PREFIX: "http-l1:", SESSION_L1_ENABLED: "true" });
  const client = createHttpClient(withL1.url);
  const cookie = await loginCookie(client, user!.email, BENCH_PASSWORD);
  const check = await client.get("/api/auth/user", cookie);
  client.close();
  if (check.status !== 200) throw new Error(`bench: the login cookie was refused (${check.status})`);
  await warmServer(withL1.url, [{ path: BARE_PATH }, { path: "/api/auth/user" }, { path: "/api/auth/user", cookie }, { path: "/", cookie }]);
  const first1 = await run("bare (L1 server, first)", withL1.url, BARE_PATH, 200);
  const cases1 = [
    await run("anonymous /api/auth/user", withL1.url, "/api/auth/user", 401),
    await run("authenticated /api/auth/user (L1)", withL1.url, "/api/auth/user", 200, cookie),
    await run("page / authenticated (L1)", withL1.url, "/", 200, cookie),
  ];
  const last1 = await run("bare (L1 server, last)", withL1.url, BARE_PATH, 200);
  const bare1 = bareReference(first1, last1);
  for (const c of [first1, ...cases1, last1]) add("redis+L1", c, bare1);
  await withL1.stop();

  // Server 2: Redis alone, then the same server with its Redis SIGKILLed (Postgres answers via the breaker).
  const redisOnly = await benchServer({ ...common, REDIS_KEY_PREFIX: "http-redis:", SESSION_L1_ENABLED: "false" });
  await warmServer(redisOnly.url, [{ path: BARE_PATH }, { path: "/api/auth/user", cookie }]);
  const first2 = await run("bare (Redis server, first)", redisOnly.url, BARE_PATH, 200);
  const redisHit = await run("authenticated /api/auth/user (Redis)", redisOnly.url, "/api/auth/user", 200, cookie);
  const last2 = await run("bare (Redis server, last)", redisOnly.url, BARE_PATH, 200);
  const bare2 = bareReference(first2, last2);
  for (const c of [first2, redisHit, last2]) add("redis", c, bare2);
  await redis.kill();
  await sleep(500);
  add("redis killed", await run("authenticated /api/auth/user (Redis down)", redisOnly.url, "/api/auth/user", 200, cookie), bare2);
  await redisOnly.stop();

  printTable(
    `HTTP: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per case (each server warmed ${WARMUP_S} s per path); ÷ bare = ÷ mean of the server's first and last bare runs`,
    ["case", "server", "req/s", "÷ bare", "p50 ms", "p99 ms", "max ms", "requests", "unexpected"],
    rows.map((r) => [r.name, r.server, r.reqPerSec, `${fmt(r.vsBare * 100, 0)}%`, r.p50Ms, r.p99Ms, r.maxMs, r.requests, r.unexpected]),
  );
  const find = (name: string) => rows.find((r) => r.name === name)!;
  const l1 = find("authenticated /api/auth/user (L1)");
  const redisRow = find("authenticated /api/auth/user (Redis)");
  result.finish({
    targets: [
      target("authenticated /api/auth/user req/s ÷ bare (Redis + L1)", "≥ 90%", `${fmt(l1.vsBare * 100, 0)}%`, l1.vsBare >= 0.9),
      target("authenticated /api/auth/user req/s ÷ bare (Redis alone)", "≥ 85%", `${fmt(redisRow.vsBare * 100, 0)}%`, redisRow.vsBare >= 0.85),
      target("bare req/s, first vs last run (noise)", "–", `${fmt(first1.reqPerSec)} / ${fmt(last1.reqPerSec)} and ${fmt(first2.reqPerSec)} / ${fmt(last2.reqPerSec)}`, null),
      target("unexpected statuses / errors (all cases)", "0", String(rows.reduce((a, r) => a + r.unexpected, 0)), rows.every((r) => r.unexpected === 0)),
    ],
    parameters: { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, barePath: BARE_PATH },
    cases: rows,
  });
}

runBench(main);
