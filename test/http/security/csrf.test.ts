/**
 * CSRF over HTTP, for every API route found in app/api at test time: each state-changing method refuses a
 * cross-site request even from a signed-in admin (so the session is not what refuses it), and no GET changes
 * state (GETs are exempt from the origin check, so they must be safe). Server actions: csrf-actions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVIL_ORIGIN, type HttpClient, type HttpResponse } from "../support/client";
import { sampleUser, startTestServer, type TestServer } from "../support/server";
import { discoverApiRoutes, discoverPages, fillTemplate, STATE_CHANGING, unusedId, visibleState, type RouteParam } from "./support";

let t: TestServer;
let admin: HttpClient;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.admin();
});
afterAll(async () => t?.stop());

const routes = discoverApiRoutes().filter((r) => !r.catchAll);
const crossSite: { name: string; headers: Record<string, string> }[] = [
  { name: "Origin: https://evil.example", headers: { origin: EVIL_ORIGIN } },
  { name: "Sec-Fetch-Site: cross-site", headers: { "sec-fetch-site": "cross-site" } },
];
/** "METHOD template" of every state-changing method found implemented (answered with anything but 405). */
const implemented = new Set<string>();

function expectCsrfRefusal(res: HttpResponse): void {
  expect(res.status, res.text).toBe(403);
  expect(res.body.error.code).toBe("CSRF_REJECTED");
}

describe("state-changing API routes refuse cross-site requests from a signed-in admin", () => {
  for (const route of routes) {
    for (const method of STATE_CHANGING.filter((m) => route.exported.includes(m))) {
      it(`${method} ${route.template} answers 403 CSRF_REJECTED (or 405 when the method is not implemented)`, async () => {
        const path = fillTemplate(route.template, unusedId);
        for (const variant of crossSite) {
          const res = await admin.request(method, path, { site: "none", headers: variant.headers, json: {} });
          expect(res.status, `${variant.name}: ${res.text}`).toBeLessThan(500);
          if (res.status === 405) {
            // Not implemented: the 405 stub does nothing, and its Allow header must not offer the method.
            expect(res.body.error.code).toBe("METHOD_NOT_ALLOWED");
            expect(res.headers.get("allow") ?? "").not.toContain(method);
            continue;
          }
          implemented.add(`${method} ${route.template}`);
          expectCsrfRefusal(res);
        }
      });

      it(`${method} ${route.template} lets a same-origin request past the origin check (the twin)`, async () => {
        const res = await t.client().request(method, fillTemplate(route.template, unusedId), { site: "same-origin", json: {} });
        expect(res.status, res.text).toBeLessThan(500);
        expect(res.body?.error?.code).not.toBe("CSRF_REJECTED");
      });
    }
  }

  it("covered the state-changing routes the app is known to have (the sweep is not empty)", () => {
    for (const known of ["POST /api/auth/login", "POST /api/auth/logout", "POST /api/admin/impersonate/[userId]", "DELETE /api/admin/impersonate"]) {
      expect(implemented).toContain(known);
    }
  });
});

describe("the origin check itself (POST /api/auth/logout of a signed-in user)", () => {
  const signedIn = async () => {
    const c = t.client();
    await c.loginAs(sampleUser(0).email, sampleUser(0).password);
    return c;
  };
  const cases: [name: string, headers: (base: string) => Record<string, string>][] = [
    ["Origin: null (sandboxed frame, opaque origin)", () => ({ origin: "null" })],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", (base) => ({ origin: base, "sec-fetch-site": "same-site" })],
    ["another scheme (https:// for an http:// site)", (base) => ({ origin: base.replace("http://", "https://") })],
    ["another port", (base) => ({ origin: base.replace(/:\d+$/, ":1") })],
    ["a look-alike host suffix", (base) => ({ origin: `${base}.evil.example` })],
  ];
  for (const [name, headers] of cases) {
    it(`refuses ${name} with 403 CSRF_REJECTED and keeps the session`, async () => {
      const c = await signedIn();
      expectCsrfRefusal(await c.request("POST", "/api/auth/logout", { site: "none", headers: headers(t.url) }));
      expect(await c.whoami()).not.toBeNull();
    });
  }

  it("accepts its own origin and signs out (the twin)", async () => {
    const c = await signedIn();
    const res = await c.request("POST", "/api/auth/logout", { site: "same-origin" });
    expect(res.status, res.text).toBe(200);
    expect(await c.whoami()).toBeNull();
  });
});

describe("GET changes nothing", () => {
  it("a GET of every API route and page, anonymous and as admin, with real ids, changes no user, session or impersonation", async () => {
    const before = await visibleState(admin);
    expect(before.users.length).toBeGreaterThan(30);
    const realIds = (p: RouteParam) => {
      if (p.catchAll) return "no/such/thing";
      if (/session/i.test(p.name)) return before.sessions[0]!; // the admin's own session
      if (/user/i.test(p.name)) return before.users.find((u: unknown[]) => u[1] === sampleUser(0).email)![0] as string;
      return unusedId(p);
    };
    const targets = [...routes.map((r) => r.template), ...discoverPages().map((p) => p.template)].map((tpl) => fillTemplate(tpl, realIds));
    for (const path of targets) {
      for (const c of [admin, t.client()]) {
        const res = await c.get(path);
        expect(res.status, `GET ${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      }
    }
    const after = await visibleState(admin);
    expect(after.users).toEqual(before.users);
    expect(after.sessions).toEqual(before.sessions);
    expect(after.impersonations).toEqual(before.impersonations);
    // The one write a GET may cause: the start route audits a refused method (impersonation.denied,
    // METHOD_NOT_ALLOWED) so that probing it leaves a trace. Nothing else may appear.
    const known = new Set(before.audit.map((e) => e.id));
    const added = after.audit.filter((e) => !known.has(e.id)).map((e) => `${e.action}:${e.metadata?.code ?? ""}`);
    expect(added.filter((a) => a !== "impersonation.denied:METHOD_NOT_ALLOWED")).toEqual([]);
    expect(await admin.whoami()).not.toBeNull();
  });
});
