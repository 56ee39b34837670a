/**
 * The e2e web server (playwright.config.ts runs it as `node --import tsx e2e/support/serve.ts`):
 *  1. builds the app once into .next-e2e (again only when a source file is newer than the build);
 *  2. starts two production servers, each on a fresh database:
 *     - "short" (E2E_SHORT_PORT): 12-second impersonations and step-up on every Sign In As (window 0);
 *     - "main"  (E2E_MAIN_PORT): default impersonation TTL and a day-long step-up window;
 *     "main" starts last, so when Playwright sees it answer, both are up;
 *  3. on SIGTERM/SIGINT (Playwright's graceful shutdown) stops both, drops the scratch databases and the
 *     Redis keys, and keeps each server's output under test-results/servers/.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { ensureBuilt } from "../../test/support/next-server";
import { E2E_DIST_DIR, SHORT_IMPERSONATION_TTL_S } from "./constants";
import { startE2EServer, type E2EServer } from "./servers";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

function requiredPort(name: string): number {
  const port = Number(process.env[name]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`e2e serve: ${name} must be set (playwright.config.ts sets it)`);
  return port;
}

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry, { withFileTypes: true })) {
    if (child.name === "node_modules" || child.name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child.name)));
  }
  return newest;
}

/**
 * ensureBuilt() compares the build with app/ and lib/ only; proxy.ts, instrumentation.ts and next.config.ts
 * change what the browser sees too, so a newer one of those throws the old build away first.
 */
function buildOnce(): void {
  const buildId = path.join(ROOT, E2E_DIST_DIR, "BUILD_ID");
  const rootFiles = ["proxy.ts", "instrumentation.ts", "next.config.ts", "package.json", "postcss.config.mjs"];
  const newestRoot = Math.max(...rootFiles.map((f) => newestMtime(path.join(ROOT, f))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs < newestRoot) rmSync(buildId);
  const started = Date.now();
  ensureBuilt(E2E_DIST_DIR);
  console.log(`[e2e] build ready in ${E2E_DIST_DIR} (${Math.round((Date.now() - started) / 1000)} s)`);
}

async function main(): Promise<void> {
  const mainPort = requiredPort("E2E_MAIN_PORT");
  const shortPort = requiredPort("E2E_SHORT_PORT");
  buildOnce();

  const servers: { name: string; handle: E2EServer }[] = [];
  let stopping = false;
  const stopAll = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const logDir = path.join(ROOT, "test-results", "servers");
    mkdirSync(logDir, { recursive: true });
    for (const { name, handle } of servers) {
      writeFileSync(path.join(logDir, `${name}.log`), handle.server.output());
      await handle.dispose().catch((error: unknown) => console.error(`[e2e] stopping ${name} failed`, error));
    }
    process.exit(exitCode);
  };
  process.once("SIGTERM", () => void stopAll(0));
  process.once("SIGINT", () => void stopAll(0));
  process.once("SIGHUP", () => void stopAll(0));

  try {
    servers.push({
      name: "short",
      handle: await startE2EServer({
        name: "short",
        port: shortPort,
        env: { IMPERSONATION_TTL: String(SHORT_IMPERSONATION_TTL_S), IMPERSONATION_REAUTH_WINDOW: "0" },
      }),
    });
    servers.push({
      name: "main",
      handle: await startE2EServer({ name: "main", port: mainPort, env: { IMPERSONATION_REAUTH_WINDOW: "86400" } }),
    });
  } catch (error) {
    console.error("[e2e] could not start the servers:", error);
    await stopAll(1);
    return;
  }
  const backend = process.env.DATABASE_URL ? "scratch PostgreSQL databases" : "fresh PGlite folders";
  console.log(`[e2e] servers up on ${backend}${process.env.REDIS_URL ? " with Redis" : ""}: ${servers.map((s) => `${s.name}=${s.handle.url}`).join(" ")}`);
}

main().catch((error: unknown) => {
  console.error(`[e2e] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
