/**
 * Each fault test records one row (before asserting, so a failing run still reports what it saw); the
 * global teardown prints the table and merges the rows into test/faults/results.json.
 */
import { appendFileSync } from "node:fs";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    faultRowsFile: string;
  }
}

export interface FaultRow {
  /** The test-name filter that reproduces this row: npm run test:faults -- -t "<fault>". */
  fault: string;
  requests: number;
  failures: number;
  /** What would have been lost or wrongly accepted (revoked-accepted, sessions lost, ...). */
  dataLost: string;
  verdict: "pass" | "fail";
  notes: string;
  ranAt?: string;
}

export function recordRow(row: FaultRow): void {
  const line = JSON.stringify({ ...row, ranAt: new Date().toISOString() });
  console.log(`[fault] ${row.fault}: ${row.requests} requests, ${row.failures} failures, data lost: ${row.dataLost}, ${row.verdict.toUpperCase()} (${row.notes})`);
  appendFileSync(inject("faultRowsFile"), line + "\n");
}
