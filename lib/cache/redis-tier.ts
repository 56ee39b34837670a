/**
 * The Redis tier: its keys and its two scripts. Every call here may throw (Redis down, timeout); the
 * facade (session-cache.ts) decides what a failure means, together with the trust module.
 *
 * Writes and deletes are atomic per session: a fill is refused while the session's tombstone exists, and an
 * invalidation deletes the entry and sets the tombstone in one step.
 */
import type { SessionContext } from "../session/types";
import { TOMBSTONE_TTL_MS } from "./contract";
import type { RedisClient } from "./redis-client";

// Both keys of a session share the {hash tag} so the scripts work on Redis Cluster (same slot).
const dataKey = (id: string) => `s:{${id}}`;
const tombstoneKey = (id: string) => `t:{${id}}`;

const FILL_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const INVALIDATE_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1`;

type ScriptedClient = RedisClient & {
  nsiFill(data: string, tomb: string, value: string, ttlMs: number): Promise<number>;
  nsiInvalidate(data: string, tomb: string, tombTtlMs: number): Promise<number>;
};

export class RedisTier {
  private readonly client: ScriptedClient;

  constructor(client: RedisClient) {
    client.defineCommand("nsiFill", { numberOfKeys: 2, lua: FILL_SCRIPT });
    client.defineCommand("nsiInvalidate", { numberOfKeys: 2, lua: INVALIDATE_SCRIPT });
    this.client = client as ScriptedClient;
  }

  // Not async, here and below: each extra async frame would add a microtask to the request's wait.

  /** The cached JSON of a session, or null. */
  get(id: string): Promise<string | null> {
    return this.client.get(dataKey(id));
  }

  /** 0 when Redis holds a tombstone for the session (another instance revoked it): nothing was written. */
  fill(context: SessionContext, ttlMs: number): Promise<number> {
    const id = context.sessionId;
    return this.client.nsiFill(dataKey(id), tombstoneKey(id), JSON.stringify(context), Math.ceil(ttlMs));
  }

  /** Deletes the entries and leaves a tombstone for each. */
  invalidate(ids: string[]): Promise<unknown> {
    // One call per id: in a Cluster the ids live in different slots.
    return Promise.all(ids.map((id) => this.client.nsiInvalidate(dataKey(id), tombstoneKey(id), TOMBSTONE_TTL_MS)));
  }

  ping(): Promise<unknown> {
    return this.client.ping();
  }

  close(): void {
    this.client.disconnect();
  }
}
