/** One autocannon case: a short warm-up, then a measured run; counts every answer that was not the expected status. */
import autocannon from "autocannon";
import { cpuMicros, mainThreadCpuMicros } from "./services";

export interface CannonCase {
  name: string;
  path: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** Answers with another status than expected, plus errors and timeouts (must be 0). */
  unexpected: number;
  statusCodes: Record<string, number>;
  /** Server CPU (user + system) per request over the measured run, in µs; NaN without a server pid. */
  cpuUsPerReq: number;
  /** The same for the server's main thread alone (where Next handles every request). */
  mainCpuUsPerReq: number;
}

export async function cannon(
  name: string,
  baseUrl: string,
  path: string,
  options: { cookie?: string; expectStatus: number; durationS: number; warmupS: number; connections: number; quiet?: boolean; pid?: number },
): Promise<CannonCase> {
  const headers: Record<string, string> = options.cookie ? { cookie: options.cookie } : {};
  const base = { url: baseUrl + path, connections: options.connections, headers, timeout: 10 };
  if (options.warmupS > 0) await autocannon({ ...base, duration: options.warmupS });
  const cpuBefore = cpuMicros(options.pid);
  const mainBefore = mainThreadCpuMicros(options.pid);
  const r = await autocannon({ ...base, duration: options.durationS });
  const cpuAfter = cpuMicros(options.pid);
  const mainAfter = mainThreadCpuMicros(options.pid);
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
  const total = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const result: CannonCase = {
    name,
    path,
    reqPerSec: total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requests: total,
    unexpected: total - (statusCodes[String(options.expectStatus)] ?? 0) + r.errors + r.timeouts,
    statusCodes,
    cpuUsPerReq: total > 0 ? (cpuAfter - cpuBefore) / total : NaN,
    mainCpuUsPerReq: total > 0 ? (mainAfter - mainBefore) / total : NaN,
  };
  if (!options.quiet) console.log(`${name}: ${Math.round(result.reqPerSec)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, unexpected ${result.unexpected}${Number.isFinite(result.cpuUsPerReq) ? `, ${Math.round(result.cpuUsPerReq)} µs CPU/req` : ""}`);
  return result;
}
