/**
 * The API's route table as data: each route's URL pattern and the methods it implements. Built from app/api
 * at build time (api-route-scan.ts, through next.config.ts) so that the methods Next never routes (WebDAV,
 * PURGE, …), which Next itself answers with an empty 400, get what the routes answer for the rest: a JSON
 * 405 with the route's Allow, or a JSON 404 where no route is (lib/next/unrouted-methods.ts).
 */

export interface ApiRoute {
  /** Next's folder pattern, e.g. `/api/admin/users/[userId]`. */
  pattern: string;
  /** The methods a handler implements (405 stubs and the 404 catch-all excluded), in METHOD_ORDER. */
  methods: string[];
}

/** The methods Next routes to a handler; any other method never reaches one. */
export const ROUTED_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
const ROUTED = new Set<string>(ROUTED_METHODS);
/** True for the methods Next routes, which the Node-server guard passes on without looking at the path. */
export const isRoutedMethod = (method: string | undefined): boolean => ROUTED.has(method ?? "GET");
/**
 * The method the Fetch standard forbids that Node's parser lets through (`new Request()` throws on it): Next
 * fails on it with a 500 on any path. TRACK and CONNECT never arrive as requests.
 */
const FETCH_FORBIDDEN = new Set(["TRACE"]);
/** What a page answers to: its render and its server actions. */
const PAGE_METHODS = "GET, HEAD, POST";

export const isApiPath = (pathname: string): boolean => /^\/api(\/|$)/.test(pathname);

export type UnroutedAnswer = { status: 405; allow: string } | { status: 404 };

/**
 * The answer for a method Next does not route, or null to leave the request to Next (every routed method,
 * and on pages the other methods, which Next answers itself without failing: a redirect to /login, a 400).
 */
export function unroutedMethodAnswer(method: string, pathname: string, routes: readonly ApiRoute[]): UnroutedAnswer | null {
  if (isRoutedMethod(method)) return null;
  if (!isApiPath(pathname)) return FETCH_FORBIDDEN.has(method) ? { status: 405, allow: PAGE_METHODS } : null;
  const route = matchApiRoute(routes, pathname);
  return route && route.methods.length > 0 ? { status: 405, allow: route.methods.join(", ") } : { status: 404 };
}

function segmentScore(pattern: string): number {
  // Next prefers static segments to dynamic ones, and both to catch-alls.
  return pattern
    .split("/")
    .reduce((score, s) => score * 3 + (s.startsWith("[...") || s.startsWith("[[...") ? 0 : s.startsWith("[") ? 1 : 2), 0);
}

function matches(pattern: string[], path: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith("[[...")) return true;
    if (p.startsWith("[...")) return path.length > i;
    if (i >= path.length) return false;
    if (p.startsWith("[") ? path[i] === "" : p !== path[i]) return false;
  }
  return pattern.length === path.length;
}

/** The route Next would pick for `pathname`, or null. A trailing slash is ignored, as Next redirects it. */
export function matchApiRoute(routes: readonly ApiRoute[], pathname: string): ApiRoute | null {
  const path = pathname.replace(/\/+$/, "").split("/");
  let best: ApiRoute | null = null;
  for (const route of routes) {
    if (!matches(route.pattern.split("/"), path)) continue;
    if (!best || segmentScore(route.pattern) > segmentScore(best.pattern)) best = route;
  }
  return best;
}

/** The route table as next.config.ts hands it to the proxy; empty (every path unknown) when absent or garbled. */
export function parseApiRouteTable(json: string | undefined): ApiRoute[] {
  try {
    const value: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(value) ? (value as ApiRoute[]).filter((r) => typeof r?.pattern === "string" && Array.isArray(r.methods)) : [];
  } catch {
    return [];
  }
}
