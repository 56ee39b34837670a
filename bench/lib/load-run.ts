/**
 * A closed-loop load generator: `users` workers, each with its own session cookie, share a budget of
 * requests to one path. Every request's start, end and status is kept, so latency can be cut into windows
 * (before, during and after a fault injected half-way).
 */
import { performance } from "node:perf_hooks";
import type { HttpClient } from "./http-client";
import { summarize, type Summary } from "./stats";

export interface LoadSample {
  startedAt: number;
  endedAt: number;
  status: number;
}

export interface LoadRun {
  samples: LoadSample[];
  elapsedMs: number;
  /** performance.now() when the fault started (only with `fault`). */
  faultAt?: number;
  faultDoneAt?: number;
}

export async function loadRun(
  client: HttpClient,
  cookies: string[],
  total: number,
  path: string,
  fault?: { afterRequests: number; inject: () => Promise<void> },
): Promise<LoadRun> {
  const samples: LoadSample[] = [];
  let issued = 0;
  let faultPromise: Promise<void> | null = null;
  const run: LoadRun = { samples, elapsedMs: 0 };
  const worker = async (cookie: string) => {
    while (issued < total) {
      if (fault && issued === fault.afterRequests && !faultPromise) {
        run.faultAt = performance.now();
        // Not awaited: the other users keep going while the fault lands, as in production.
        faultPromise = fault.inject().then(() => void (run.faultDoneAt = performance.now()));
      }
      issued++;
      const startedAt = performance.now();
      try {
        const res = await client.get(path, cookie);
        samples.push({ startedAt, endedAt: res.endedAt, status: res.status });
      } catch {
        samples.push({ startedAt, endedAt: performance.now(), status: 0 }); // connection error or timeout
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(cookies.map(worker));
  run.elapsedMs = performance.now() - t0;
  if (faultPromise) await faultPromise;
  return run;
}

export interface WindowStats {
  window: string;
  requests: number;
  errors: number;
  /** Milliseconds. */
  latency: Summary;
}

export function windowStats(window: string, samples: LoadSample[]): WindowStats {
  return {
    window,
    requests: samples.length,
    errors: samples.filter((s) => s.status !== 200).length,
    latency: summarize(samples.map((s) => s.endedAt - s.startedAt)),
  };
}
