/**
 * Server process lifecycle: eager startup (so the first request does not pay for migrations) and graceful
 * shutdown.
 *
 * How `next start` (Next 16, server/lib/start-server.js) handles SIGTERM/SIGINT, unless NEXT_MANUAL_SIG_HANDLE
 * is set: it installs its handler before instrumentation runs; the handler calls `server.close()` (the socket
 * stops listening, idle keep-alive connections close, in-flight requests run to completion), then
 * `nextServer.close()` (pending `after()` work), then `process.exit(143 | 130)`.
 *
 * So nothing may be closed when the signal arrives: in-flight requests still need Redis and the pool.
 * Instead the runtime closes at the moment Next has drained and calls `process.exit`: that call is caught,
 * Redis and the Postgres pool are closed, and the process exits 0 (a clean, intended stop). A deadline
 * (SHUTDOWN_TIMEOUT_MS) bounds a drain that never ends; that path exits 1.
 */
import { ConfigError } from "./config";
import { DatabaseTopologyError } from "./db/pooler-probe";
import type { Logger } from "./observability/logger";
import { getRuntime, type Runtime } from "./runtime";

type ShutdownState = "running" | "draining" | "closing";
// On globalThis: instrumentation and each route are separate bundles, each with its own copy of this module.
const shared = globalThis as unknown as { __nsiLifecycle?: { current: ShutdownState; installed: boolean; closing: Promise<void> | null } };
const state = (shared.__nsiLifecycle ??= { current: "running", installed: false, closing: null });

/** True from the shutdown signal on: readiness answers 503 so a load balancer stops sending traffic. */
export function isShuttingDown(): boolean {
  return state.current !== "running";
}

export async function startServerRuntime(): Promise<void> {
  const runtime = await getRuntime().catch((error: unknown) => exitOnSetupError(error));
  if (state.installed) return;
  state.installed = true;
  // Next registered its own handlers before instrumentation ran; none means NEXT_MANUAL_SIG_HANDLE is set
  // and whoever set it owns the HTTP server, so they must call closeServerRuntime() after draining it.
  if (process.listenerCount("SIGTERM") === 0) {
    runtime.logger.warn("lifecycle: Next does not handle SIGTERM (NEXT_MANUAL_SIG_HANDLE); call closeServerRuntime() after draining");
    return;
  }
  process.once("SIGTERM", () => beginDrain(runtime, "SIGTERM"));
  process.once("SIGINT", () => beginDrain(runtime, "SIGINT"));
}

/**
 * A configuration that can never work (an invalid variable, DB_PREPARE=true behind a pooler that drops
 * prepared statements) stops the process with its message: Next would otherwise keep the port open and
 * never answer, and an orchestrator sees a crash with a reason instead of a hung instance.
 */
function exitOnSetupError(error: unknown): never {
  if (error instanceof ConfigError || error instanceof DatabaseTopologyError) {
    console.error(`startup: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

/** Closes Redis and the Postgres pool once; for custom servers that drain HTTP themselves. */
export async function closeServerRuntime(): Promise<void> {
  await closeOnce(await getRuntime());
}

function closeOnce(runtime: Runtime): Promise<void> {
  state.current = "closing";
  state.closing ??= (async () => {
    const started = Date.now();
    try {
      await runtime.close();
      runtime.logger.info("shutdown: redis and postgres closed", { ms: Date.now() - started });
    } catch (error) {
      runtime.logger.warn("shutdown: close failed", { error });
    }
  })();
  return state.closing;
}

function beginDrain(runtime: Runtime, signal: string): void {
  if (state.current !== "running") return;
  state.current = "draining";
  const { logger } = runtime;
  const startedAt = Date.now();
  logger.info("shutdown: draining in-flight requests", { signal });
  const realExit = process.exit.bind(process);
  const finish = (code: number, why: string) => {
    void closeOnce(runtime).finally(() => {
      logger.info("shutdown: exit", { code, why, ms: Date.now() - startedAt });
      realExit(code);
    });
  };
  // Next's handler calls process.exit once its server has closed: that is the "drained" moment.
  process.exit = ((code?: number | string | null) => {
    const numeric = Number(code ?? 0);
    // 143/130 are Next's "stopped by SIGTERM/SIGINT": for us a completed graceful stop.
    finish(numeric === 143 || numeric === 130 ? 0 : numeric, "drained");
  }) as typeof process.exit;
  armDeadline(runtime.config.shutdownTimeoutMs, logger, () => finish(1, "deadline"));
}

function armDeadline(ms: number, logger: Logger, onDeadline: () => void): void {
  // unref: a process that drained early is not kept alive by the deadline itself.
  setTimeout(() => {
    logger.warn("shutdown: requests still in flight at the deadline; closing anyway", { ms });
    onDeadline();
  }, ms).unref();
}
