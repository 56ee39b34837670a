/**
 * A small HTTP client for the fault suite on node:http with keep-alive agents: cheaper than fetch on a
 * two-core machine that also runs the server, Postgres and Redis, and every request has a hard deadline.
 */
import http from "node:http";
import https from "node:https";

export interface HttpAnswer {
  status: number;
  /** Parsed JSON body (or null when the body is not JSON). */
  json: unknown;
  setCookies: string[];
  headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
  method?: string;
  cookie?: string;
  body?: unknown;
  headers?: Record<string, string>;
  agent?: http.Agent;
  timeoutMs?: number;
}

export class RequestTimeout extends Error {
  constructor(readonly path: string, ms: number) {
    super(`${path}: no answer within ${ms} ms`);
    this.name = "RequestTimeout";
  }
}

export function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  const url = new URL(path, baseUrl);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    // https for a TLS-terminating proxy in front (the agent then carries the CA to trust).
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: options.method ?? "GET",
        agent: options.agent,
        headers: {
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, json, setCookies: res.headers["set-cookie"] ?? [], headers: res.headers });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new RequestTimeout(path, timeoutMs));
    }, timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (payload) req.write(payload);
    req.end();
  });
}

/** `name=value` of the session cookie from Set-Cookie headers (the server may name it __Host-sid). */
export function sessionCookieFrom(setCookies: string[], cookieName: string): string | null {
  for (const header of setCookies) {
    const pair = header.split(";")[0]!;
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq) === cookieName && pair.slice(eq + 1) !== "") return pair;
  }
  return null;
}

/** Logs in over HTTP and answers the session cookie pair; throws with the server's answer otherwise. */
export async function login(baseUrl: string, email: string, password: string, cookieName = "__Host-sid"): Promise<string> {
  const answer = await request(baseUrl, "/api/auth/login", { method: "POST", body: { email, password }, timeoutMs: 30_000 });
  const cookie = sessionCookieFrom(answer.setCookies, cookieName);
  if (answer.status !== 200 || !cookie) throw new Error(`login ${email} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  return cookie;
}

/** The `code` of a `{ error: { code } }` body, if any. */
export function errorCode(json: unknown): string | undefined {
  return (json as { error?: { code?: string } } | null)?.error?.code;
}
