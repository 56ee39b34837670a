/**
 * Discovery for the security suites: they must cover routes and pages other people add later, so they scan
 * `app/` at test time instead of listing URLs. Also: ids that match nothing, raw HTTP for requests fetch
 * refuses to send, and the server actions of the build under test.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import type { HttpClient, HttpResponse } from "../support/client";
import { DIST_DIR } from "../support/server";

export const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const APP = path.join(ROOT, "app");

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"] as const;
export type Method = (typeof METHODS)[number];
export const STATE_CHANGING: Method[] = ["POST", "PUT", "PATCH", "DELETE"];

export interface RouteParam {
  name: string;
  catchAll: boolean;
}

export interface DiscoveredRoute {
  /** e.g. `/api/admin/users/[userId]` */
  template: string;
  file: string;
  params: RouteParam[];
  /** Methods the file exports (Next answers the others itself: OPTIONS always, HEAD through GET). */
  exported: Method[];
  /** `[...x]` anywhere: a fallback (the JSON 404 for unknown API paths), not a resource. */
  catchAll: boolean;
}

function walk(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, found);
    else found.push(full);
  }
  return found;
}

/** URL template of a folder under app/: route groups `(x)` and slots `@x` vanish; private `_x` folders have no URL. */
function templateOf(dir: string): string | null {
  const segments = path.relative(APP, dir).split(path.sep).filter(Boolean);
  if (segments.some((s) => s.startsWith("_"))) return null;
  return "/" + segments.filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith("@")).join("/");
}

function paramsOf(template: string): RouteParam[] {
  return [...template.matchAll(/\[\[?(\.\.\.)?([^\]]+)\]\]?/g)].map((m) => ({ name: m[2]!, catchAll: Boolean(m[1]) }));
}

function exportedMethods(source: string): Method[] {
  const found = new Set<Method>();
  for (const m of source.matchAll(/export\s+(?:const|let|var|async\s+function|function)\s+([A-Z]+)\b/g)) {
    if ((METHODS as readonly string[]).includes(m[1]!)) found.add(m[1] as Method);
  }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.split(/\s+as\s+/).pop()!.trim();
      if ((METHODS as readonly string[]).includes(name)) found.add(name as Method);
    }
  }
  return [...found];
}

/** Every `app/api/**\/route.ts` with the methods it exports. */
export function discoverApiRoutes(): DiscoveredRoute[] {
  return walk(path.join(APP, "api"))
    .filter((f) => /^route\.(ts|js)$/.test(path.basename(f)))
    .flatMap((file) => {
      const template = templateOf(path.dirname(file));
      if (!template) return [];
      const params = paramsOf(template);
      return [{ template, file: path.relative(ROOT, file), params, exported: exportedMethods(readFileSync(file, "utf8")), catchAll: params.some((p) => p.catchAll) }];
    })
    .sort((a, b) => a.template.localeCompare(b.template));
}

/** Every page (`app/**\/page.tsx`) as a URL template. */
export function discoverPages(): { template: string; file: string; params: RouteParam[] }[] {
  return walk(APP)
    .filter((f) => /^page\.(tsx|ts|jsx|js)$/.test(path.basename(f)))
    .flatMap((file) => {
      const template = templateOf(path.dirname(file));
      return template ? [{ template: template === "/" ? "/" : template, file: path.relative(ROOT, file), params: paramsOf(template) }] : [];
    })
    .sort((a, b) => a.template.localeCompare(b.template));
}

/** A well-formed id that names nothing: a fresh uuid for user ids, 64 random hex for session ids. */
export function unusedId(param: RouteParam): string {
  if (param.catchAll) return "no/such/thing";
  if (/session/i.test(param.name)) return randomBytes(32).toString("hex");
  if (/id$/i.test(param.name)) return randomUUID();
  return "sample";
}

/** Fills `[name]` / `[...name]` segments; values are percent-encoded unless `raw`. */
export function fillTemplate(template: string, value: (param: RouteParam) => string, raw = false): string {
  return template.replace(/\[\[?(\.\.\.)?([^\]]+)\]\]?/g, (_, dots: string | undefined, name: string) => {
    const v = value({ name, catchAll: Boolean(dots) });
    return raw || dots ? v : encodeURIComponent(v);
  });
}

export interface ServerAction {
  id: string;
  exportedName: string;
  filename: string;
  /** Page templates whose bundle can run it (`/admin/users/[userId]`). */
  pages: string[];
}

/** The server actions of the build under test, from Next's server-reference manifest. */
export function discoverServerActions(distDir = DIST_DIR): ServerAction[] {
  const file = path.join(ROOT, distDir, "server", "server-reference-manifest.json");
  if (!existsSync(file)) return [];
  const manifest = JSON.parse(readFileSync(file, "utf8")) as {
    node?: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
  };
  return Object.entries(manifest.node ?? {}).map(([id, entry]) => ({
    id,
    exportedName: entry.exportedName ?? "?",
    filename: entry.filename ?? "?",
    pages: Object.keys(entry.workers)
      .filter((w) => w.startsWith("app/") && w.endsWith("/page") && !w.includes("_not-found"))
      .map((w) => templateOf(path.join(APP, w.slice("app/".length, -"/page".length))) ?? "/")
      .map((t) => (t === "" ? "/" : t)),
  }));
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent as is: no normalisation of `..`, no encoding. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Write the body in two chunks without Content-Length (Transfer-Encoding: chunked). */
  chunked?: boolean;
  timeoutMs?: number;
}

/**
 * One request over node:http on its own connection: it sends what fetch would refuse or rewrite (a path with
 * `..` or odd bytes, a Content-Length that does not match the body, duplicate headers).
 */
export function rawRequest(base: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  // A keep-alive agent of its own: the server then reads and discards a body it did not want (a 1 MB body
  // refused after 16 KB) instead of resetting the connection under a client still sending it.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<RawResponse>((resolve, reject) => {
    // Node frames a body itself only for POST, PUT and PATCH; for DELETE it would send the bytes unframed.
    const headers = { ...request.headers };
    const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
    if (request.body !== undefined && request.chunked && !has("transfer-encoding")) headers["transfer-encoding"] = "chunked";
    else if (request.body !== undefined && !request.chunked && !has("content-length")) headers["content-length"] = String(Buffer.byteLength(request.body));
    const req = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: decode(Buffer.concat(chunks), res.headers["content-encoding"]).toString("utf8") });
        } catch (error) {
          reject(error);
        }
      });
      res.on("error", reject);
    });
    req.setTimeout(request.timeoutMs ?? 20_000, () => req.destroy(new Error(`timeout after ${request.timeoutMs ?? 20_000} ms`)));
    req.on("error", reject);
    if (request.body !== undefined && request.chunked) {
      const body = Buffer.from(request.body);
      req.write(body.subarray(0, body.length >> 1));
      req.end(body.subarray(body.length >> 1));
    } else req.end(request.body);
  }).finally(() => agent.destroy());
}

/** A response body as sent with Content-Encoding (a hostile Accept-Encoding may get one). */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (body.length === 0) return body;
  if (encoding === "gzip") return zlib.gunzipSync(body);
  if (encoding === "br") return zlib.brotliDecompressSync(body);
  if (encoding === "deflate") return zlib.inflateSync(body);
  return body;
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What the API shows (to an admin) of the state a request could wrongly change; timestamps a read refreshes are left out. */
export async function visibleState(c: HttpClient) {
  const users = (await c.get("/api/admin/users?pageSize=100&sort=email")).body.users.map(
    (u: { id: string; email: string; role: string; status: string; activeSessions: number }) => [u.id, u.email, u.role, u.status, u.activeSessions],
  );
  const sessions = (await c.get("/api/auth/sessions")).body.sessions.map((s: { id: string }) => s.id).sort();
  const impersonations = (await c.get("/api/admin/impersonations")).body.impersonations.map((i: { sessionId: string }) => i.sessionId).sort();
  const audit = (await c.get("/api/admin/audit?pageSize=200")).body.events as { id: number; action: string; metadata: { code?: string } | null }[];
  return { users, sessions, impersonations, audit };
}

const BOUNDARY = "----security-suite-boundary";

function multipart(fields: Record<string, string>): string {
  return (
    Object.entries(fields)
      .map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join("") + `--${BOUNDARY}--\r\n`
  );
}

/** How a form posts without JavaScript (React's progressive enhancement): the action reference in hidden fields. */
export function postForm(c: HttpClient, path: string, actionId: string, fields: Record<string, string>, headers: Record<string, string>): Promise<HttpResponse> {
  const body = multipart({
    $ACTION_REF_1: "",
    "$ACTION_1:0": JSON.stringify({ id: actionId, bound: "$@1" }),
    "$ACTION_1:1": '[{"email":""}]',
    $ACTION_KEY: "k0",
    ...fields,
  });
  return c.request("POST", path, { site: "none", body, headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers } });
}

