/**
 * A case and its floor measured in alternating runs (floor, case, case, floor, floor, case…: who goes first
 * alternates per round), so both see the same machine. On a shared two-core box the load moves by more than
 * the differences being measured within a minute; a ratio is only meaningful between neighbouring runs.
 * Each round gives one ratio, and the median of the rounds is reported.
 */
import { cannon, type CannonCase } from "./cannon";
import { median } from "./stats";

export interface Endpoint {
  url: string;
  path: string;
  cookie?: string;
  expectStatus: number;
  /** The server's pid, for its CPU per request. */
  pid?: number;
}

export interface SideSummary {
  /** Medians over the rounds. */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  /** Sums over the rounds. */
  requests: number;
  unexpected: number;
}

export interface Paired {
  name: string;
  server: string;
  path: string;
  floorPath: string;
  case: SideSummary;
  floor: SideSummary;
  /** Median over rounds of case req/s ÷ floor req/s of the same round. */
  vsFloor: number;
  /** Median over rounds of case CPU/request − floor CPU/request of the same round, in µs. */
  cpuOverFloorUs: number;
  rounds: { case: CannonCase; floor: CannonCase; ratio: number }[];
}

function summarise(runs: CannonCase[]): SideSummary {
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    cpuUsPerReq: median(runs.map((r) => r.cpuUsPerReq)),
    requests: runs.reduce((a, r) => a + r.requests, 0),
    unexpected: runs.reduce((a, r) => a + r.unexpected, 0),
  };
}

export async function interleaved(
  name: string,
  server: string,
  subject: Endpoint,
  floor: Endpoint,
  options: { rounds: number; durationS: number; connections: number },
): Promise<Paired> {
  const run = (label: string, t: Endpoint) =>
    cannon(label, t.url, t.path, { cookie: t.cookie, expectStatus: t.expectStatus, pid: t.pid, durationS: options.durationS, warmupS: 0, connections: options.connections, quiet: true });
  const rounds: Paired["rounds"] = [];
  for (let i = 0; i < options.rounds; i++) {
    let c: CannonCase;
    let f: CannonCase;
    if (i % 2 === 0) {
      f = await run(`floor ${floor.path}`, floor);
      c = await run(name, subject);
    } else {
      c = await run(name, subject);
      f = await run(`floor ${floor.path}`, floor);
    }
    rounds.push({ case: c, floor: f, ratio: c.reqPerSec / f.reqPerSec });
  }
  const result: Paired = {
    name,
    server,
    path: subject.path,
    floorPath: floor.path,
    case: summarise(rounds.map((r) => r.case)),
    floor: summarise(rounds.map((r) => r.floor)),
    vsFloor: median(rounds.map((r) => r.ratio)),
    cpuOverFloorUs: median(rounds.map((r) => r.case.cpuUsPerReq - r.floor.cpuUsPerReq)),
    rounds,
  };
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  console.log(
    `${name} [${server}]: ${Math.round(result.case.reqPerSec)} req/s vs floor ${Math.round(result.floor.reqPerSec)} → ${pct(result.vsFloor)} (rounds ${rounds.map((r) => pct(r.ratio)).join(" ")}), CPU ${Math.round(result.case.cpuUsPerReq)} vs ${Math.round(result.floor.cpuUsPerReq)} µs/req`,
  );
  return result;
}
