/**
 * Builds the app once into a private dist dir and starts `next start` processes on free ports with a given
 * environment (a real server, real cookies, real route handlers). Used by the HTTP, fault and bench suites.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { seedFixtures, type Fixtures } from "./server-fixtures";
import { freePort } from "./services";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

export const TEST_SERVER_SECRET = "http-test-secret-0123456789-abcdefghijklmnop";
export const TEST_MFA_KEY = "http-test-mfa-key-0123456789-abcdefghijklmnop";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Runs `next build` into `distDir` unless a build newer than every source file is already there.
 * A lock directory serialises concurrent callers (parallel suites, benches) on the same dist dir.
 */
export function ensureBuilt(distDir: string): void {
  const lock = path.join(ROOT, `${distDir}.build-lock`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`ensureBuilt: ${lock} held for 10 minutes; remove it if stale`);
      // A build older than 10 minutes left its lock behind (crash): take it over.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone already
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    buildIfStale(distDir);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildIfStale(distDir: string): void {
  const buildId = path.join(ROOT, distDir, "BUILD_ID");
  if (existsSync(buildId)) {
    const builtAt = statSync(buildId).mtimeMs;
    // Root files that shape the build too (a proxy or config change must not run against a stale build).
    const rootFiles = ["proxy.ts", "next.config.ts", "instrumentation.ts"].map((f) => path.join(ROOT, f)).filter((f) => existsSync(f));
    const sources = Math.max(newestMtime(path.join(ROOT, "app")), newestMtime(path.join(ROOT, "lib")), ...rootFiles.map((f) => statSync(f).mtimeMs));
    if (builtAt > sources) return;
  }
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface NextServer {
  url: string;
  port: number;
  env: Record<string, string>;
  dataDir: string;
  /** The `next start` process id (it serves requests itself); undefined once stopped. Benchmarks read its RSS. */
  readonly pid: number | undefined;
  /** Everything the server printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * Stops and starts again with the same env (and the same data folder), optionally changing some env;
   * `whileStopped` runs between the two (a deploy script taking the instance out of its load balancer).
   */
  restart(envChanges?: Record<string, string | undefined>, whileStopped?: () => Promise<void>): Promise<void>;
}

export interface StartOptions {
  distDir: string;
  env?: Record<string, string | undefined>;
  port?: number;
  /** Wait for this path to answer 200 (default /api/auth/user answering anything but a connection error). */
  readyPath?: string;
  timeoutMs?: number;
  /** Accounts written into the server's database before it starts (see ./server-fixtures). */
  fixtures?: Fixtures;
  /** Another Next project folder with its own node_modules (default: this repository); its own `next` serves it. */
  cwd?: string;
  /** Flags for node itself, before the `next` script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited early (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`next start did not become ready in ${timeoutMs} ms:\n${output()}`);
}

export async function startNextServer(options: StartOptions): Promise<NextServer> {
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "nsi-server-"));
  let env: Record<string, string> = Object.fromEntries(
    Object.entries({
      // Only the OS basics are inherited: the app's own variables (DATABASE_URL, REDIS_URL, …) come from `env`
      // alone, so a suite meant for PGlite never silently runs against the CI database.
      ...Object.fromEntries(["PATH", "HOME", "LANG", "TMPDIR", "TZ"].map((k) => [k, process.env[k]])),
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: options.distDir,
      DATA_DIR: dataDir,
      SESSION_SECRET: TEST_SERVER_SECRET,
      MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
      // Production's default is "required"; suites about staff second factors ask for it themselves.
      STAFF_MFA: "optional",
      LOG_LEVEL: "warn",
      ...options.env,
    }).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  let child: ChildProcess;
  let log = "";
  const spawnServer = async () => {
    log = "";
    const bin = options.cwd ? path.join(options.cwd, "node_modules", "next", "dist", "bin", "next") : NEXT_BIN;
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    await waitUntilReady(`http://127.0.0.1:${port}${options.readyPath ?? "/api/auth/user"}`, child, options.timeoutMs ?? 60_000, () => log);
  };
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  if (options.fixtures) {
    // Migrations want a direct connection (a transaction pooler cannot hold their advisory lock).
    await seedFixtures({ url: env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL, pgliteDir: env.PGLITE_DIR ?? path.join(env.DATA_DIR ?? dataDir, "pglite") }, options.fixtures);
  }
  await spawnServer();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get env() {
      return env;
    },
    get pid() {
      return child && child.exitCode === null ? child.pid : undefined;
    },
    dataDir,
    output: () => log,
    stop: async (signal) => {
      const code = await stop(signal);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async restart(envChanges = {}, whileStopped) {
      await stop();
      await whileStopped?.();
      env = Object.fromEntries(Object.entries({ ...env, ...envChanges }).filter((e): e is [string, string] => typeof e[1] === "string"));
      await spawnServer();
    },
  };
}

/** Reads the seeded admin's generated password when the server seeded one. */
export function readGeneratedAdminPassword(dataDir: string): string | null {
  const file = path.join(dataDir, "admin-password.txt");
  return existsSync(file) ? (readFileSync(file, "utf8").split("\n")[1] ?? null) : null;
}
