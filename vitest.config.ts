import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": import.meta.dirname, "server-only": path.join(import.meta.dirname, "test/support/server-only-stub.ts") } },
  test: {
    include: ["lib/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["node_modules", "e2e/**", "test/faults/**", ".next/**"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
  },
});
