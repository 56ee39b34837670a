import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": import.meta.dirname, "server-only": path.join(import.meta.dirname, "test/support/server-only-stub.ts") };

/**
 * `npm run test:faults`: real `next start` servers against a private redis-server and a private PostgreSQL
 * cluster, under bounded load, while those services are killed, paused, flapped and restarted.
 * One file at a time: each file loads the two CPU cores on its own, and parallel files would measure each other.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    include: ["test/faults/**/*.test.ts"],
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
