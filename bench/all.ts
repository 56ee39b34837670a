/**
 * bench/all.ts — runs the four benchmarks in sequence (each in its own process, so one's heap and handles
 * never colour the next), then writes bench/results/summary.md: every target, what was measured, met or not.
 * `npm run bench` (BENCH_SCALE=0.05 for a quick pass).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBench } from "./lib/lifecycle";
import { benchScale, machineInfo, metLabel, RESULTS_DIR, serviceVersions, type BenchResult } from "./lib/report";
import { ensureBenchBuild } from "./lib/services";

const ROOT = path.resolve(import.meta.dirname, "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const BENCHES = ["validate", "http", "load", "multi"] as const;
/** Each benchmark's own hard limit; the defaults finish far sooner at BENCH_SCALE=1 (http, with its floor, takes longest). */
const PER_BENCH_TIMEOUT_S = 450;

function runChild(name: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, path.join("bench", `${name}.ts`)], {
      cwd: ROOT,
      // The build was checked once above: a file touched during the run must not trigger a rebuild mid-way.
      env: { ...process.env, BENCH_REUSE_BUILD: "1", BENCH_TIMEOUT_S: String(PER_BENCH_TIMEOUT_S) },
      stdio: "inherit",
    });
    child.once("exit", (code) => resolve(code));
  });
}

function readResult(name: string, notBefore: number): BenchResult | null {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  if (!existsSync(file)) return null;
  const result = JSON.parse(readFileSync(file, "utf8")) as BenchResult;
  return Date.parse(result.finishedAt) >= notBefore ? result : null;
}

function summaryMarkdown(results: { name: string; exit: number | null; result: BenchResult | null }[], totalS: number, buildS: number): string {
  const m = machineInfo();
  const v = serviceVersions();
  const lines = [
    `# Benchmark summary`,
    "",
    `- Run: ${new Date().toISOString()}, BENCH_SCALE=${benchScale()}, total ${totalS.toFixed(0)} s (+ ${buildS.toFixed(0)} s checking/building .next-bench)`,
    `- Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${v.postgres}, Redis ${v.redis}`,
    `- Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    "",
    "| benchmark | metric | target | measured | met? |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const { name, exit, result } of results) {
    if (!result) {
      lines.push(`| ${name} | (run failed, exit ${exit}) | | | NO |`);
      continue;
    }
    for (const t of result.targets) lines.push(`| ${name} | ${t.metric} | ${t.target} | ${t.measured} | ${metLabel(t.met)} |`);
  }
  lines.push("", "| benchmark | duration s | load at start → end |", "| --- | --- | --- |");
  for (const { name, result } of results) {
    if (result) lines.push(`| ${name} | ${result.durationS} | ${result.machine.loadAverage.join(" ")} → ${result.machine.loadAtEnd.join(" ")} |`);
  }
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const b0 = Date.now();
  ensureBenchBuild();
  const buildS = (Date.now() - b0) / 1000;
  const t0 = Date.now();
  const results: { name: string; exit: number | null; result: BenchResult | null }[] = [];
  for (const name of BENCHES) {
    console.log(`\n=== bench/${name}.ts (BENCH_SCALE=${benchScale()}) ===`);
    const started = Date.now();
    const exit = await runChild(name);
    results.push({ name, exit, result: exit === 0 ? readResult(name, started) : null });
  }
  const markdown = summaryMarkdown(results, (Date.now() - t0) / 1000, buildS);
  writeFileSync(path.join(RESULTS_DIR, "summary.md"), markdown);
  console.log("\n" + markdown);
  if (results.some((r) => r.exit !== 0)) throw new Error("bench: at least one benchmark failed (see above)");
}

runBench(main);
