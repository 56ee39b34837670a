/**
 * Server process lifecycle: eager startup (so the first request does not pay for migrations) and
 * graceful shutdown on SIGTERM/SIGINT: close Redis and the database pool after in-flight work drains.
 */
import { getRuntime } from "./runtime";

const SHUTDOWN_GRACE_MS = 5_000;
let installed = false;

export async function startServerRuntime(): Promise<void> {
  const runtime = await getRuntime();
  if (installed) return;
  installed = true;
  const shutdown = (signal: string) => {
    runtime.logger.info("shutting down", { signal });
    // Next stops accepting connections on the same signal; give in-flight requests a moment to finish.
    setTimeout(() => {
      runtime
        .close()
        .catch((error: unknown) => runtime.logger.warn("shutdown: close failed", { error }))
        .finally(() => process.exit(0));
    }, 250).unref();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}
