/**
 * The floors each cache tier is compared with: what the same work costs with nothing of ours in the way.
 *  - Redis: a raw ioredis GET of a payload of the same size (default client options, same server);
 *  - Postgres: a raw postgres.js prepared primary-key SELECT on the sessions table;
 *  - L1: an in-process Map lookup plus JSON.parse of the same payload.
 */
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import postgres from "postgres";
import { summarize, type Summary } from "./stats";

async function timeLoop(n: number, call: (i: number) => Promise<unknown> | unknown): Promise<{ summary: Summary; opsPerSec: number }> {
  const samples = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await call(i);
    samples[i] = (performance.now() - s) * 1000;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { summary: summarize(samples), opsPerSec: n / seconds };
}

export async function rawRedisGet(redisUrl: string, payload: string, n: number) {
  const client = new Redis(redisUrl);
  try {
    await client.set("bench-floor:payload", payload);
    for (let i = 0; i < 1000; i++) await client.get("bench-floor:payload"); // warm-up
    return await timeLoop(n, () => client.get("bench-floor:payload"));
  } finally {
    client.disconnect();
  }
}

/** Same ids, same order as the validation run: `ids[sequence[i]]`. */
export async function rawPostgresSelect(databaseUrl: string, ids: string[], sequence: Uint32Array) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const select = (id: string) => sql`select * from sessions where id = ${id}`;
    for (let i = 0; i < Math.min(1000, sequence.length); i++) await select(ids[sequence[i]!]!); // warm-up, prepares
    return await timeLoop(sequence.length, (i) => select(ids[sequence[i]!]!));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Synchronous on purpose (no await per call): the strictest floor for the in-process tier. */
export function mapLookupAndParse(ids: string[], payload: string, sequence: Uint32Array) {
  const map = new Map(ids.map((id) => [id, payload]));
  for (let i = 0; i < Math.min(10_000, sequence.length); i++) JSON.parse(map.get(ids[sequence[i]!]!)!); // warm-up
  const samples = new Float64Array(sequence.length);
  const t0 = performance.now();
  for (let i = 0; i < sequence.length; i++) {
    const s = performance.now();
    JSON.parse(map.get(ids[sequence[i]!]!)!);
    samples[i] = (performance.now() - s) * 1000;
  }
  return { summary: summarize(samples), opsPerSec: sequence.length / ((performance.now() - t0) / 1000) };
}
