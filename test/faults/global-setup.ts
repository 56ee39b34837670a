/**
 * Fault suite setup: builds the app once into .next-faults, hands the tests a file to record their rows in,
 * and at the end prints the results table and merges it into test/faults/results.json (gitignored).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureBuilt } from "../support/next-server";
import type { FaultRow } from "./support/results";

export const FAULTS_DIST_DIR = ".next-faults";
const RESULTS = path.join(import.meta.dirname, "results.json");

function readRows(file: string): FaultRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FaultRow);
}

function printTable(rows: FaultRow[]): void {
  const header = ["fault", "requests", "failures", "data lost", "verdict"];
  const cells = rows.map((r) => [r.fault, String(r.requests), String(r.failures), r.dataLost, r.verdict.toUpperCase()]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => "| " + c.map((v, i) => v.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(["", "Fault suite results", line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line), ""].join("\n"));
}

export default function setup(project: TestProject): () => void {
  const rowsFile = path.join(os.tmpdir(), `nsi-fault-rows-${process.pid}.jsonl`);
  rmSync(rowsFile, { force: true });
  project.provide("faultRowsFile", rowsFile);
  ensureBuilt(FAULTS_DIST_DIR);
  return () => {
    const rows = readRows(rowsFile);
    rmSync(rowsFile, { force: true });
    if (rows.length === 0) return;
    printTable(rows);
    // A partial run (-t) updates its own rows and keeps the others, each with the time it ran.
    const previous: FaultRow[] = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, "utf8")) as { rows: FaultRow[] }).rows : [];
    const merged = [...previous.filter((p) => !rows.some((r) => r.fault === p.fault)), ...rows];
    writeFileSync(RESULTS, JSON.stringify({ updatedAt: new Date().toISOString(), rows: merged }, null, 2) + "\n");
  };
}
