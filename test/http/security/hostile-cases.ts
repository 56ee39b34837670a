/**
 * The hostile-input generator: a seeded PRNG (mulberry32) turns the discovered routes into a fixed list of
 * malformed requests in six categories. Same seed, same cases: a failure replays with HOSTILE_SEED.
 * Cookies are placeholders ({{session}}, {{tampered}}, …) filled at send time, because the admin's cookie
 * exists only once the suite has signed in (and changes if it has to sign in again).
 */
import { HOSTILE_BODIES, HOSTILE_COOKIES, HOSTILE_HEADERS, HOSTILE_QUERIES, hostileIds, randomBody, randomId, type HostileId } from "./hostile-values";
import { METHODS, STATE_CHANGING, unusedId, fillTemplate, type DiscoveredRoute, type Method } from "./support";

export type Category = "method" | "path" | "cookie" | "header" | "body" | "query" | "action" | "unrouted" | "unknown-api" | "page-form" | "page-method" | "smuggling";
export type Identity = "anonymous" | "admin";

export interface HostileCase {
  category: Category;
  identity: Identity;
  label: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  /** `{{session}}` is the identity's session cookie (nothing when anonymous); other placeholders: hostile-values.ts. */
  cookie: string;
  body?: string;
  chunked?: boolean;
  /**
   * Headers over Node's 16 KB limit (431 before Next) or a body far over the 16 KB the API reads: the server
   * answers and closes, so a client still sending may see the reset before the answer. Both are refusals.
   */
  overLimit?: boolean;
  /** Sent byte for byte over a socket instead (hostile-requests.ts): framing no client library produces. */
  raw?: string;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RoutePlan {
  route: DiscoveredRoute;
  /** State-changing methods that do something (a probe found them answering other than 405). */
  implemented: Method[];
}

export interface GenerateOptions {
  plans: RoutePlan[];
  seed: number;
  origin: string;
  /**
   * "METHOD template" pairs that take effect for a signed-in caller whatever the body (sign-out, sign out
   * everywhere else): the admin sends those only cross-site, so the suite never signs itself out.
   */
  adminEffectful: Set<string>;
  /** Random extras per route and category (the fixed lists always run). */
  randomPerRoute: number;
}

export function generateCases(options: GenerateOptions): HostileCase[] {
  const random = mulberry32(options.seed);
  const cases: HostileCase[] = [];
  const sameOrigin = { origin: options.origin, "sec-fetch-site": "same-origin" };
  const crossSite = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };

  for (const { route, implemented } of options.plans) {
    const samplePath = fillTemplate(route.template, unusedId);
    // Bodies, cookies and headers go to the methods that do something; the 405 stubs get the method sweep.
    const writes = implemented;
    for (const identity of ["anonymous", "admin"] as Identity[]) {
      const add = (c: Omit<HostileCase, "identity" | "cookie" | "headers"> & { cookie?: string; headers?: HostileCase["headers"] }) => {
        const isWrite = (STATE_CHANGING as string[]).includes(c.method);
        const effectful = identity === "admin" && options.adminEffectful.has(`${c.method} ${route.template}`);
        // A browser sends Origin on writes; the admin's effectful writes go cross-site, whatever the case says.
        const headers = effectful ? { ...c.headers, ...crossSite } : { ...(isWrite ? sameOrigin : {}), ...c.headers };
        cases.push({ identity, cookie: "{{session}}", ...c, headers });
      };

      for (const method of METHODS) {
        const isWrite = (STATE_CHANGING as string[]).includes(method);
        add({ category: "method", label: `${method} ${route.template}`, method, path: samplePath, ...(isWrite ? jsonBody("{}") : {}) });
      }

      for (const param of route.params) {
        const ids: HostileId[] = [...hostileIds(), ...Array.from({ length: options.randomPerRoute }, () => ({ label: "random", value: randomId(random) }))];
        for (const id of ids) {
          const path = fillTemplate(route.template, (p) => (p.name === param.name ? id.value : unusedId(p)), true).replace(/\/+$/, "");
          // Raw dot-segments resolve to other routes (`/users/../../auth/sessions`): anonymous only, and the
          // admin sends even encoded traversal with GET only, so no write can land on a route it did not aim at.
          if (id.raw && identity === "admin") continue;
          const methods: string[] = id.traversal && identity === "admin" ? ["GET"] : ["GET", ...writes];
          for (const method of methods) {
            add({ category: "path", label: `${method} ${param.name}=${id.label}`, method, path, overLimit: id.overLimit, ...(method === "GET" ? {} : jsonBody("{}")) });
          }
        }
      }

      for (const cookie of HOSTILE_COOKIES) {
        if (identity === "anonymous" && cookie.needsSession) continue;
        for (const method of ["GET", ...writes.slice(0, 1)]) {
          add({ category: "cookie", label: `${method} cookie ${cookie.label}`, method, path: samplePath, cookie: cookie.value(identity), overLimit: cookie.overLimit, ...(method === "GET" ? {} : jsonBody("{}")) });
        }
      }

      for (const header of HOSTILE_HEADERS) {
        if (header.writesOnly && writes.length === 0) continue;
        const method = header.writesOnly ? writes[0]! : (["GET", ...writes.slice(0, 1)][Math.floor(random() * (1 + Math.min(1, writes.length)))] as string);
        const isWrite = method !== "GET";
        add({
          category: "header",
          label: `${method} ${header.label}`,
          method,
          path: samplePath,
          ...(isWrite ? jsonBody(header.body ?? "{}") : {}),
          headers: { ...(isWrite ? { "content-type": "application/json" } : {}), ...header.headers },
          chunked: header.chunked,
        });
      }

      for (const method of writes) {
        const bodies = [...HOSTILE_BODIES, ...Array.from({ length: options.randomPerRoute }, () => ({ label: "random", text: randomBody(random) }))];
        // Over 64 KB the server may answer and close before the client has finished sending (see overLimit).
        for (const body of bodies) add({ category: "body", label: `${method} ${body.label}`, method, path: samplePath, overLimit: body.text.length > 65_536, ...jsonBody(body.text) });
      }

      if (route.exported.includes("GET")) {
        for (const query of HOSTILE_QUERIES) add({ category: "query", label: `GET ?${query.slice(0, 40)}`, method: "GET", path: `${samplePath}?${query}` });
      }
    }
  }
  return cases;
}

/**
 * Server actions called by id with argument lists they do not expect (none, a string, a plain object).
 * JSON arrays and objects only: a body that is not JSON, or a bare JSON string, fails inside Next's own
 * argument decoding before any action code runs (SECURITY.md, known limits). The admin skips actions without parameters: for those, any call is simply using them.
 */
export function generateActionCases(actions: { id: string; exportedName: string; pages: string[] }[], origin: string): HostileCase[] {
  const bodies = ["[]", '["x"]', "[null,null]", "[{}]", '[{"userId":"not-a-uuid"},1]', '[[],"' + "x".repeat(5000) + '"]', "{}", '{"0":"x"}'];
  const cases: HostileCase[] = [];
  for (const action of actions) {
    const path = fillTemplate(action.pages[0] ?? "/", unusedId);
    for (const identity of ["anonymous", "admin"] as Identity[]) {
      if (identity === "admin" && action.id.startsWith("00")) continue;
      for (const body of bodies) {
        cases.push({
          category: "action",
          identity,
          label: `${action.exportedName} ${body.slice(0, 24)}`,
          method: "POST",
          path,
          cookie: "{{session}}",
          headers: { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin, "sec-fetch-site": "same-origin" },
          body,
        });
      }
    }
  }
  return cases;
}

function jsonBody(text: string): { body: string; headers: Record<string, string> } {
  return { body: text, headers: { "content-type": "application/json" } };
}
