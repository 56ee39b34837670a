import { describe, expect, it } from "vitest";
import { matchApiRoute, parseApiRouteTable, unroutedMethodAnswer, type ApiRoute } from "./api-routes";
import { implementedMethods } from "./api-route-scan";

const ROUTES: ApiRoute[] = [
  { pattern: "/api/[...path]", methods: [] },
  { pattern: "/api/auth/user", methods: ["GET"] },
  { pattern: "/api/admin/users/[userId]", methods: ["GET", "PATCH"] },
  { pattern: "/api/admin/users/[userId]/sessions", methods: ["DELETE"] },
  { pattern: "/api/admin/users", methods: ["GET"] },
];

describe("matchApiRoute", () => {
  it("picks a static route over the catch-all", () => {
    expect(matchApiRoute(ROUTES, "/api/auth/user")?.pattern).toBe("/api/auth/user");
    expect(matchApiRoute(ROUTES, "/api/admin/users")?.pattern).toBe("/api/admin/users");
  });
  it("fills a dynamic segment with any one non-empty segment", () => {
    expect(matchApiRoute(ROUTES, "/api/admin/users/abc")?.pattern).toBe("/api/admin/users/[userId]");
    expect(matchApiRoute(ROUTES, "/api/admin/users/abc/sessions")?.pattern).toBe("/api/admin/users/[userId]/sessions");
  });
  it("leaves every other /api path to the catch-all (a 404), and non-API paths unmatched", () => {
    expect(matchApiRoute(ROUTES, "/api/auth/user/extra")?.pattern).toBe("/api/[...path]");
    expect(matchApiRoute(ROUTES, "/api/admin/users//sessions")?.pattern).toBe("/api/[...path]");
    expect(matchApiRoute(ROUTES, "/api")).toBeNull();
    expect(matchApiRoute(ROUTES, "/account")).toBeNull();
  });
});

describe("parseApiRouteTable", () => {
  it("reads the table next.config.ts inlines", () => {
    expect(parseApiRouteTable(JSON.stringify(ROUTES))).toEqual(ROUTES);
  });
  it("falls back to an empty table (every path unknown) when it is absent or garbled", () => {
    expect(parseApiRouteTable(undefined)).toEqual([]);
    expect(parseApiRouteTable("{not json")).toEqual([]);
    expect(parseApiRouteTable('[{"pattern":1}]')).toEqual([]);
  });
});

describe("implementedMethods", () => {
  it("counts handlers, functions and their aliases; not 405 stubs nor their aliases", () => {
    const source = [
      `export const GET = apiHandler(ROUTE, async () => x);`,
      `export const HEAD = GET;`,
      `export async function DELETE() {}`,
      `export const POST = methodNotAllowed(ROUTE, ["GET", "DELETE"]);`,
      `export const PUT = POST;`,
      `export const PATCH = notFound;`,
    ].join("\n");
    expect(implementedMethods(source)).toEqual(["GET", "HEAD", "DELETE"]);
  });
});

describe("unroutedMethodAnswer", () => {
  it("leaves every method Next routes to Next, on every path", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of ["/api/auth/user", "/api/nope", "/", "/admin/users"]) expect(unroutedMethodAnswer(method, path, ROUTES)).toBeNull();
    }
  });
  it("answers other methods on an /api route with a 405 naming its methods, and a 404 where no route is", () => {
    expect(unroutedMethodAnswer("PROPFIND", "/api/admin/users/abc", ROUTES)).toEqual({ status: 405, allow: "GET, PATCH" });
    expect(unroutedMethodAnswer("TRACE", "/api/auth/user", ROUTES)).toEqual({ status: 405, allow: "GET" });
    expect(unroutedMethodAnswer("PURGE", "/api/nope", ROUTES)).toEqual({ status: 404 });
    expect(unroutedMethodAnswer("QUERY", "/api", ROUTES)).toEqual({ status: 404 });
  });
  it("answers TRACE on pages (Next fails on it) and leaves the rest of the page methods to Next", () => {
    expect(unroutedMethodAnswer("TRACE", "/", ROUTES)).toEqual({ status: 405, allow: "GET, HEAD, POST" });
    expect(unroutedMethodAnswer("TRACE", "/admin/users", ROUTES)).toEqual({ status: 405, allow: "GET, HEAD, POST" });
    expect(unroutedMethodAnswer("PROPFIND", "/admin/users", ROUTES)).toBeNull();
    expect(unroutedMethodAnswer("PROPFIND", "/apiary", ROUTES)).toBeNull();
  });
});
