/**
 * A private Redis Cluster (three masters, no replicas) on free ports, built by the test and torn down after.
 * Bus ports are chosen explicitly (--cluster-port): the default "port + 10000" can fall outside the range
 * or onto a port someone else holds when the data port is an ephemeral one.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REQUIRE_SERVICES, eventually, freePort, hasRedisServerBinary, type ServiceProbe } from "./services";

export function hasRedisCliBinary(): boolean {
  return spawnSync("redis-cli", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Both binaries are needed to build a cluster; skip (or fail under REQUIRE_SERVICES=1) without them. */
export function probeRedisClusterBinaries(): ServiceProbe {
  const missing = [hasRedisServerBinary() ? null : "redis-server", hasRedisCliBinary() ? null : "redis-cli"].filter(Boolean);
  if (missing.length === 0) return { ok: true, url: "redis-server + redis-cli" };
  const message = `Redis Cluster tests need ${missing.join(" and ")} on PATH`;
  if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1: ${message}`);
  console.warn(`\n[skip] ${message}: the Cluster suite is skipped. Set REQUIRE_SERVICES=1 to make this a failure.\n`);
  return { ok: false, url: "PATH", why: `${missing.join(", ")} not installed` };
}

function redisCli(port: number, ...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", timeout: 30_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

export class PrivateRedisCluster {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), "nsi-cluster-"));
  private readonly children: ChildProcess[] = [];

  private constructor(readonly ports: number[]) {}

  /** Starts `masters` nodes, creates the cluster and waits until every node reports cluster_state:ok. */
  static async start(masters = 3): Promise<PrivateRedisCluster> {
    const ports: number[] = [];
    const busPorts: number[] = [];
    // freePort can hand out the same port twice if asked in a row before anyone binds: draw until distinct.
    while (ports.length + busPorts.length < masters * 2) {
      const p = await freePort();
      if (![...ports, ...busPorts].includes(p)) (ports.length < masters ? ports : busPorts).push(p);
    }
    const cluster = new PrivateRedisCluster(ports);
    try {
      for (let i = 0; i < masters; i++) cluster.spawnNode(ports[i]!, busPorts[i]!);
      await eventually(() => ports.every((p) => redisCli(p, "ping").out.includes("PONG")), 10_000, 50);
      const create = spawnSync(
        "redis-cli",
        ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"],
        { encoding: "utf8", timeout: 60_000 },
      );
      if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}`);
      await eventually(() => ports.every((p) => redisCli(p, "cluster", "info").out.includes("cluster_state:ok")), 30_000, 100);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The value for REDIS_CLUSTER_NODES. */
  get nodesEnv(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(",");
  }

  get nodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: "127.0.0.1", port }));
  }

  private spawnNode(port: number, busPort: number): void {
    const child = spawn(
      "redis-server",
      [
        "--port", String(port),
        "--bind", "127.0.0.1",
        "--cluster-enabled", "yes",
        "--cluster-port", String(busPort),
        "--cluster-config-file", `nodes-${port}.conf`,
        "--cluster-node-timeout", "2000",
        "--save", "",
        "--appendonly", "no",
        "--dir", this.dir,
      ],
      { stdio: "ignore" },
    );
    this.children.push(child);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGKILL");
        await exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
