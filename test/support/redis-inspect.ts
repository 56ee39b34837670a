/**
 * Looking at Redis from the outside, the way an operator would: an unprefixed client (single node or
 * Cluster) that reads exact keys, scans a prefix over every master, and counts commands the server ran.
 * Tests use it to check what the app wrote, never to stand in for the app's own client.
 */
import { Cluster, Redis } from "ioredis";

export type RedisTargetSpec = { url: string } | { clusterNodes: { host: string; port: number }[] };

export class RedisInspector {
  private constructor(private readonly client: Redis | Cluster) {}

  static async connect(spec: RedisTargetSpec): Promise<RedisInspector> {
    const client = "url" in spec ? new Redis(spec.url, { lazyConnect: true }) : new Cluster(spec.clusterNodes, { lazyConnect: true });
    client.on("error", () => {
      // Tests kill and pause servers on purpose; failures surface as rejected commands.
    });
    await client.connect();
    return new RedisInspector(client);
  }

  get raw(): Redis | Cluster {
    return this.client;
  }

  private masters(): Redis[] {
    return this.client instanceof Cluster ? this.client.nodes("master") : [this.client];
  }

  get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.client.exists(key)) === 1;
  }

  pttl(key: string): Promise<number> {
    return this.client.pttl(key);
  }

  async setPx(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, "PX", ttlMs);
  }

  /** Every key under `prefix`, over all masters (SCAN, never KEYS). */
  async keys(prefix: string): Promise<string[]> {
    const found: string[] = [];
    for (const node of this.masters()) {
      let cursor = "0";
      do {
        const [next, batch] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        found.push(...batch);
      } while (cursor !== "0");
    }
    return found;
  }

  /** Subscribers of a pub/sub channel (PUBSUB NUMSUB), summed over masters. */
  async subscribers(channel: string): Promise<number> {
    let total = 0;
    for (const node of this.masters()) {
      const reply = (await node.call("PUBSUB", "NUMSUB", channel)) as [string, number];
      total += Number(reply[1]);
    }
    return total;
  }

  /**
   * Commands the server has executed (INFO commandstats), excluding INFO itself: take it before and after
   * and the difference is every round trip anyone made in between. Meaningful on a private server only.
   */
  async commandsExecuted(): Promise<number> {
    let total = 0;
    for (const node of this.masters()) {
      const stats = await node.info("commandstats");
      for (const m of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== "info") total += Number(m[2]);
    }
    return total;
  }

  /** Writes an RDB snapshot, so a killed server comes back with today's data (the stale-key scenario). */
  async saveSnapshot(): Promise<void> {
    for (const node of this.masters()) await node.save();
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
