/**
 * A private Redis Sentinel group on free ports: one master, one replica (two PrivateRedis processes) and
 * three redis-sentinel processes with a quorum of two and short timeouts, so a failover completes in a few
 * seconds. Nothing here touches the shared Redis; every process is stopped by pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { eventually, freePort, PrivateRedis, waitForPort, type ServiceProbe } from "../../support/services";
import { probeCommands, stopChild } from "./processes";

export const SENTINEL_NAME = "nsimaster";
const DOWN_AFTER_MS = 1000;

let probe: ServiceProbe | undefined;
export function probeRedisSentinel(): ServiceProbe {
  probe ??= probeCommands([["redis-server", "--version"], ["redis-sentinel", "--version"]], "redis-server / redis-sentinel", "redis-server redis-sentinel");
  return probe;
}

export class SentinelGroup {
  private readonly sentinels: { port: number; child: ChildProcess }[] = [];
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), "nsi-sentinel-"));
  private constructor(readonly nodes: PrivateRedis[]) {}

  static async start(): Promise<SentinelGroup> {
    const master = await PrivateRedis.start();
    const replica = await PrivateRedis.start(["--replicaof", "127.0.0.1", String(master.port)]);
    const group = new SentinelGroup([master, replica]);
    try {
      await eventually(async () => (await group.info(replica, "replication")).includes("master_link_status:up"), 10_000, 50);
      for (let i = 0; i < 3; i++) await group.startSentinel(master.port, i);
      // Every sentinel has found the replica and its peers, so a failover can be elected at once.
      await eventually(async () => {
        for (const s of group.sentinels) {
          const replicas = (await group.askSentinel(s.port, ["SENTINEL", "REPLICAS", SENTINEL_NAME])) as unknown[];
          const peers = (await group.askSentinel(s.port, ["SENTINEL", "SENTINELS", SENTINEL_NAME])) as unknown[];
          if (replicas.length < 1 || peers.length < 2) return false;
        }
        return true;
      }, 30_000, 200);
    } catch (error) {
      await group.stop();
      throw error;
    }
    return group;
  }

  /** `host:port,...` for REDIS_SENTINELS. */
  get sentinelList(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(",");
  }

  /** The master's port as the sentinels report it. */
  async masterPort(): Promise<number> {
    const [, port] = (await this.askSentinel(this.sentinels[0]!.port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", SENTINEL_NAME])) as string[];
    return Number(port);
  }

  node(port: number): PrivateRedis {
    const found = this.nodes.find((n) => n.port === port);
    if (!found) throw new Error(`no group node on port ${port}`);
    return found;
  }

  /** Manual failover (the replica is promoted, the old master demoted and kept running). */
  async failover(): Promise<void> {
    await this.askSentinel(this.sentinels[0]!.port, ["SENTINEL", "FAILOVER", SENTINEL_NAME]);
  }

  /** Waits until every sentinel names a master other than `oldPort`, and that node says it is a master. */
  async waitForNewMaster(oldPort: number, timeoutMs = 30_000): Promise<number> {
    let port = oldPort;
    await eventually(async () => {
      for (const s of this.sentinels) {
        const [, p] = (await this.askSentinel(s.port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", SENTINEL_NAME])) as string[];
        if (Number(p) === oldPort) return false;
        port = Number(p);
      }
      return (await this.info(this.node(port), "replication")).includes("role:master");
    }, timeoutMs, 100);
    return port;
  }

  async info(node: PrivateRedis, section: string): Promise<string> {
    const client = new Redis(node.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
    client.on("error", () => {});
    try {
      await client.connect();
      return await client.info(section);
    } catch {
      return "";
    } finally {
      client.disconnect();
    }
  }

  private async askSentinel(port: number, args: string[]): Promise<unknown> {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
    client.on("error", () => {});
    try {
      await client.connect();
      return await client.call(args[0]!, ...args.slice(1));
    } finally {
      client.disconnect();
    }
  }

  private async startSentinel(masterPort: number, index: number): Promise<void> {
    const port = await freePort();
    const file = path.join(this.dir, `sentinel-${index}.conf`);
    // Sentinel rewrites its own config file (it records peers and the current epoch there).
    writeFileSync(
      file,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${this.dir}`,
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_NAME} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${SENTINEL_NAME} 10000`,
        `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
      ].join("\n") + "\n",
    );
    const child = spawn("redis-sentinel", [file], { stdio: "ignore" });
    this.sentinels.push({ port, child });
    await waitForPort(port);
  }

  async stop(): Promise<void> {
    for (const s of this.sentinels) await stopChild(s.child, "SIGKILL");
    for (const node of this.nodes) await node.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
