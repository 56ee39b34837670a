import { defineConfig } from "vitest/config";
import faults from "./vitest.faults.config";

/**
 * `npm run test:topology`: the production topology from Debian's packages, every process on a free port on
 * 127.0.0.1 and stopped by pid: PgBouncer in transaction mode, a Redis Sentinel group, nginx terminating TLS
 * in front of two `next start` instances. The fault suite's settings (its build, its results table, one
 * file at a time), other files.
 */
export default defineConfig({ ...faults, test: { ...faults.test, include: ["test/topology/**/*.test.ts"] } });
