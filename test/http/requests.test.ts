/**
 * Malformed requests over HTTP: wrong method, bad JSON, wrong content type, oversized or incomplete bodies.
 * Every one is a 4xx with a JSON `{ error: { code, message } }`, never a 500 or a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpResponse } from "./support/client";
import { sampleUser, startTestServer, type TestServer } from "./support/server";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

function expectError(res: HttpResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe("string");
  expect(res.text).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack trace
}

describe("wrong method", () => {
  const cases: [method: string, path: string, allow: string][] = [
    ["GET", "/api/auth/login", "POST"],
    ["DELETE", "/api/auth/login", "POST"],
    ["POST", "/api/auth/user", "GET"],
    ["PUT", "/api/auth/user", "GET"],
    ["GET", "/api/auth/logout", "POST"],
    ["GET", "/api/auth/password", "POST"],
    ["POST", "/api/auth/sessions", "GET, DELETE"],
    ["GET", "/api/admin/impersonate", "DELETE"],
    ["PATCH", "/api/admin/users", "GET, POST"],
    ["POST", "/api/admin/audit", "GET"],
  ];
  for (const [method, path, allow] of cases) {
    it(`${method} ${path} answers 405 JSON with Allow: ${allow}`, async () => {
      const res = await t.client().request(method, path, { json: method === "GET" ? undefined : {} });
      expectError(res, 405, "METHOD_NOT_ALLOWED");
      expect(res.headers.get("allow")).toBe(allow);
    });
  }

  it("the right method on the same route is not a 405 (POST /api/auth/login)", async () => {
    const res = await t.client().post("/api/auth/login", { email: sampleUser(0).email, password: sampleUser(0).password });
    expect(res.status).toBe(200);
  });
});

describe("request bodies", () => {
  const login = (body: string, contentType = "application/json") =>
    t.client().request("POST", "/api/auth/login", { body, headers: { "content-type": contentType } });

  it("answers 400 INVALID_JSON for malformed JSON", async () => {
    for (const body of ["{", "{email:}", "not json", '{"email": "a@b.c",}']) expectError(await login(body), 400, "INVALID_JSON");
  });

  it("answers 415 for a body that is not declared JSON", async () => {
    expectError(await login("email=a&password=b", "application/x-www-form-urlencoded"), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectError(await login(JSON.stringify({ email: "a", password: "b" }), "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 413 for a body over 16 KB", async () => {
    const body = JSON.stringify({ email: "a@example.com", password: "x".repeat(17 * 1024) });
    expectError(await login(body), 413, "PAYLOAD_TOO_LARGE");
  });

  it("accepts a body just under the limit (the 413's twin): the answer is about the credentials", async () => {
    const body = JSON.stringify({ email: "a@example.com", password: "x".repeat(1000) });
    expectError(await login(body), 401, "INVALID_CREDENTIALS");
  });

  it("answers 400 INVALID_INPUT for missing or mistyped fields", async () => {
    for (const body of [{}, { email: "a@example.com" }, { password: "x" }, { email: 1, password: 2 }, [], null, "text"]) {
      expectError(await login(JSON.stringify(body)), 400, "INVALID_INPUT");
    }
  });

  it("answers 400 INVALID_INPUT for JSON nested too deeply", async () => {
    const deep = JSON.parse('{"a":'.repeat(20) + "1" + "}".repeat(20));
    expectError(await login(JSON.stringify({ email: "a", password: "b", deep })), 400, "INVALID_INPUT");
  });

  it("answers 400 INVALID_INPUT for a malformed query string on admin routes, not a 500", async () => {
    const admin = await t.admin();
    expectError(await admin.get("/api/admin/audit?actorId=not-a-uuid"), 400, "INVALID_INPUT");
    expectError(await admin.get("/api/admin/audit?page=-1"), 400, "INVALID_INPUT");
    expectError(await admin.get("/api/admin/users?role=overlord"), 400, "INVALID_INPUT");
    expect((await admin.get("/api/admin/users?role=support")).status).toBe(200);
  });
});

describe("cross-site requests", () => {
  it("refuses a cross-site login POST with 403 CSRF_REJECTED", async () => {
    const u = sampleUser(1);
    expectError(await t.client().post("/api/auth/login", { email: u.email, password: u.password }, { site: "cross-site" }), 403, "CSRF_REJECTED");
  });

  it("accepts the same login without browser headers (not a browser page, e.g. curl)", async () => {
    const u = sampleUser(1);
    expect((await t.client().post("/api/auth/login", { email: u.email, password: u.password }, { site: "none" })).status).toBe(200);
  });
});
