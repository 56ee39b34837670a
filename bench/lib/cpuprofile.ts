/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and sums self and inclusive time per function, per source file
 * and per area (next, react, node internals, the app's own code, GC…) over a time window, in µs per request.
 * Frames in bundled chunks are mapped back to their original file through the chunk's source map (node's own
 * SourceMap), so app code shows as lib/… and app/… instead of an opaque chunk name.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Entry {
  key: string;
  selfUs: number;
  totalUs: number;
}

export interface ProfileSummary {
  /** Sampled µs inside the window (idle included). */
  windowUs: number;
  /** Sampled µs inside the window, idle excluded: the CPU the main thread spent. */
  busyUs: number;
  functions: Entry[];
  files: Entry[];
  areas: Entry[];
  /** For each `callers` pattern: the commonest stacks (innermost first) under a function matching it. */
  callers: { pattern: string; stacks: { stack: string; us: number }[] }[];
}

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  if (!maps.has(file)) {
    let map: SourceMap | null = null;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return maps.get(file)!;
}

/** Original file, line and function name of a frame (through the chunk's source map when there is one). */
function locate(frame: CallFrame): { file: string; line: number; name: string } {
  let file = frame.url;
  let line = frame.lineNumber + 1;
  let name = frame.functionName || "(anonymous)";
  if (file.startsWith("file://")) file = fileURLToPath(file);
  if (file.startsWith("/") && frame.lineNumber >= 0) {
    const entry = sourceMapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && "originalSource" in entry && entry.originalSource) {
      const source = entry.originalSource.replace(/^file:\/\//, "");
      // Relative sources are relative to the chunk; webpack:// ones are Next's own sources.
      file = source.startsWith("webpack://next/") ? `node_modules/next/${source.slice("webpack://next/".length).replace(/^\.\//, "")}` : /^[a-z]+:/.test(source) ? source : path.resolve(path.dirname(file), source);
      line = entry.originalLine + 1;
      if ("name" in entry && typeof entry.name === "string" && name === "(anonymous)") name = entry.name;
    }
  }
  file = decodeURIComponent(file);
  if (file.startsWith(ROOT)) file = path.relative(ROOT, file);
  file = file.replace(/^.*node_modules\//, "node_modules/");
  return { file, line, name };
}

/** The area a file belongs to: what the cost is "of". */
export function areaOf(file: string, name: string): string {
  if (!file) return name.startsWith("(") ? name : "(native)";
  if (file.startsWith("node:")) return "node internals";
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(file);
  if (pkg) {
    if (pkg[1] === "next" && /compiled\/(react|react-dom|react-server-dom[^/]*)\//.test(pkg[2]!)) return "react (in next)";
    if (pkg[1] === "next") return "next";
    return pkg[1]!;
  }
  if (/^(lib|app)\//.test(file) || /^(proxy|instrumentation|next\.config)\.ts$/.test(file)) return `app: ${file.split("/").slice(0, 2).join("/")}`;
  if (file.includes(".next")) return "bundled (no source map)";
  return file;
}

/**
 * Sums the profile's samples whose time falls in [fromUs, toUs] (the monotonic clock of process.hrtime).
 * With `sampleUs`, every sample weighs that much instead of the gap to the next one: on a loaded machine a
 * gap also holds the time the thread was not running, which would be charged to whatever ran last.
 */
export function summariseProfile(
  file: string,
  options: { window?: { fromUs: number; toUs: number }; sampleUs?: number; callers?: RegExp[]; depth?: number } = {},
): ProfileSummary {
  const { window, sampleUs, callers = [], depth = 12 } = options;
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const located = new Map(profile.nodes.map((n) => [n.id, locate(n.callFrame)]));
  const functions = new Map<string, Entry>();
  const files = new Map<string, Entry>();
  const areas = new Map<string, Entry>();
  const bump = (table: Map<string, Entry>, key: string, field: "selfUs" | "totalUs", us: number) => {
    const e = table.get(key) ?? table.set(key, { key, selfUs: 0, totalUs: 0 }).get(key)!;
    e[field] += us;
  };
  const stacks = callers.map(() => new Map<string, number>());
  let t = profile.startTime;
  let windowUs = 0;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    // A sample stands for the interval until the next one.
    const us = sampleUs ?? profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i]!;
    const self = located.get(id)!;
    windowUs += us;
    if (self.name === "(idle)") continue;
    busyUs += us;
    const fnKey = (l: { file: string; line: number; name: string }) => `${l.name} ${l.file}${l.file ? `:${l.line}` : ""}`;
    bump(functions, fnKey(self), "selfUs", us);
    bump(files, self.file || self.name, "selfUs", us);
    bump(areas, areaOf(self.file, self.name), "selfUs", us);
    callers.forEach((pattern, k) => {
      const chain: string[] = [];
      let hit = false;
      for (let n: number | undefined = id; n !== undefined && (!hit || chain.length < depth); n = parent.get(n)) {
        const l = located.get(n)!;
        const key = fnKey(l);
        if (!hit && pattern.test(key)) hit = true;
        if (hit) chain.push(key);
      }
      if (hit) stacks[k]!.set(chain.join(" < "), (stacks[k]!.get(chain.join(" < ")) ?? 0) + us);
    });
    // Inclusive time: once per sample for every distinct function, file and area on the stack.
    const seen = [new Set<string>(), new Set<string>(), new Set<string>()];
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const l = located.get(n)!;
      if (!byId.get(n)!.callFrame.url && l.name === "(root)") break;
      const keys = [fnKey(l), l.file || l.name, areaOf(l.file, l.name)];
      [functions, files, areas].forEach((table, k) => {
        if (seen[k]!.has(keys[k]!)) return;
        seen[k]!.add(keys[k]!);
        bump(table, keys[k]!, "totalUs", us);
      });
    }
  }
  const sorted = (m: Map<string, Entry>) => [...m.values()].sort((a, b) => b.selfUs - a.selfUs);
  return {
    windowUs,
    busyUs,
    functions: sorted(functions),
    files: sorted(files),
    areas: sorted(areas),
    callers: callers.map((pattern, k) => ({
      pattern: pattern.source,
      stacks: [...stacks[k]!.entries()].map(([stack, us]) => ({ stack, us })).sort((a, b) => b.us - a.us).slice(0, 8),
    })),
  };
}
