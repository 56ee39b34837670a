/**
 * Security headers on every API route and page found in app/ at test time: a CSP that forbids framing
 * (clickjacking of the impersonation console), a Referrer-Policy, nosniff, and no-store on every API
 * response and every authenticated page (a shared or back-button cache must not keep someone's data).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpClient } from "../support/client";
import { sampleUser, startTestServer, type TestServer } from "../support/server";
import { discoverApiRoutes, discoverPages, fillTemplate, rawRequest, unusedId, type RouteParam } from "./support";

let t: TestServer;
let admin: HttpClient;
let realUserId: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.admin();
  const list = await admin.get(`/api/admin/users?q=${encodeURIComponent(sampleUser(0).email)}`);
  realUserId = list.body.users[0].id;
});
afterAll(async () => t?.stop());

const REFERRER_POLICIES = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];

function expectSecurityHeaders(headers: Headers, what: string): void {
  const csp = headers.get("content-security-policy") ?? "";
  expect(csp, `${what}: CSP`).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
  expect(csp, `${what}: CSP`).toMatch(/(^|;)\s*object-src 'none'/);
  expect(REFERRER_POLICIES, `${what}: Referrer-Policy`).toContain(headers.get("referrer-policy"));
  expect(headers.get("x-content-type-options"), `${what}: X-Content-Type-Options`).toBe("nosniff");
  // ASVS 3.5.8: no other site may embed or read our authenticated responses as resources.
  expect(headers.get("cross-origin-resource-policy"), `${what}: Cross-Origin-Resource-Policy`).toBe("same-origin");
  expect(headers.get("cross-origin-opener-policy"), `${what}: Cross-Origin-Opener-Policy`).toBe("same-origin");
}

function expectNoStore(headers: Headers, what: string): void {
  expect(headers.get("cache-control") ?? "", `${what}: Cache-Control`).toMatch(/(^|,)\s*no-store\s*(,|$)/);
}

const ids = (p: RouteParam) => (/user/i.test(p.name) ? realUserId : unusedId(p));

describe("API responses", () => {
  for (const route of discoverApiRoutes()) {
    it(`${route.template}: every method answers with CSP frame-ancestors 'none', Referrer-Policy, nosniff and no-store`, async () => {
      const path = fillTemplate(route.template, ids);
      for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]) {
        // Anonymous, so no state-changing call can succeed; admin GETs below reach the signed-in code paths.
        const res = await t.client().request(method, path, { json: method === "GET" || method === "HEAD" ? undefined : {} });
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        expectSecurityHeaders(res.headers, `${method} ${path} (${res.status})`);
        expectNoStore(res.headers, `${method} ${path} (${res.status})`);
      }
      const signedIn = await admin.get(path);
      expectSecurityHeaders(signedIn.headers, `admin GET ${path} (${signedIn.status})`);
      expectNoStore(signedIn.headers, `admin GET ${path} (${signedIn.status})`);
      // OPTIONS (answered by Next itself) carries the security headers; it needs no Cache-Control because
      // responses to OPTIONS are not cacheable (RFC 9110, section 9.3.7).
      expectSecurityHeaders((await t.client().request("OPTIONS", path)).headers, `OPTIONS ${path}`);
    });
  }

  it("an unknown API path answers a JSON 404 with the same headers", async () => {
    const res = await admin.get("/api/no/such/route");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expectSecurityHeaders(res.headers, "unknown API path");
    expectNoStore(res.headers, "unknown API path");
  });

  it("a URL the proxy refuses (undecodable escape) answers a JSON 400 with no-store", async () => {
    const res = await rawRequest(t.url, { method: "GET", path: "/api/admin/users/%E0%A4%A" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toBe("INVALID_INPUT");
    expect(res.headers["cache-control"]).toMatch(/no-store/);
  });
});

describe("pages", () => {
  for (const page of discoverPages()) {
    it(`${page.template} carries CSP frame-ancestors 'none', Referrer-Policy and nosniff, and no-store when signed in`, async () => {
      const path = fillTemplate(page.template, ids);
      const signedIn = await admin.get(path);
      expect(signedIn.status, `admin GET ${path}`).toBeLessThan(500);
      expectSecurityHeaders(signedIn.headers, `admin GET ${path} (${signedIn.status})`);
      expectNoStore(signedIn.headers, `admin GET ${path} (${signedIn.status})`);
      const anonymous = await t.client().get(path);
      expect(anonymous.status, `anonymous GET ${path}`).toBeLessThan(500);
      expectSecurityHeaders(anonymous.headers, `anonymous GET ${path} (${anonymous.status})`);
    });
  }

  it("every page a signed-in admin can open offers Sign out (ASVS 7.4.4)", async () => {
    let checked = 0;
    for (const page of discoverPages()) {
      const res = await admin.get(fillTemplate(page.template, ids));
      if (res.status !== 200) continue; // /login sends a signed-in browser on
      expect(res.text, `${page.template}`).toMatch(/>\s*Sign out\s*</);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it("the not-found page carries the same security headers", async () => {
    const res = await admin.get("/no-such-page");
    expect(res.status).toBe(404);
    expectSecurityHeaders(res.headers, "not-found page");
  });

  it("a static asset stays cacheable (the twin: no-store on pages is deliberate, not everywhere)", async () => {
    const html = (await t.client().get("/login")).text;
    const asset = html.match(/\/_next\/static\/[^"']+\.(?:js|css)/)?.[0];
    expect(asset, "a /_next/static asset linked from /login").toBeDefined();
    const res = await t.client().get(asset!);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control") ?? "").not.toMatch(/no-store/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
