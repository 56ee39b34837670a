import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": import.meta.dirname, "server-only": path.join(import.meta.dirname, "test/support/server-only-stub.ts") };
const env = { NODE_ENV: "test" as const, LOG_LEVEL: "silent" };

/**
 * Two projects, one command (`npm test`):
 *  - unit: lib and integration tests in-process (PGlite, real PostgreSQL, real Redis, private redis-servers);
 *  - http: real `next start` servers (built once into .next-test by the global setup) driven over HTTP.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "test/*.test.ts", "test/cache/**/*.test.ts", "test/impersonation/**/*.test.ts", "test/notify/**/*.test.ts"],
          environment: "node",
          env,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "http",
          include: ["test/http/**/*.test.ts"],
          environment: "node",
          env,
          globalSetup: ["test/support/http-global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
