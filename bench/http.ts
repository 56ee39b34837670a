/**
 * bench/http.ts — the whole request path over HTTP against `next start` (production build in .next-bench),
 * with autocannon at 10 connections, judged against the floor: a bare Next.js app (bench/floor-app) built
 * from the same `next`, one process of it beside each app server and loaded exactly when that server is.
 * `npm run bench:http`.
 *
 * Every case runs in interleaved rounds with the floor (bench/lib/interleave.ts); its ratio is the median of
 * the per-round ratios. API cases are compared with the floor's route handler, the page with its bare page.
 * The app's own /api/health/live is measured the same way on every server as a second reference, and one floor
 * process against another (A/A) shows how far two identical servers differ in the same run: no ratio of this
 * run is finer than that. Server CPU per request comes from /proc/<pid>/stat of each `next start`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { cannon } from "./lib/cannon";
import { ensureFloorBuild, FLOOR_PAGE, FLOOR_ROUTE, floorServer } from "./lib/floor-app";
import { createHttpClient, loginCookie } from "./lib/http-client";
import { interleavedCases, type Endpoint, type Paired } from "./lib/interleave";
import { runBench, sleep } from "./lib/lifecycle";
import { benchScale, fmt, printTable, startResult, target } from "./lib/report";
import { BENCH_PASSWORD, benchServer, ensureBenchBuild, insertUsers, openMigratedDatabase, privateRedis, requireServices, scratchDatabase } from "./lib/services";
import type { NextServer } from "@/test/support/next-server";

const CONNECTIONS = 10;
/** Short windows, many rounds: on a busy machine the load moves within seconds, so neighbours must be close. */
const DURATION_S = Math.max(1, Math.round(2 * benchScale()));
const ROUNDS = Math.max(3, Math.round(5 * benchScale()));
/**
 * Per path, once per server (the floor's too) before any case. A fresh `next start` keeps getting faster for
 * its first several seconds of load (JIT tiers): a floor hot from earlier cases against a server started
 * later made the app look slower than it is, so every server starts together and is warmed the same way.
 */
const WARMUP_S = Math.max(2, Math.round(6 * benchScale()));
/** Unmeasured load on the same path right before every measured window, on both sides (interleave.ts). */
const PREROLL_S = 1;
const HEALTH_PATH = "/api/health/live";
const USER_PATH = "/api/auth/user";

/** Warms every path of a fresh server (JIT, route modules, pools) before anything is measured. */
async function warmServer(url: string, paths: { path: string; cookie?: string }[]): Promise<void> {
  for (const p of paths) await cannon(`warm-up ${p.path}`, url, p.path, { cookie: p.cookie, expectStatus: 0, durationS: WARMUP_S, warmupS: 0, connections: CONNECTIONS, quiet: true });
}

const endpoint = (server: NextServer, p: string, expectStatus: number, cookie?: string): Endpoint => ({ url: server.url, path: p, expectStatus, cookie, pid: server.pid });

async function main(): Promise<void> {
  const result = startResult("http");
  if (!existsSync(path.resolve(import.meta.dirname, "..", "app", "api", "health", "live", "route.ts"))) {
    throw new Error(`bench: ${HEALTH_PATH} is the second reference of this benchmark; it is missing`);
  }
  await requireServices();
  ensureBenchBuild();
  ensureFloorBuild();
  const databaseUrl = await scratchDatabase();
  const database = await openMigratedDatabase(databaseUrl, 1);
  const [user] = await insertUsers(database.db, 1, "http");
  await database.close();
  // Two Redis servers: the Redis-alone server's is killed for the last case, and the L1 server must not notice.
  const [redisForL1, redis] = await Promise.all([privateRedis(), privateRedis()]);

  // Every server runs from the start and is warmed the same way (see WARMUP_S), the floors too. Each app server
  // has a floor process of its own, loaded exactly as often as it is: a floor shared by every case ran twice as
  // often as any case's server and was warmer for it (the A/A pair of floors showed it).
  const [floorL1, floorRedis, floorPostgres, floorA, floorB, withL1, redisOnly, postgresOnly] = await Promise.all([
    floorServer(),
    floorServer(),
    floorServer(),
    floorServer(),
    floorServer(),
    // Redis + L1: the recommended production setting for a busy instance.
    benchServer({ DATABASE_URL: databaseUrl, REDIS_URL: redisForL1.url, REDIS_KEY_PREFIX: "http-l1:", SESSION_L1_ENABLED: "true" }),
    benchServer({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url, REDIS_KEY_PREFIX: "http-redis:", SESSION_L1_ENABLED: "false" }),
    // Postgres only (no REDIS_URL, no L1): every validation is a primary-key read.
    benchServer({ DATABASE_URL: databaseUrl, SESSION_L1_ENABLED: "false" }),
  ]);
  const client = createHttpClient(withL1.url);
  const cookie = await loginCookie(client, user!.email, BENCH_PASSWORD);
  const check = await client.get(USER_PATH, cookie);
  client.close();
  if (check.status !== 200) throw new Error(`bench: the login cookie was refused (${check.status})`);
  await warmServer(floorL1.url, [{ path: FLOOR_ROUTE }, { path: FLOOR_PAGE }]);
  for (const f of [floorRedis, floorPostgres, floorA, floorB]) await warmServer(f.url, [{ path: FLOOR_ROUTE }]);
  await warmServer(withL1.url, [{ path: HEALTH_PATH }, { path: USER_PATH }, { path: USER_PATH, cookie }, { path: "/", cookie }]);
  await warmServer(redisOnly.url, [{ path: HEALTH_PATH }, { path: USER_PATH, cookie }]);
  await warmServer(postgresOnly.url, [{ path: HEALTH_PATH }, { path: USER_PATH, cookie }]);

  const floorRoute = (f: NextServer) => endpoint(f, FLOOR_ROUTE, 200);
  const options = { rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS, prerollS: PREROLL_S };
  const rows: Paired[] = await interleavedCases(
    [
      { name: `${FLOOR_ROUTE} of a second floor process (A/A)`, server: "floor B", subject: endpoint(floorB, FLOOR_ROUTE, 200), floor: floorRoute(floorA) },
      { name: HEALTH_PATH, server: "redis+L1", subject: endpoint(withL1, HEALTH_PATH, 200), floor: floorRoute(floorL1) },
      { name: `${USER_PATH} anonymous (401)`, server: "redis+L1", subject: endpoint(withL1, USER_PATH, 401), floor: floorRoute(floorL1) },
      { name: `${USER_PATH} authenticated`, server: "redis+L1", subject: endpoint(withL1, USER_PATH, 200, cookie), floor: floorRoute(floorL1) },
      { name: "page / authenticated", server: "redis+L1", subject: endpoint(withL1, "/", 200, cookie), floor: endpoint(floorL1, FLOOR_PAGE, 200) },
      { name: HEALTH_PATH, server: "redis", subject: endpoint(redisOnly, HEALTH_PATH, 200), floor: floorRoute(floorRedis) },
      { name: `${USER_PATH} authenticated`, server: "redis", subject: endpoint(redisOnly, USER_PATH, 200, cookie), floor: floorRoute(floorRedis) },
      { name: HEALTH_PATH, server: "postgres only", subject: endpoint(postgresOnly, HEALTH_PATH, 200), floor: floorRoute(floorPostgres) },
      { name: `${USER_PATH} authenticated`, server: "postgres only", subject: endpoint(postgresOnly, USER_PATH, 200, cookie), floor: floorRoute(floorPostgres) },
    ],
    options,
  );
  // Last, the Redis-alone server with its redis-server SIGKILLed: Postgres answers through the breaker.
  await redis.kill();
  await sleep(500);
  rows.push(...(await interleavedCases([{ name: `${USER_PATH} authenticated`, server: "redis killed", subject: endpoint(redisOnly, USER_PATH, 200, cookie), floor: floorRoute(floorRedis) }], options)));
  await Promise.all([withL1, redisOnly, postgresOnly, floorL1, floorRedis, floorPostgres, floorA, floorB].map((server) => server.stop()));

  // The health route of the same server is the second reference; "redis killed" shares server 2's.
  const healthOf = (server: string) => rows.find((r) => r.path === HEALTH_PATH && r.server === (server === "redis killed" ? "redis" : server));
  const pct = (x: number) => `${fmt(x * 100, 0)}%`;
  const spread = (r: Paired) => `${pct(Math.min(...r.rounds.map((x) => x.ratio)))}–${pct(Math.max(...r.rounds.map((x) => x.ratio)))}`;
  printTable(
    `HTTP vs the floor app: autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION_S} s per case and per floor, each after a ${PREROLL_S} s pre-roll (all servers started together, each warmed ${WARMUP_S} s per path; the cases round-robin, in an order that rotates every round); medians of the rounds; CPU µs per request of the whole process, "main" of its main thread`,
    ["case", "server", "req/s", "floor req/s", "÷ floor", "rounds ÷ floor", "÷ health", "p50 ms", "p99 ms", "floor p50/p99", "CPU µs/req", "floor CPU", "Δ CPU µs", "main µs/req", "floor main", "Δ main µs", "requests", "unexpected"],
    rows.map((r) => {
      const health = healthOf(r.server);
      const vsHealth = health && health !== r && r.floorPath === FLOOR_ROUTE ? pct(r.vsFloor / health.vsFloor) : "–";
      return [
        r.name, r.server, r.case.reqPerSec, r.floor.reqPerSec, pct(r.vsFloor), spread(r), vsHealth, r.case.p50Ms, r.case.p99Ms,
        `${fmt(r.floor.p50Ms)}/${fmt(r.floor.p99Ms)}`, r.case.cpuUsPerReq, r.floor.cpuUsPerReq, fmt(r.cpuOverFloorUs, 0),
        r.case.mainCpuUsPerReq, r.floor.mainCpuUsPerReq, fmt(r.mainCpuOverFloorUs, 0), r.case.requests, r.case.unexpected + r.floor.unexpected,
      ];
    }),
  );
  const find = (p: string, server: string) => rows.find((r) => r.path === p && r.server === server && r.name.includes("authenticated") && r.floorPath === FLOOR_ROUTE)!;
  const healths = rows.filter((r) => r.path === HEALTH_PATH);
  const aa = rows.find((r) => r.server === "floor B")!;
  const l1 = find(USER_PATH, "redis+L1");
  const redisRow = find(USER_PATH, "redis");
  const pgRow = find(USER_PATH, "postgres only");
  const page = rows.find((r) => r.floorPath === FLOOR_PAGE)!;
  result.finish({
    targets: [
      target("A/A: one floor process ÷ another (this run's resolution; rounds min–max)", "–", `${pct(aa.vsFloor)} (${spread(aa)}), main thread ${fmt(aa.mainCpuOverFloorUs, 0)} µs`, null),
      target(`${HEALTH_PATH} req/s ÷ floor (L1, Redis, Postgres servers)`, "≥ 95%", healths.map((h) => pct(h.vsFloor)).join(" / "), healths.every((h) => h.vsFloor >= 0.95)),
      target(`authenticated ${USER_PATH} req/s ÷ floor (Redis + L1)`, "≥ 90%", pct(l1.vsFloor), l1.vsFloor >= 0.9),
      target(`authenticated ${USER_PATH} req/s ÷ floor (Redis alone)`, "≥ 85%", pct(redisRow.vsFloor), redisRow.vsFloor >= 0.85),
      target(`authenticated ${USER_PATH} req/s ÷ floor (Postgres only)`, "≥ 70%", pct(pgRow.vsFloor), pgRow.vsFloor >= 0.7),
      target(`server CPU per authenticated request with L1 − floor's`, "≤ +100 µs", `${fmt(l1.cpuOverFloorUs, 0)} µs (main thread ${fmt(l1.mainCpuOverFloorUs, 0)} µs)`, l1.cpuOverFloorUs <= 100),
      target("authenticated page / req/s ÷ floor's bare page", "≥ 85%", pct(page.vsFloor), page.vsFloor >= 0.85),
      target("L1 vs Redis alone, CPU per authenticated request", "–", `${fmt(l1.case.cpuUsPerReq, 0)} vs ${fmt(redisRow.case.cpuUsPerReq, 0)} µs`, null),
      target("unexpected statuses / errors (all cases and floors)", "0", String(rows.reduce((a, r) => a + r.case.unexpected + r.floor.unexpected, 0)), rows.every((r) => r.case.unexpected + r.floor.unexpected === 0)),
    ],
    parameters: { connections: CONNECTIONS, durationS: DURATION_S, rounds: ROUNDS, warmupS: WARMUP_S, prerollS: PREROLL_S, floorRoute: FLOOR_ROUTE, floorPage: FLOOR_PAGE, healthPath: HEALTH_PATH },
    cases: rows,
  });
}

runBench(main);
