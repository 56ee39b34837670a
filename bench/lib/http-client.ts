/**
 * A small keep-alive HTTP client on node:http. Lighter than fetch on the client side (the client shares the
 * two cores with the server under test) and it gives each request's own start and end times.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request was sent and when its body had fully arrived. */
  startedAt: number;
  endedAt: number;
}

export interface HttpClient {
  request(method: string, path: string, options?: { cookie?: string; json?: unknown }): Promise<HttpResponse>;
  get(path: string, cookie?: string): Promise<HttpResponse>;
  close(): void;
}

const TIMEOUT_MS = 10_000;

export function createHttpClient(baseUrl: string, maxSockets = 128): HttpClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request: HttpClient["request"] = (method, path, options = {}) =>
    new Promise((resolve, reject) => {
      const body = options.json === undefined ? undefined : JSON.stringify(options.json);
      const headers: http.OutgoingHttpHeaders = { accept: "application/json" };
      if (options.cookie) headers.cookie = options.cookie;
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      const startedAt = performance.now();
      const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent, timeout: TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), startedAt, endedAt: performance.now() }),
        );
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in ${TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  return {
    request,
    get: (path, cookie) => request("GET", path, { cookie }),
    close: () => agent.destroy(),
  };
}

/** The `name=value` pair of the session cookie a response set (the first non-empty one). */
export function sessionCookieOf(res: HttpResponse): string {
  for (const line of res.headers["set-cookie"] ?? []) {
    const pair = line.split(";")[0]!;
    if (pair.split("=")[1]) return pair;
  }
  throw new Error(`bench: no session cookie in the answer (status ${res.status}): ${res.body.slice(0, 200)}`);
}

/** Logs in through POST /api/auth/login and returns the session cookie. */
export async function loginCookie(client: HttpClient, email: string, password: string): Promise<string> {
  const res = await client.request("POST", "/api/auth/login", { json: { email, password } });
  if (res.status !== 200) throw new Error(`bench: login of ${email} answered ${res.status}: ${res.body.slice(0, 200)}`);
  return sessionCookieOf(res);
}
