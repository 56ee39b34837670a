/**
 * bench/profile.ts — where a request's CPU goes. `npm run bench:profile` (BENCH_PROFILE_TOP=N rows,
 * BENCH_PROFILE_CASES=floor,health,redis,l1,l1-after-page,floor-page,page,postgres to pick cases).
 *
 * Each case starts its own `next start` under `node --cpu-prof`, warms it, loads one path with autocannon
 * (10 connections), then stops it so V8 writes the profile. Only samples inside the loaded window count (the
 * profile's clock is the monotonic clock of process.hrtime), so startup and warm-up are left out. Tables are
 * in µs per request: self time by function and by area, inclusive time of the app's own frames, and each
 * area against the floor app's. Profiles stay in bench/results/profiles/ for Chrome DevTools or speedscope.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { cannon } from "./lib/cannon";
import { summariseProfile, type ProfileSummary } from "./lib/cpuprofile";
import { ensureFloorBuild, FLOOR_PAGE, FLOOR_ROUTE, floorServer } from "./lib/floor-app";
import { createHttpClient, loginCookie } from "./lib/http-client";
import { runBench } from "./lib/lifecycle";
import { benchScale, fmt, printTable, RESULTS_DIR, startResult, target } from "./lib/report";
import { BENCH_PASSWORD, benchServer, ensureBenchBuild, insertUsers, openMigratedDatabase, privateRedis, requireServices, scratchDatabase } from "./lib/services";
import type { NextServer } from "@/test/support/next-server";

const CONNECTIONS = 10;
const DURATION_S = Math.max(2, Math.round(8 * benchScale()));
const WARMUP_S = 3;
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? "25");
/** BENCH_PROFILE_CALLERS=regex,regex: also print the commonest stacks under the functions they match. */
const CALLERS = (process.env.BENCH_PROFILE_CALLERS ?? "").split(",").filter(Boolean).map((s) => new RegExp(s));
const PROFILE_DIR = path.join(RESULTS_DIR, "profiles");
/** Sampling interval in µs: finer than V8's default 1 ms, so a 100 µs cost is a few samples per request. */
const INTERVAL_US = 250;

interface CaseSpec {
  id: string;
  name: string;
  path: string;
  expectStatus: number;
  start: (nodeArgs: string[]) => Promise<NextServer>;
  authenticated: boolean;
  /** Served (authenticated) before the warm-up of `path`: a server's history changes its heap, GC and code. */
  servedBefore?: string;
}

interface CaseResult {
  id: string;
  name: string;
  requests: number;
  reqPerSec: number;
  cpuUsPerReq: number;
  profileFile: string;
  /** The loaded window on the profile's clock (µs), for re-reading the profile later. */
  window: { fromUs: number; toUs: number };
  summary: ProfileSummary;
}

/**
 * Sampled µs of one case → µs of CPU per request: samples give each function's share of the main thread's
 * busy time, /proc gives what the whole process spent per request; their product is what a function costs.
 */
const perReq = (us: number, r: CaseResult) => (us / r.summary.busyUs) * r.cpuUsPerReq;

function printCase(r: CaseResult): void {
  console.log(`\n=== ${r.name}: ${r.requests} requests, ${fmt(r.reqPerSec, 0)} req/s, /proc CPU ${fmt(r.cpuUsPerReq, 0)} µs/req, ${fmt(r.summary.busyUs / INTERVAL_US, 0)} busy samples (µs/req below: share of samples × /proc CPU per request)`);
  printTable(`top ${TOP} self time by function (µs/req)`, ["function file:line", "self", "total"], r.summary.functions.slice(0, TOP).map((e) => [e.key, fmt(perReq(e.selfUs, r), 1), fmt(perReq(e.totalUs, r), 1)]));
  printTable("self time by area (µs/req)", ["area", "self", "total"], r.summary.areas.slice(0, TOP).map((e) => [e.key, fmt(perReq(e.selfUs, r), 1), fmt(perReq(e.totalUs, r), 1)]));
  const app = r.summary.functions.filter((e) => /^\S+ (lib|app)\//.test(e.key) || / (proxy|instrumentation)\.ts:/.test(e.key)).sort((a, b) => b.totalUs - a.totalUs);
  for (const c of r.summary.callers) {
    console.log(`\nstacks under /${c.pattern}/ (µs/req, innermost first):`);
    for (const s of c.stacks) console.log(`  ${fmt(perReq(s.us, r), 1)}  ${s.stack}`);
  }
  printTable(`the app's own functions by inclusive time (µs/req, top ${TOP})`, ["function file:line", "total", "self"], app.slice(0, TOP).map((e) => [e.key, fmt(perReq(e.totalUs, r), 1), fmt(perReq(e.selfUs, r), 1)]));
}

async function main(): Promise<void> {
  const result = startResult("profile");
  await requireServices();
  ensureBenchBuild();
  ensureFloorBuild();
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  mkdirSync(PROFILE_DIR, { recursive: true });
  const databaseUrl = await scratchDatabase();
  const database = await openMigratedDatabase(databaseUrl, 1);
  const [user] = await insertUsers(database.db, 1, "profile");
  await database.close();
  const redis = await privateRedis();
  const common = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url };
  const specs: CaseSpec[] = [
    { id: "floor", name: `floor app ${FLOOR_ROUTE}`, path: FLOOR_ROUTE, expectStatus: 200, authenticated: false, start: (a) => floorServer(a) },
    { id: "health", name: "app /api/health/live (Redis server)", path: "/api/health/live", expectStatus: 200, authenticated: false, start: (a) => benchServer({ ...common, REDIS_KEY_PREFIX: "prof-h:", SESSION_L1_ENABLED: "false" }, a) },
    { id: "redis", name: "app /api/auth/user, Redis", path: "/api/auth/user", expectStatus: 200, authenticated: true, start: (a) => benchServer({ ...common, REDIS_KEY_PREFIX: "prof-r:", SESSION_L1_ENABLED: "false" }, a) },
    { id: "l1", name: "app /api/auth/user, Redis + L1", path: "/api/auth/user", expectStatus: 200, authenticated: true, start: (a) => benchServer({ ...common, REDIS_KEY_PREFIX: "prof-l1:", SESSION_L1_ENABLED: "true" }, a) },
    {
      id: "l1-after-page",
      name: "app /api/auth/user, Redis + L1, after serving the page /",
      path: "/api/auth/user",
      expectStatus: 200,
      authenticated: true,
      servedBefore: "/",
      start: (a) => benchServer({ ...common, REDIS_KEY_PREFIX: "prof-l1p:", SESSION_L1_ENABLED: "true" }, a),
    },
    { id: "floor-page", name: `floor app bare page ${FLOOR_PAGE}`, path: FLOOR_PAGE, expectStatus: 200, authenticated: false, start: (a) => floorServer(a) },
    { id: "page", name: "app page / authenticated, Redis + L1", path: "/", expectStatus: 200, authenticated: true, start: (a) => benchServer({ ...common, REDIS_KEY_PREFIX: "prof-p:", SESSION_L1_ENABLED: "true" }, a) },
    { id: "postgres", name: "app /api/auth/user, Postgres only", path: "/api/auth/user", expectStatus: 200, authenticated: true, start: (a) => benchServer({ DATABASE_URL: databaseUrl, SESSION_L1_ENABLED: "false" }, a) },
  ];
  const wanted = process.env.BENCH_PROFILE_CASES?.split(",").map((s) => s.trim());
  const results: CaseResult[] = [];
  for (const spec of specs.filter((s) => !wanted || wanted.includes(s.id))) {
    const dir = path.join(PROFILE_DIR, spec.id);
    mkdirSync(dir, { recursive: true });
    const server = await spec.start(["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${INTERVAL_US}`]);
    const pid = server.pid;
    let cookie: string | undefined;
    if (spec.authenticated) {
      const client = createHttpClient(server.url);
      cookie = await loginCookie(client, user!.email, BENCH_PASSWORD);
      client.close();
    }
    if (spec.servedBefore) await cannon("history", server.url, spec.servedBefore, { cookie, expectStatus: 0, durationS: WARMUP_S, warmupS: 0, connections: CONNECTIONS, quiet: true });
    await cannon("warm-up", server.url, spec.path, { cookie, expectStatus: 0, durationS: WARMUP_S, warmupS: 0, connections: CONNECTIONS, quiet: true });
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const run = await cannon(spec.name, server.url, spec.path, { cookie, expectStatus: spec.expectStatus, durationS: DURATION_S, warmupS: 0, connections: CONNECTIONS, pid });
    const toUs = Number(process.hrtime.bigint() / 1000n);
    // SIGTERM: Next exits through process.exit, which is when V8 writes the profile.
    await server.stop();
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile") && f.includes(`.${pid}.0.`));
    if (!file) throw new Error(`bench: no main-thread profile of pid ${pid} in ${dir} (found: ${readdirSync(dir).join(", ")})`);
    const r: CaseResult = { id: spec.id, name: spec.name, requests: run.requests, reqPerSec: run.reqPerSec, cpuUsPerReq: run.cpuUsPerReq, profileFile: path.relative(process.cwd(), path.join(dir, file)), window: { fromUs, toUs }, summary: summariseProfile(path.join(dir, file), { window: { fromUs, toUs }, sampleUs: INTERVAL_US, callers: CALLERS }) };
    if (run.unexpected > 0) throw new Error(`bench: ${spec.name} answered ${run.unexpected} unexpected statuses (${JSON.stringify(run.statusCodes)})`);
    results.push(r);
    printCase(r);
  }

  // Each area against the floor's: what the app adds per request, and where.
  const floor = results.find((r) => r.id === "floor");
  const areas = [...new Set(results.flatMap((r) => r.summary.areas.map((a) => a.key)))];
  const selfOf = (r: CaseResult, area: string) => perReq(r.summary.areas.find((a) => a.key === area)?.selfUs ?? 0, r);
  areas.sort((a, b) => Math.max(...results.map((r) => selfOf(r, b))) - Math.max(...results.map((r) => selfOf(r, a))));
  printTable(
    "self time by area, every case (µs/req: share of the busy main-thread samples × /proc CPU per request)",
    ["area", ...results.map((r) => r.id)],
    [
      ...areas.slice(0, TOP).map((a) => [a, ...results.map((r) => fmt(selfOf(r, a), 1))]),
      ["busy samples", ...results.map((r) => fmt(r.summary.busyUs / INTERVAL_US, 0))],
      ["/proc CPU (all threads)", ...results.map((r) => fmt(r.cpuUsPerReq, 0))],
      ["req/s under profiler", ...results.map((r) => fmt(r.reqPerSec, 0))],
    ],
  );
  result.finish({
    targets: results.map((r) =>
      target(`${r.name}: /proc CPU µs/req${floor && r !== floor ? " (− floor)" : ""}`, "–", floor && r !== floor ? `${fmt(r.cpuUsPerReq, 0)} (+${fmt(r.cpuUsPerReq - floor.cpuUsPerReq, 0)})` : fmt(r.cpuUsPerReq, 0), null),
    ),
    parameters: { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, samplingIntervalUs: INTERVAL_US },
    cases: results.map((r) => ({ ...r, summary: { ...r.summary, functions: r.summary.functions.slice(0, 200), files: r.summary.files.slice(0, 100) } })),
  });
}

runBench(main);
