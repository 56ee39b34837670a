/**
 * A tiny browser stand-in over fetch: a cookie jar that keeps what the server sets (honouring Max-Age=0),
 * sends it back, can plant or replay any cookie value, and adds the headers a browser adds
 * (Origin and Sec-Fetch-Site: same-origin by default, a cross-site page when asked, none like curl).
 */
export const SESSION_COOKIE = "__Host-sid";
export const EVIL_ORIGIN = "https://evil.example";

/** Response bodies are JSON that the tests assert on field by field; `any` keeps those assertions short. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type Site = "same-origin" | "cross-site" | "none";

export interface RequestOptions {
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** A raw body (string) with the given headers; for malformed-input tests. */
  body?: string;
  headers?: Record<string, string>;
  /** Which page the request claims to come from (default same-origin). */
  site?: Site;
  redirect?: "manual" | "follow";
}

export interface HttpResponse<T = Json> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: T;
  text: string;
  /** Raw Set-Cookie header lines. */
  setCookies: string[];
}

export class HttpClient {
  private readonly jar = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly userAgent = "http-suite/1.0",
  ) {}

  /** The current session cookie value, or undefined when signed out. */
  get sessionCookie(): string | undefined {
    return this.jar.get(SESSION_COOKIE);
  }

  /** Plants a cookie (fixation, tampering, replaying an old one); undefined removes it. */
  setCookie(value: string | undefined, name = SESSION_COOKIE): this {
    if (value === undefined) this.jar.delete(name);
    else this.jar.set(name, value);
    return this;
  }

  /** A new client holding only this client's current session cookie (a stolen or copied cookie). */
  clone(): HttpClient {
    return new HttpClient(this.baseUrl, this.userAgent).setCookie(this.sessionCookie);
  }

  async request<T = Json>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { "user-agent": this.userAgent, ...this.siteHeaders(options.site ?? "same-origin") };
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (cookie) headers.cookie = cookie;
    let body: string | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] = "application/json";
    }
    Object.assign(headers, options.headers);
    const res = await fetch(this.baseUrl + path, { method, headers, body, redirect: options.redirect ?? "manual" });
    const text = await res.text();
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) this.store(line);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text, setCookies };
  }

  get<T = Json>(path: string, options?: RequestOptions) {
    return this.request<T>("GET", path, options);
  }
  post<T = Json>(path: string, json?: unknown, options?: RequestOptions) {
    return this.request<T>("POST", path, { json: json ?? {}, ...options });
  }
  patch<T = Json>(path: string, json?: unknown, options?: RequestOptions) {
    return this.request<T>("PATCH", path, { json: json ?? {}, ...options });
  }
  delete<T = Json>(path: string, options?: RequestOptions) {
    return this.request<T>("DELETE", path, options);
  }

  /** Signs in through the API; throws unless the server accepts (tests of refusals call post directly). */
  async loginAs(email: string, password: string): Promise<{ id: string; email: string; role: string; name: string }> {
    const res = await this.post("/api/auth/login", { email, password });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${res.text}`);
    return res.body.user;
  }

  /** GET /api/auth/user: the body when signed in, null on 401 (anything else throws). */
  async whoami(): Promise<Json | null> {
    const res = await this.get("/api/auth/user");
    if (res.status === 401) return null;
    if (res.status !== 200) throw new Error(`/api/auth/user answered ${res.status}: ${res.text}`);
    return res.body;
  }

  private siteHeaders(site: Site): Record<string, string> {
    if (site === "none") return {};
    if (site === "cross-site") return { origin: EVIL_ORIGIN, "sec-fetch-site": "cross-site" };
    return { origin: this.baseUrl, "sec-fetch-site": "same-origin" };
  }

  private store(line: string): void {
    const [pair, ...attributes] = line.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const expired = attributes.some((a) => {
      const [k, v] = a.split("=").map((s) => s.trim());
      if (k?.toLowerCase() === "max-age") return Number(v) <= 0;
      if (k?.toLowerCase() === "expires") return Date.parse(v ?? "") <= Date.now();
      return false;
    });
    if (expired || value === "") this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

/** Parses one Set-Cookie line into its name, value and attributes (lower-cased keys). */
export function parseSetCookie(line: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair, ...rest] = line.split(";");
  const eq = pair!.indexOf("=");
  const attributes = new Map<string, string>();
  for (const a of rest) {
    const i = a.indexOf("=");
    const key = (i === -1 ? a : a.slice(0, i)).trim().toLowerCase();
    if (key) attributes.set(key, i === -1 ? "" : a.slice(i + 1).trim());
  }
  return { name: pair!.slice(0, eq).trim(), value: pair!.slice(eq + 1).trim(), attributes };
}
