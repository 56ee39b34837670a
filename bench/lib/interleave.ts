/**
 * Cases and their floor measured in alternating runs (floor, case, case, floor…: who goes first alternates),
 * so both see the same machine. On a shared two-core box the load moves by more than the differences being
 * measured within a minute; a ratio is only meaningful between neighbouring runs.
 * Each round gives one ratio, and the median of the rounds is reported.
 *
 * Every measured window follows a short unmeasured pre-roll on the same path, on both sides: a server that
 * sat idle is markedly slower for its first seconds of load (seen here: twice the CPU per request in the
 * first 2 s after a minute idle), so without a pre-roll whichever side waited longer would lose.
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
  mainCpuUsPerReq: number;
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
  /** The same for the main threads alone. */
  mainCpuOverFloorUs: number;
  rounds: { case: CannonCase; floor: CannonCase; ratio: number }[];
}

function summarise(runs: CannonCase[]): SideSummary {
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    cpuUsPerReq: median(runs.map((r) => r.cpuUsPerReq)),
    mainCpuUsPerReq: median(runs.map((r) => r.mainCpuUsPerReq)),
    requests: runs.reduce((a, r) => a + r.requests, 0),
    unexpected: runs.reduce((a, r) => a + r.unexpected, 0),
  };
}

export interface PairSpec {
  name: string;
  server: string;
  subject: Endpoint;
  floor: Endpoint;
}

/**
 * Every case against its floor, round-robin: each round measures every case once, beside a floor run of its
 * own (floor then case, or case then floor, alternating), in an order that rotates from round to round. So
 * all cases and all servers see the same stretch of the machine's weather and stay equally warm, and no
 * case owes its ratio to its place in the run.
 */
export async function interleavedCases(specs: PairSpec[], options: { rounds: number; durationS: number; connections: number; prerollS: number }): Promise<Paired[]> {
  const run = (label: string, t: Endpoint) =>
    cannon(label, t.url, t.path, { cookie: t.cookie, expectStatus: t.expectStatus, pid: t.pid, durationS: options.durationS, warmupS: options.prerollS, connections: options.connections, quiet: true });
  const rounds: Paired["rounds"][] = specs.map(() => []);
  for (let i = 0; i < options.rounds; i++) {
    for (let k = 0; k < specs.length; k++) {
      const index = (k + i) % specs.length;
      const spec = specs[index]!;
      let c: CannonCase;
      let f: CannonCase;
      if ((i + k) % 2 === 0) {
        f = await run(`floor ${spec.floor.path}`, spec.floor);
        c = await run(spec.name, spec.subject);
      } else {
        c = await run(spec.name, spec.subject);
        f = await run(`floor ${spec.floor.path}`, spec.floor);
      }
      rounds[index]!.push({ case: c, floor: f, ratio: c.reqPerSec / f.reqPerSec });
    }
  }
  return specs.map((spec, index) => report(spec, rounds[index]!));
}

function report(spec: PairSpec, rounds: Paired["rounds"]): Paired {
  const result: Paired = {
    name: spec.name,
    server: spec.server,
    path: spec.subject.path,
    floorPath: spec.floor.path,
    case: summarise(rounds.map((r) => r.case)),
    floor: summarise(rounds.map((r) => r.floor)),
    vsFloor: median(rounds.map((r) => r.ratio)),
    cpuOverFloorUs: median(rounds.map((r) => r.case.cpuUsPerReq - r.floor.cpuUsPerReq)),
    mainCpuOverFloorUs: median(rounds.map((r) => r.case.mainCpuUsPerReq - r.floor.mainCpuUsPerReq)),
    rounds,
  };
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  console.log(
    `${spec.name} [${spec.server}]: ${Math.round(result.case.reqPerSec)} req/s vs floor ${Math.round(result.floor.reqPerSec)} → ${pct(result.vsFloor)} (rounds ${rounds.map((r) => pct(r.ratio)).join(" ")}), CPU ${Math.round(result.case.cpuUsPerReq)} vs ${Math.round(result.floor.cpuUsPerReq)} µs/req (main thread ${Math.round(result.case.mainCpuUsPerReq)} vs ${Math.round(result.floor.mainCpuUsPerReq)})`,
  );
  return result;
}
