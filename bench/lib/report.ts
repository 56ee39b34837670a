/**
 * Shared output for every benchmark: the BENCH_SCALE knob, aligned console tables, the machine description,
 * and the JSON result file (bench/results/<name>.json) that bench/all.ts turns into summary.md.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const RESULTS_DIR = path.resolve(import.meta.dirname, "..", "results");

/** BENCH_SCALE (default 1) multiplies request counts and durations, so a debugging run can take seconds. */
export function benchScale(): number {
  const raw = Number(process.env.BENCH_SCALE ?? "1");
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
}

/** `n` scaled by BENCH_SCALE, never below `min`. */
export function scaled(n: number, min = 1): number {
  return Math.max(min, Math.round(n * benchScale()));
}

export type Cell = string | number;

/** Formats a number for a table: integers with separators, small values with 1-2 decimals. */
export function fmt(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return "–";
  const d = digits ?? (Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function printTable(title: string, headers: string[], rows: Cell[][]): void {
  const text = rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of text) console.log(line(r));
}

export interface Target {
  metric: string;
  target: string;
  measured: string;
  /** null: reported for context, no target. */
  met: boolean | null;
}

export function target(metric: string, targetText: string, measured: string, met: boolean | null): Target {
  return { metric, target: targetText, measured, met };
}

export function printTargets(targets: Target[]): void {
  printTable(
    "Targets",
    ["metric", "target", "measured", "met?"],
    targets.map((t) => [t.metric, t.target, t.measured, metLabel(t.met)]),
  );
}

export function metLabel(met: boolean | null): string {
  return met === null ? "–" : met ? "yes" : "NO";
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  memoryGiB: number;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpuinfo = (() => {
    try {
      return readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      return "";
    }
  })();
  return {
    nproc: os.availableParallelism(),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Versions of the services the run used (best effort: a missing CLI is reported, not fatal). */
export function serviceVersions(): { postgres: string; redis: string } {
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
    } catch {
      return "unknown";
    }
  };
  return {
    postgres: run("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-Atc", "show server_version"]),
    redis: /v=(\S+)/.exec(run("redis-server", ["--version"]))?.[1] ?? "unknown",
  };
}

export interface BenchResult {
  name: string;
  startedAt: string;
  finishedAt: string;
  durationS: number;
  scale: number;
  machine: MachineInfo & { loadAtEnd: number[] };
  services: { postgres: string; redis: string };
  targets: Target[];
  [key: string]: unknown;
}

/** Collects the common fields for a benchmark run; `finish` writes bench/results/<name>.json. */
export function startResult(name: string) {
  const startedAt = new Date();
  const machine = machineInfo();
  return {
    finish(data: { targets: Target[] } & Record<string, unknown>): BenchResult {
      const finishedAt = new Date();
      const result: BenchResult = {
        name,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationS: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
        scale: benchScale(),
        machine: { ...machine, loadAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
        services: serviceVersions(),
        ...data,
      };
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = path.join(RESULTS_DIR, `${name}.json`);
      writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
      printTargets(data.targets);
      console.log(
        `\n${name}: ${result.durationS} s at BENCH_SCALE=${result.scale}; load ${machine.loadAverage.join(" ")} -> ${result.machine.loadAtEnd.join(" ")}; wrote ${path.relative(process.cwd(), file)}`,
      );
      return result;
    },
  };
}
