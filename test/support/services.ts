/**
 * Real services for integration tests: PostgreSQL, Redis, private redis-server processes.
 * Without a reachable service, dependent suites are skipped with a clear message; with
 * REQUIRE_SERVICES=1 (CI) a missing service is a failure instead.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { Redis } from "ioredis";

export const REQUIRE_SERVICES = process.env.REQUIRE_SERVICES === "1";

export interface ServiceProbe {
  ok: boolean;
  url: string;
  why?: string;
}

function unavailable(name: string, url: string, why: string): ServiceProbe {
  const message = `${name} not reachable at ${url} (${why})`;
  if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1: ${message}`);
  console.warn(`\n[skip] ${message}: the tests that need it are skipped. Set REQUIRE_SERVICES=1 to make this a failure.\n`);
  return { ok: false, url, why };
}

/** Empty counts as unset, as in lib/config (a `.env` line such as `DATABASE_URL=` means "not given"). */
function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== "");
}

export function postgresAdminUrl(): string {
  return firstSet(process.env.TEST_DATABASE_URL, process.env.DATABASE_URL) ?? "postgres://postgres@127.0.0.1:5432/test";
}

export function sharedRedisUrl(): string {
  return firstSet(process.env.TEST_REDIS_URL, process.env.REDIS_URL) ?? "redis://127.0.0.1:6379";
}

let pgProbe: Promise<ServiceProbe> | undefined;
export function probePostgres(): Promise<ServiceProbe> {
  pgProbe ??= (async () => {
    const url = postgresAdminUrl();
    const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await sql`select 1`;
      return { ok: true, url };
    } catch (error) {
      return unavailable("PostgreSQL", url, (error as Error).message);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  })();
  return pgProbe;
}

let redisProbe: Promise<ServiceProbe> | undefined;
export function probeRedis(): Promise<ServiceProbe> {
  redisProbe ??= (async () => {
    const url = sharedRedisUrl();
    const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.ping();
      return { ok: true, url };
    } catch (error) {
      return unavailable("Redis", url, (error as Error).message);
    } finally {
      client.disconnect();
    }
  })();
  return redisProbe;
}

export function hasRedisServerBinary(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export function probeRedisServerBinary(): ServiceProbe {
  if (hasRedisServerBinary()) return { ok: true, url: "redis-server" };
  return unavailable("redis-server binary", "PATH", "not installed");
}

/** A scratch database per test file, dropped afterwards: test files run in parallel without sharing rows. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgresAdminUrl();
  const name = `nsi_test_${randomBytes(6).toString("hex")}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const s = postgres(admin, { max: 1, onnotice: () => {} });
      await s.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await s.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A private redis-server on a free port that a test may kill, pause and restart. Never the shared one. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), "nsi-redis-"));
  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  static async start(extraArgs: string[] = []): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), extraArgs);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir, ...this.extraArgs],
      { stdio: "ignore" },
    );
    await waitForPort(this.port);
  }

  /** SIGKILL: the crash case. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    this.child = null;
  }

  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `check` is true, polling; for conditions that settle asynchronously (breaker probes, reconnects). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
