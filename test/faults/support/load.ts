/**
 * Bounded load: a fixed number of concurrent workers (one keep-alive connection each) loop until the
 * time budget or the request budget runs out, recording every request's outcome and latency.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { errorCode, request, RequestTimeout } from "./http";

export interface LoadRequest {
  path: string;
  cookie?: string;
  /** Free label (e.g. which session) so assertions can group samples. */
  tag: string;
}

export interface Sample {
  tag: string;
  /** Wall-clock ms when the request was sent and when its answer (or failure) arrived. */
  startedAt: number;
  finishedAt: number;
  latencyMs: number;
  /** HTTP status, 0 for a connection error, -1 for a timeout (a hang). */
  status: number;
  code?: string;
  /** Sent twice (retryConnectionResets): the first attempt's connection was reset. */
  retried?: boolean;
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  durationMs: number;
  maxRequests: number;
  timeoutMs?: number;
  /**
   * Send a request again, once, on a new connection made by this agent, when its kept-alive connection was
   * reset before any answer (ECONNRESET), as browsers do when the server side closed it (a proxy reloading
   * its workers). Counted in `retried`.
   */
  retryConnectionResets?: http.Agent;
  /** Keep-alive agent to use (an https.Agent for a TLS endpoint); default one http.Agent per run. */
  agent?: http.Agent;
  /** Ends the run early (e.g. once the fault script is done); durationMs stays the upper bound. */
  shouldStop?: () => boolean;
  /** The next request for a worker, or null to idle a moment (e.g. nothing left to probe). */
  next(worker: number, sequence: number): LoadRequest | null;
}

export async function runLoad(options: LoadOptions): Promise<Sample[]> {
  const agent = options.agent ?? new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const samples: Sample[] = [];
  const deadline = Date.now() + options.durationMs;
  let budget = options.maxRequests;
  let sequence = 0;
  const worker = async (id: number) => {
    while (Date.now() < deadline && budget > 0 && !options.shouldStop?.()) {
      const next = options.next(id, sequence++);
      if (!next) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      budget--;
      const startedAt = Date.now();
      const t0 = performance.now();
      let status = 0;
      let code: string | undefined;
      let retried = false;
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const via = attempt === 0 ? agent : options.retryConnectionResets;
          const answer = await request(options.baseUrl, next.path, { cookie: next.cookie, agent: via, timeoutMs: options.timeoutMs ?? 15_000 });
          status = answer.status;
          code = errorCode(answer.json);
          break;
        } catch (error) {
          status = error instanceof RequestTimeout ? -1 : 0;
          code = (error as { code?: string }).code ?? (error as Error).message;
          if (!(options.retryConnectionResets && attempt === 0 && code === "ECONNRESET")) break;
          retried = true;
        }
      }
      samples.push({ tag: next.tag, startedAt, finishedAt: Date.now(), latencyMs: performance.now() - t0, status, code, ...(retried ? { retried } : {}) });
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, (_, i) => worker(i)));
  } finally {
    agent.destroy();
  }
  return samples;
}

export interface LoadSummary {
  requests: number;
  failures: number;
  byStatus: Record<string, number>;
  maxLatencyMs: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarize(samples: Sample[], isFailure: (s: Sample) => boolean): LoadSummary {
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : 0);
  const byStatus: Record<string, number> = {};
  for (const s of samples) {
    const key = s.code && s.status !== 200 ? `${s.status} ${s.code}` : String(s.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  return {
    requests: samples.length,
    failures: samples.filter(isFailure).length,
    byStatus,
    maxLatencyMs: Math.round(latencies[latencies.length - 1] ?? 0),
    p50Ms: Math.round(at(0.5)),
    p99Ms: Math.round(at(0.99)),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
