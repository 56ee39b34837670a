/**
 * The raw material of the hostile-input suite: path ids, cookies, headers, JSON bodies and query strings
 * that a careless parser would choke on. Only what Node's HTTP client can put on the wire: header values
 * may hold tab and bytes 0x20-0x7e and 0x80-0xff (UTF-8 goes as its bytes), never NUL or CR/LF, so NUL and
 * control characters travel percent-encoded in paths and queries and as \u escapes inside JSON.
 */
import { randomBytes, randomUUID } from "node:crypto";

/** UTF-8 bytes of `text` as a latin1 string: how a raw UTF-8 header value looks to Node's HTTP client. */
export const utf8Bytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");

export interface HostileId {
  label: string;
  /** Put into the URL as is (already percent-encoded where that is the point). */
  value: string;
  /** `..` segments: the URL may resolve to another route. */
  traversal?: boolean;
  /** Unencoded dot-segments: certainly another route, so anonymous only. */
  raw?: boolean;
  /** Over Node's 16 KB header limit: refused with 431 before Next, possibly as a reset mid-send. */
  overLimit?: boolean;
}

export function hostileIds(): HostileId[] {
  const uuid = randomUUID();
  const hex = randomBytes(32).toString("hex");
  const plain = ["not-a-uuid", "0", "-1", "null", "undefined", "NaN", "1e309", "%5Bobject%20Object%5D", "__proto__", "constructor"];
  return [
    ...plain.map((value) => ({ label: value, value })),
    { label: "UUID upper-case", value: uuid.toUpperCase() },
    { label: "nil UUID", value: "00000000-0000-0000-0000-000000000000" },
    { label: "max UUID", value: "ffffffff-ffff-ffff-ffff-ffffffffffff" },
    { label: "UUID + 1 char", value: `${uuid}0` },
    { label: "UUID - 1 char", value: uuid.slice(0, -1) },
    { label: "UUID in braces", value: `%7B${uuid}%7D` },
    { label: "UUID + %00", value: `${uuid}%00` },
    { label: "UUID with g", value: `g${uuid.slice(1)}` },
    { label: "64 hex", value: hex },
    { label: "63 hex", value: hex.slice(1) },
    { label: "65 hex", value: `${hex}a` },
    { label: "64 HEX", value: hex.toUpperCase() },
    { label: "64 g", value: "g".repeat(64) },
    { label: "64 hex + %0A", value: `${hex}%0A` },
    { label: "..%2F traversal", value: "..%2F..%2Fauth%2Fuser", traversal: true },
    { label: "%2E%2E%2F traversal", value: "%2E%2E%2F%2E%2E%2Fauth%2Fsessions", traversal: true },
    { label: "..%5C traversal", value: "..%5C..%5Cauth", traversal: true },
    { label: "..; segment", value: "..;", traversal: true },
    { label: "raw ../ traversal", value: "../../auth/sessions", traversal: true, raw: true },
    { label: "2,000 chars", value: "a".repeat(2000) },
    { label: "8,000 digits", value: "1".repeat(8000) },
    { label: "3,000 bytes of %C3%A9", value: "%C3%A9".repeat(500) },
    { label: "20,000 chars (over the header limit)", value: "z".repeat(20_000), overLimit: true },
    { label: "UTF-8 é", value: "%C3%A9t%C3%A9" },
    { label: "emoji", value: "%F0%9F%98%80" },
    { label: "BOM", value: "%EF%BB%BF" },
    { label: "RTL override", value: "%E2%80%AE" },
    { label: "%00", value: "%00" },
    { label: "%ZZ (undecodable)", value: "%ZZ" },
    { label: "truncated UTF-8", value: "%E0%A4%A" },
    { label: "lone %", value: "%" },
    { label: "%%", value: "%%" },
    { label: "overlong slash", value: "%C0%AF" },
    { label: "%FF%FE", value: "%FF%FE" },
    { label: "raw latin1 byte", value: "\u00e9" },
    { label: "SQL", value: encodeURIComponent("' OR 1=1 --") },
    { label: "SQL drop", value: encodeURIComponent("1; DROP TABLE users;--") },
    { label: "script", value: encodeURIComponent("<script>alert(1)</script>") },
  ];
}

export function randomId(random: () => number): string {
  const alphabet = "abcdef0123456789-_.~ABCDEFXYZ'\"<>;:@!$&()*+,= éü😀\u0000\u001f\u202e";
  const chars = Array.from({ length: 1 + Math.floor(random() * 80) }, () => [...alphabet][Math.floor(random() * [...alphabet].length)]!);
  const id = encodeURIComponent(chars.join(""));
  return random() < 0.2 ? `${id}%` : id; // sometimes undecodable
}

export interface HostileCookie {
  label: string;
  /** Only meaningful with a live session to corrupt. */
  needsSession?: boolean;
  /** Over Node's 16 KB header limit (see HostileId.overLimit). */
  overLimit?: boolean;
  value: (identity: "anonymous" | "admin") => string;
}

const S = "__Host-sid";
const fixed = (label: string, value: string, needsSession = false): HostileCookie => ({ label, needsSession, overLimit: value.length > 16_384, value: () => value });

export const HOSTILE_COOKIES: HostileCookie[] = [
  fixed("garbage session", `${S}=garbage`),
  fixed("empty session", `${S}=`),
  fixed("tampered seal", "{{tampered}}", true),
  fixed("truncated seal", "{{truncated}}", true),
  fixed("seal of an unknown token", "{{sealRandom}}"),
  fixed("seal under a foreign secret", "{{sealForeign}}"),
  fixed("4 KB session value", `${S}=${"A".repeat(4096)}`),
  fixed("4 KB extra cookie", `{{session}}; big=${"B".repeat(4096)}`),
  fixed("64 KB cookie (over the header limit)", `{{session}}; huge=${"C".repeat(65_536)}`),
  fixed("300 cookies", `{{session}}; ${Array.from({ length: 300 }, (_, i) => `c${i}=v${i}`).join("; ")}`),
  fixed("duplicate session cookie, garbage first", `${S}=garbage; {{session}}`),
  fixed("duplicate session cookie, garbage last", `{{session}}; ${S}=garbage`),
  fixed("UTF-8 bytes in the session value", `${S}=${utf8Bytes("é😀ünï")}`),
  fixed("UTF-8 bytes in an extra cookie", `{{session}}; u=${utf8Bytes("é😀<script>")}`),
  fixed("tab inside the value", `${S}=a\tb`),
  fixed("percent garbage", `${S}=%00%ff%zz`),
  fixed("no equals sign and empty pairs", `{{session}}; justaname; =; ;;`),
  fixed("lower-case __host- name", `__host-sid=garbage`),
  fixed("unprefixed sid", `sid=garbage`),
  fixed("__Secure- name", `__Secure-sid=garbage`),
  fixed("iron-looking garbage", `${S}=Fe26.2**garbage*x*y*z*1*w*v`),
  fixed("iron seal with a huge expiry", `${S}=Fe26.2*1*a*b*c*99999999999999999999*d*e~2`),
  fixed("JSON with __proto__", `${S}={"__proto__":{"role":"admin"}}`),
  fixed("SQL", `${S}=' OR 1=1 --`),
  fixed("separator soup", `  ;  ; {{session}} ;  `),
];

export interface HostileHeader {
  label: string;
  headers: Record<string, string | string[]>;
  /** Only for methods with a body (Content-Type, Content-Length, chunked). */
  writesOnly?: boolean;
  body?: string;
  chunked?: boolean;
}

const h = (label: string, headers: HostileHeader["headers"], extra: Partial<HostileHeader> = {}): HostileHeader => ({ label, headers, ...extra });
const credentials = '{"email":"nobody@example.com","password":"not-the-password"}';

export const HOSTILE_HEADERS: HostileHeader[] = [
  h("8 KB User-Agent", { "user-agent": "M".repeat(8000) }),
  h("UTF-8 User-Agent", { "user-agent": utf8Bytes("Mozilla/5.0 😀 <script>alert(1)</script>") }),
  h("SQL User-Agent", { "user-agent": "' OR 1=1 --; DROP TABLE sessions;" }),
  h("empty User-Agent", { "user-agent": "" }),
  ...["999.999.999.999", "::::", "a".repeat(1000), "1.1.1.1, <script>", "' OR 1=1 --", "", "unknown", Array(50).fill("10.0.0.1").join(", ")].map((v, i) =>
    h(`bogus X-Forwarded-For #${i + 1}`, { "x-forwarded-for": v }),
  ),
  h("bogus X-Real-IP", { "x-real-ip": "<script>" }),
  h("Host: evil.example", { host: "evil.example" }),
  h("X-Forwarded-Host and -Proto forged", { "x-forwarded-host": "evil.example", "x-forwarded-proto": "javascript" }),
  h("8 KB X-Request-Id", { "x-request-id": "R".repeat(8000) }),
  h("script X-Request-Id", { "x-request-id": "<script>alert(1)</script>" }),
  h("odd Accept headers", { accept: "*/*;q=garbage", "accept-encoding": "gzip;q=2, br;q=NaN, zzz", "accept-language": "x".repeat(2000) }),
  h("conditional and range", { range: "bytes=0-0", "if-none-match": "*", "if-modified-since": "yesterday" }),
  h("forged Authorization", { authorization: "Bearer ' OR 1=1 --" }),
  h("two Origin headers", { origin: ["http://127.0.0.1", "https://evil.example"] }),
  h("x-middleware-subrequest (proxy bypass, CVE-2025-29927)", { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" }),
  h("Next internal headers", { "x-nextjs-data": "1", rsc: "1", "next-router-prefetch": "1", "x-invoke-path": "/api/auth/user", "x-matched-path": "/api/auth/user" }),
  h("Next-Action on an API route", { "next-action": "0".repeat(42) }),
  ...[
    "application/json; charset=utf-7",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/jsonx",
    "APPLICATION/JSON",
    "application/json, text/html",
    "",
    "application/json;;;=",
  ].map((type) => h(`Content-Type: ${type || "(empty)"}`, { "content-type": type }, { writesOnly: true, body: credentials })),
  h("Content-Length far above the body", { "content-length": "99999999" }, { writesOnly: true, body: credentials }),
  h("Content-Length below the body", { "content-length": "5" }, { writesOnly: true, body: credentials }),
  h("chunked body", {}, { writesOnly: true, body: credentials, chunked: true }),
  h("Content-Encoding: gzip on plain text", { "content-encoding": "gzip" }, { writesOnly: true, body: credentials }),
];

const nest = (depth: number, open: string, close: string, inner = "1") => open.repeat(depth) + inner + close.repeat(depth);

export const HOSTILE_BODIES: { label: string; text: string }[] = [
  ...["", "null", "[]", "123", '"str"', "true", "{", '{"a":', "{]", "\u0000", '{"email":"a"}garbage', "\ufeff{}", "{'email':'single quotes'}"].map((text) => ({ label: `raw ${JSON.stringify(text).slice(0, 20)}`, text })),
  { label: "numbers for strings", text: '{"email":1,"password":2,"currentPassword":3,"newPassword":4}' },
  { label: "arrays and objects for strings", text: '{"email":[],"password":{},"role":["admin"],"status":{"$ne":null}}' },
  { label: "nulls", text: '{"email":null,"password":null,"reason":null,"role":null}' },
  { label: "array of credentials", text: '[{"email":"a@example.com","password":"x"}]' },
  ...[10, 100, 1000, 10_000].flatMap((d) => [
    { label: `array nested ${d}`, text: nest(d, "[", "]") },
    { label: `object nested ${d}`, text: nest(d, '{"a":', "}") },
  ]),
  { label: "15 KB email", text: JSON.stringify({ email: "a".repeat(15_000), password: "x" }) },
  { label: "20 KB password", text: JSON.stringify({ email: "a@example.com", password: "x".repeat(20_000) }) },
  { label: "1 MB reason", text: JSON.stringify({ reason: "r".repeat(1_000_000) }) },
  { label: "unicode", text: JSON.stringify({ email: "ünï@exämple.com", password: "😀".repeat(100), reason: "\u202eevil\u200b" }) },
  { label: "lone surrogates", text: '{"email":"\\ud800@example.com","password":"\\udfff","reason":"\\ud83d"}' },
  { label: "NUL in strings", text: '{"email":"a\\u0000b@example.com","password":"x\\u0000","reason":"\\u0000","role":"\\u0000"}' },
  { label: "control characters", text: '{"email":"\\u0001\\u001f@x.y","password":"\\b\\f\\n\\r\\t","reason":"\\u007f"}' },
  { label: "SQL", text: JSON.stringify({ email: "' OR 1=1 --", password: "'; DROP TABLE users; --", role: "admin'; --", reason: "'); DELETE FROM audit_events; --" }) },
  { label: "SQL admin comment", text: JSON.stringify({ email: "admin@example.com' --", password: "x", currentPassword: "' OR '1'='1", newPassword: "'; DROP TABLE sessions; --" }) },
  { label: "script", text: JSON.stringify({ email: "<script>alert(1)</script>@x.y", reason: "<img src=x onerror=alert(1)>", ticket: "javascript:alert(1)" }) },
  { label: "__proto__", text: '{"__proto__":{"role":"admin","isAdmin":true}}' },
  { label: "constructor.prototype", text: '{"constructor":{"prototype":{"role":"admin"}}}' },
  { label: "__proto__ with fields", text: '{"email":"x@example.com","password":"y","__proto__":{"email":"admin@example.com"}}' },
  { label: "duplicate keys", text: '{"role":"user","role":"superadmin","status":"active","status":"banned!"}' },
  { label: "huge number", text: '{"page":1e309,"pageSize":-0,"role":123456789012345678901234567890}' },
];

const KEYS = ["email", "password", "currentPassword", "newPassword", "role", "status", "reason", "ticket", "id", "userId", "__proto__", "constructor"];
const VALUES: (() => unknown)[] = [
  () => "' OR 1=1 --",
  () => "<script>alert(1)</script>",
  () => "\u0000",
  () => "😀".repeat(50),
  () => "superadmin",
  () => -1,
  () => 1e308,
  () => null,
  () => [],
  () => ({ $ne: null }),
  () => "x".repeat(300),
  () => true,
];

export function randomBody(random: () => number): string {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const object = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(KEYS), pick(VALUES)()]));
  const text = JSON.stringify(random() < 0.15 ? [object] : object);
  return random() < 0.1 ? text.slice(0, Math.floor(random() * text.length)) : text;
}

/** Spaces percent-encoded (a raw space ends the request line); everything else as hostile as it gets. */
export const HOSTILE_QUERIES = [
  "page=-1&pageSize=100000",
  "page=NaN&pageSize=1e3",
  "q=%00",
  "q='%20OR%201=1%20--",
  "q=%25%27%3B%20DROP%20TABLE%20users%3B",
  `q=${"a".repeat(5000)}`,
  "q=%F0%9F%98%80",
  "sort=__proto__&dir=sideways",
  "action[]=x&action[]=y",
  "actorId=not-a-uuid&subjectId=%00",
  "%ZZ=1&a=%ZZ",
  "__proto__[role]=admin&constructor[prototype][x]=1",
  "status=banned&role=admin&sort=lastSeen&dir=desc",
  "ms=99999999",
];
