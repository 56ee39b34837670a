/**
 * The floor app: a minimal Next.js app (sources in bench/floor-app: one route handler returning a small JSON,
 * one bare server-rendered page; no proxy, no instrumentation, an empty config) built with this project's own
 * `next`. Every HTTP case is measured against it, so a ratio says what the app adds to Next itself.
 *
 * It is built and run from a temp folder, not in place: Turbopack takes the folder of the nearest lockfile as
 * its root and compiles that root's instrumentation.ts and proxy.ts into any app below it, so a floor inside
 * this repository would run the project's startup hook. The temp folder gets a hard-linked copy of
 * node_modules (same files, no download, no copy of their bytes), because Turbopack refuses packages that
 * resolve outside its root, which a symlink would.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startNextServer, type NextServer } from "@/test/support/next-server";
import { defer } from "./lifecycle";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SOURCE_DIR = path.join(ROOT, "bench", "floor-app");
const NEXT_VERSION = (JSON.parse(readFileSync(path.join(ROOT, "node_modules", "next", "package.json"), "utf8")) as { version: string }).version;
export const FLOOR_DIR = path.join(os.tmpdir(), `nsi-floor-app-next-${NEXT_VERSION}`);
export const FLOOR_ROUTE = "/api/floor";
export const FLOOR_PAGE = "/";

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Copies bench/floor-app to the temp folder and runs `next build` there, unless a newer build is there. */
export function ensureFloorBuild(): void {
  const buildId = path.join(FLOOR_DIR, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource(SOURCE_DIR)) return;
  const started = Date.now();
  rmSync(FLOOR_DIR, { recursive: true, force: true });
  mkdirSync(FLOOR_DIR, { recursive: true });
  cpSync(SOURCE_DIR, FLOOR_DIR, { recursive: true });
  try {
    execFileSync("cp", ["-al", path.join(ROOT, "node_modules"), path.join(FLOOR_DIR, "node_modules")], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    throw new Error(`floor app: could not hard-link node_modules into ${FLOOR_DIR} (TMPDIR must be on the same filesystem as the project): ${String(error)}`);
  }
  const result = spawnSync(process.execPath, [path.join(FLOOR_DIR, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: FLOOR_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`floor app: next build failed:\n${result.stdout}\n${result.stderr}`);
  console.log(`built the floor app (next ${NEXT_VERSION}) in ${FLOOR_DIR} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** `next start` of the floor app on a free 127.0.0.1 port (stopped at exit). */
export async function floorServer(nodeArgs?: string[]): Promise<NextServer> {
  const server = await startNextServer({ cwd: FLOOR_DIR, distDir: ".next", readyPath: FLOOR_ROUTE, nodeArgs });
  defer(() => server.stop());
  return server;
}
