import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": import.meta.dirname, "server-only": path.join(import.meta.dirname, "test/support/server-only-stub.ts") };

/**
 * `npm run test:topology`: the production topology from Debian's packages, every process on a free port on
 * 127.0.0.1 and stopped by pid: PgBouncer in transaction mode, a Redis Sentinel group, nginx terminating TLS
 * in front of two `next start` instances. Shares the fault suite's build and results table; one file at a
 * time, for the same reason (each file loads both cores).
 */
export default defineConfig({
  resolve: { alias },
  test: {
    include: ["test/topology/**/*.test.ts"],
    environment: "node",
    env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
    globalSetup: ["test/faults/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
