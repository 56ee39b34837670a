/**
 * The hostile-input classes that concern the request itself rather than one route's input: methods Next
 * never routes (WebDAV, cache-control methods, made-up tokens), unknown /api paths under every method,
 * malformed multipart posts to pages, and request-smuggling header combinations sent over a raw socket
 * (duplicate Content-Length, Transfer-Encoding with Content-Length), which no HTTP client library will send.
 */
import net from "node:net";
import type { HostileCase, Identity } from "./hostile-cases";
import { fillTemplate, METHODS, unusedId, type DiscoveredRoute, type RawResponse } from "./support";

/**
 * Methods Node's parser accepts but Next never routes to a handler: WebDAV, PURGE, QUERY and friends, and
 * TRACE, which the Fetch standard forbids: Next fails on it with a 500 on any path (TRACK never gets past the parser).
 */
export const FETCH_FORBIDDEN_METHODS = ["TRACE"];
export const UNROUTED_METHODS = [...FETCH_FORBIDDEN_METHODS, "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT", "MKCALENDAR", "ACL", "BIND", "LINK", "UNLINK", "PURGE", "QUERY", "NOTIFY", "SUBSCRIBE"];
/** Tokens Node's parser itself refuses with 400 before any JavaScript runs (counted as "before Next"). */
export const MADE_UP_METHODS = ["FOOBAR", "BREW", "X-CUSTOM"];
export const UNKNOWN_API_PATHS = ["/api/nope", "/api/auth/nope/deeper", "/api/admin/users/00000000-0000-4000-8000-000000000000/sessions/extra", "/api/health/live/x"];

/** Next's default server-action body limit; the proxy refuses page form posts over it with 413. */
const FORM_LIMIT = 1024 * 1024;

function multipart(parts: [name: string, value: string][], boundary = "hostile"): string {
  return parts.map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`;
}

const FORM_BODIES: { label: string; contentType: string; body: string; overLimit?: boolean; chunked?: boolean }[] = [
  { label: "multipart without a boundary", contentType: "multipart/form-data", body: multipart([["email", "a@b.c"]]) },
  { label: "multipart garbage", contentType: "multipart/form-data; boundary=hostile", body: "garbage, no parts at all" },
  { label: "multipart with another boundary", contentType: "multipart/form-data; boundary=other", body: multipart([["email", "a@b.c"]]) },
  { label: "multipart truncated mid-part", contentType: "multipart/form-data; boundary=hostile", body: multipart([["email", "a@b.c"]]).slice(0, 40) },
  { label: "multipart in upper case, garbage", contentType: "Multipart/Form-Data; boundary=hostile", body: "garbage" },
  { label: "multipart/mixed garbage", contentType: "multipart/mixed; boundary=hostile", body: "garbage" },
  { label: "a forged $ACTION_ID", contentType: "multipart/form-data; boundary=hostile", body: multipart([["$ACTION_ID_00deadbeef", ""], ["email", "a@b.c"]]) },
  { label: "a forged $ACTION_REF", contentType: "multipart/form-data; boundary=hostile", body: multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"id":"00dead","bound":"$@1"}']]) },
  { label: "multipart over the 1 MB form limit", contentType: "multipart/form-data; boundary=hostile", body: multipart([["email", "x".repeat(FORM_LIMIT + 1024)]]), overLimit: true },
  { label: "chunked multipart over the 1 MB form limit", contentType: "multipart/form-data; boundary=hostile", body: multipart([["email", "x".repeat(FORM_LIMIT + 1024)]]), overLimit: true, chunked: true },
];

export function generateRequestCases(options: { routes: DiscoveredRoute[]; pages: string[]; origin: string }): HostileCase[] {
  const cases: HostileCase[] = [];
  const sameOrigin = { origin: options.origin, "sec-fetch-site": "same-origin" };
  for (const identity of ["anonymous", "admin"] as Identity[]) {
    const base = { identity, cookie: "{{session}}" };
    for (const route of options.routes) {
      const path = fillTemplate(route.template, unusedId);
      for (const method of [...UNROUTED_METHODS, ...MADE_UP_METHODS]) {
        cases.push({ ...base, category: "unrouted", label: `${method} ${route.template}`, method, path, headers: { ...sameOrigin } });
      }
      // With a body too: Next reads a body before any proxy runs, so these are answered on the Node server.
      for (const method of ["PROPFIND", "QUERY", "TRACE"]) {
        cases.push({ ...base, category: "unrouted", label: `${method} ${route.template} with a body`, method, path, headers: { ...sameOrigin, "content-type": "application/json" }, body: '{"q":1}' });
      }
    }
    for (const path of UNKNOWN_API_PATHS) {
      for (const method of [...METHODS, ...UNROUTED_METHODS]) {
        const write = ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"].includes(method);
        cases.push({ ...base, category: "unknown-api", label: `${method} ${path}`, method, path, headers: { ...sameOrigin, ...(write ? { "content-type": "application/json" } : {}) }, ...(write ? { body: "{}" } : {}) });
      }
    }
    for (const page of options.pages) {
      for (const method of FETCH_FORBIDDEN_METHODS) {
        cases.push({ ...base, category: "page-method", label: `${method} ${page}`, method, path: page, headers: { ...sameOrigin } });
      }
      for (const form of FORM_BODIES) {
        cases.push({
          ...base,
          category: "page-form",
          label: `POST ${page} ${form.label}`,
          method: "POST",
          path: page,
          headers: { ...sameOrigin, "content-type": form.contentType },
          body: form.body,
          chunked: form.chunked,
          overLimit: form.overLimit,
        });
      }
    }
  }
  return cases;
}

const SMUGGLE_BODY = '{"email":"a@b.c","password":"x"}';
/** Header blocks after the request line; `{{len}}` is the body's length. Each is a framing ambiguity. */
const SMUGGLING: { label: string; head: string; body: string }[] = [
  { label: "duplicate Content-Length, different values", head: "Content-Length: {{len}}\r\nContent-Length: 5\r\n", body: SMUGGLE_BODY },
  { label: "duplicate Content-Length, same value", head: "Content-Length: {{len}}\r\nContent-Length: {{len}}\r\n", body: SMUGGLE_BODY },
  { label: "Content-Length as a list", head: "Content-Length: {{len}}, {{len}}\r\n", body: SMUGGLE_BODY },
  { label: "Transfer-Encoding chunked with Content-Length", head: "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", body: `${SMUGGLE_BODY.length.toString(16)}\r\n${SMUGGLE_BODY}\r\n0\r\n\r\n` },
  { label: "Content-Length before Transfer-Encoding, with a smuggled request", head: "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", body: "0\r\n\r\nGET /api/admin/users HTTP/1.1\r\nHost: x\r\n\r\n" },
  { label: "Transfer-Encoding twice", head: "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", body: `${SMUGGLE_BODY.length.toString(16)}\r\n${SMUGGLE_BODY}\r\n0\r\n\r\n` },
  { label: "Transfer-Encoding gzip, chunked", head: "Transfer-Encoding: gzip, chunked\r\n", body: `${SMUGGLE_BODY.length.toString(16)}\r\n${SMUGGLE_BODY}\r\n0\r\n\r\n` },
  { label: "Transfer-Encoding with a space before the colon", head: "Transfer-Encoding : chunked\r\n", body: `${SMUGGLE_BODY.length.toString(16)}\r\n${SMUGGLE_BODY}\r\n0\r\n\r\n` },
  { label: "Transfer-Encoding: xchunked", head: "Transfer-Encoding: xchunked\r\nContent-Length: {{len}}\r\n", body: SMUGGLE_BODY },
  { label: "a chunk size that is not hex", head: "Transfer-Encoding: chunked\r\n", body: `zz\r\n${SMUGGLE_BODY}\r\n0\r\n\r\n` },
  { label: "a chunk longer than its size", head: "Transfer-Encoding: chunked\r\n", body: `2\r\n${SMUGGLE_BODY}\r\n0\r\n\r\n` },
  { label: "a negative Content-Length", head: "Content-Length: -1\r\n", body: SMUGGLE_BODY },
  { label: "a Content-Length with a plus sign", head: "Content-Length: +{{len}}\r\n", body: SMUGGLE_BODY },
  { label: "a bare LF between headers", head: "Content-Length: {{len}}\nX-Other: 1\r\n", body: SMUGGLE_BODY },
  { label: "an obsolete folded header line", head: "Content-Length: {{len}}\r\nX-Folded: a\r\n b\r\n", body: SMUGGLE_BODY },
];

/** Smuggling combinations against a JSON route, a page action and an unknown API path, sent byte for byte. */
export function generateSmugglingCases(): HostileCase[] {
  const targets = ["/api/auth/login", "/login", "/api/nope"];
  return targets.flatMap((path) =>
    SMUGGLING.map((s) => ({
      category: "smuggling" as const,
      identity: "anonymous" as const,
      label: `POST ${path} ${s.label}`,
      method: "POST",
      path,
      headers: {},
      cookie: "",
      raw:
        `POST ${path} HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: ${path === "/login" ? "text/plain;charset=UTF-8" : "application/json"}\r\n` +
        `${s.head.replaceAll("{{len}}", String(s.body.length))}Connection: close\r\n\r\n${s.body}`,
    })),
  );
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Sends `raw` as is and reads the first response until the server closes (every raw case says Connection: close). */
export function socketRequest(base: string, raw: string, timeoutMs = 20_000): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", reject);
    socket.on("close", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no response (${all.length} bytes)`));
      const [statusLine, ...lines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rest = all.subarray(split + 4);
      const body = /chunked/i.test(headers["transfer-encoding"] ?? "") ? dechunk(rest) : rest;
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, text: body.toString("utf8") });
    });
    socket.write(raw.replace("{{host}}", url.host));
  });
}
