/**
 * The floors each cache tier is compared with: what the same work costs with nothing of ours in the way.
 *  - Redis: a raw ioredis GET (default client options, same server) of the very keys the mode reads, so the
 *    payload sizes and the server's work are the same;
 *  - Postgres: a raw postgres.js prepared primary-key SELECT on the sessions table;
 *  - L1: an in-process Map lookup plus JSON.parse of the same payload (synchronous: the strictest floor).
 * Each floor is run interleaved with the mode it judges (bench/lib/validation-loop.ts), so both see the
 * same machine: on a shared two-core box, measuring them minutes apart compares two different loads.
 */
import { Redis } from "ioredis";
import postgres from "postgres";

/** One call of a comparator; `i` indexes the same access sequence the mode uses. */
export type Comparator = (i: number) => unknown;

export interface Floors {
  redisGet: Comparator;
  postgresSelect: Comparator;
  mapParse: Comparator;
  close(): Promise<void>;
}

export async function openFloors(options: {
  redisUrl: string;
  /** The full Redis key of a session id (the app's prefix and key layout). */
  redisKey: (id: string) => string;
  databaseUrl: string;
  ids: string[];
  sequence: Uint32Array;
  payload: string;
}): Promise<Floors> {
  const { ids, sequence, payload } = options;
  const redis = new Redis(options.redisUrl);
  const keys = ids.map(options.redisKey);
  const sql = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  const map = new Map(ids.map((id) => [id, payload]));
  const floors: Floors = {
    redisGet: (i) => redis.get(keys[sequence[i]!]!),
    // postgres.js prepares tagged queries by default: this is the prepared-statement round trip.
    postgresSelect: (i) => sql`select * from sessions where id = ${ids[sequence[i]!]!}`,
    mapParse: (i) => JSON.parse(map.get(ids[sequence[i]!]!)!),
    async close() {
      redis.disconnect();
      await sql.end({ timeout: 5 });
    },
  };
  // Warm-up: connections open, statement prepared, JIT settled.
  for (let i = 0; i < 2000; i++) {
    await floors.redisGet(i);
    await floors.postgresSelect(i % sequence.length);
    floors.mapParse(i % sequence.length);
  }
  return floors;
}
