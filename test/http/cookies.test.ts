/**
 * The session cookie over HTTP in production mode: its attributes, and every kind of bad cookie
 * (tampered, truncated, garbage, oversized) treated as "no session": a 401 JSON from the API and a
 * redirect to /login from pages, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSetCookie, SESSION_COOKIE } from "./support/client";
import { sampleUser, startTestServer, type TestServer } from "./support/server";

let t: TestServer;
let valid: string;
beforeAll(async () => {
  t = await startTestServer();
  const c = t.client();
  await c.loginAs(sampleUser(0).email, sampleUser(0).password);
  valid = c.sessionCookie!;
});
afterAll(async () => t?.stop());

describe("cookie attributes in production", () => {
  it("sets the session cookie HttpOnly, Secure, SameSite=Lax, Path=/, __Host- prefixed and host-only", async () => {
    const c = t.client();
    const res = await c.post("/api/auth/login", { email: sampleUser(1).email, password: sampleUser(1).password });
    expect(res.status).toBe(200);
    const cookies = res.setCookies.map(parseSetCookie).filter((k) => k.name === SESSION_COOKIE);
    expect(cookies).toHaveLength(1);
    const { name, value, attributes } = cookies[0]!;
    expect(name.startsWith("__Host-")).toBe(true);
    expect(value.length).toBeGreaterThan(0);
    expect(attributes.has("httponly")).toBe(true);
    expect(attributes.has("secure")).toBe(true);
    expect(attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(attributes.get("path")).toBe("/");
    expect(attributes.has("domain")).toBe(false);
  });

  it("clears the cookie on logout with the same name and path", async () => {
    const c = t.client();
    await c.loginAs(sampleUser(2).email, sampleUser(2).password);
    const res = await c.post("/api/auth/logout");
    const cleared = res.setCookies.map(parseSetCookie).find((k) => k.name === SESSION_COOKIE);
    expect(cleared?.attributes.get("path")).toBe("/");
    expect(cleared?.value === "" || cleared?.attributes.get("max-age") === "0").toBe(true);
  });
});

/** A cookie that a tamperer, a truncating proxy, a fuzzer or an attacker might send. */
function badCookies(seal: string): Record<string, string> {
  // Flips a high bit of a base64url character, so the decoded bytes really change (low bits can be padding).
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const flip = (s: string, i: number) => {
    while (alphabet.indexOf(s[i]!) === -1) i--; // skip the '*' separators
    return s.slice(0, i) + alphabet[alphabet.indexOf(s[i]!) ^ 32] + s.slice(i + 1);
  };
  return {
    "tampered in the middle": flip(seal, Math.floor(seal.length / 2)),
    "tampered MAC": flip(seal, seal.indexOf("~") - 2),
    truncated: seal.slice(0, seal.length - 10),
    "cut in half": seal.slice(0, Math.floor(seal.length / 2)),
    garbage: "not-a-seal",
    "iron-shaped garbage": "Fe26.2**0*AAAA*AAAA**0*AAAA",
    "5 KB": "A".repeat(5 * 1024),
    "seal without its version suffix": seal.slice(0, seal.indexOf("~")),
    "seal naming an unknown secret": seal.replace(/^Fe26\.2\*\d+\*/, "Fe26.2*1*"),
  };
}

describe("bad cookies are anonymous", () => {
  it("a valid cookie is signed in (the twin of every case below)", async () => {
    const res = await t.client().setCookie(valid).get("/api/auth/user");
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(sampleUser(0).email);
  });

  it("answers 401 UNAUTHENTICATED JSON from /api/auth/user for every bad cookie", async () => {
    for (const [kind, cookie] of Object.entries(badCookies(valid))) {
      const res = await t.client().setCookie(cookie).get("/api/auth/user");
      expect(res.status, kind).toBe(401);
      expect(res.body?.error?.code, kind).toBe("UNAUTHENTICATED");
    }
  });

  it("redirects pages to /login for every bad cookie", async () => {
    for (const page of ["/", "/account", "/admin/users"]) {
      for (const [kind, cookie] of Object.entries(badCookies(valid))) {
        const res = await t.client().setCookie(cookie).get(page, { redirect: "manual" });
        expect([303, 307, 308], `${page} with ${kind}`).toContain(res.status);
        expect(new URL(res.headers.get("location")!, t.url).pathname, `${page} with ${kind}`).toBe("/login");
      }
    }
  });

  it("sends a page load without any cookie to /login with the way back, a stale cookie with expired=1 as well", async () => {
    for (const [page, back] of [["/", "/"], ["/account", "/account"], ["/admin/users?q=ada", "/admin/users?q=ada"], ["/admin/audit", "/admin/audit"]] as const) {
      const bare = await t.client().get(page, { redirect: "manual" });
      expect(bare.status, page).toBe(307);
      const to = new URL(bare.headers.get("location")!, t.url);
      expect([to.pathname, to.searchParams.get("next"), to.searchParams.get("expired")], page).toEqual(["/login", back, null]);
      const stale = await t.client().setCookie(badCookies(valid)["tampered MAC"]!).get(page, { redirect: "manual" });
      expect(new URL(stale.headers.get("location")!, t.url).searchParams.get("expired"), page).toBe("1");
    }
  });

  it("serves pages to a valid cookie without a redirect", async () => {
    for (const page of ["/", "/account"]) {
      const res = await t.client().setCookie(valid).get(page, { redirect: "manual" });
      expect(res.status, page).toBe(200);
    }
  });

  it("refuses a 100 KB cookie before the app (431) without a 500, and keeps serving", async () => {
    const res = await t.client().setCookie("A".repeat(100 * 1024)).get("/api/auth/user");
    // Node's HTTP parser caps request headers (16 KB by default): the request never reaches the app.
    expect(res.status).toBe(431);
    expect((await t.client().setCookie(valid).get("/api/auth/user")).status).toBe(200);
  });

  it("ignores the cookie under another name (a non-__Host- copy does not sign in)", async () => {
    const res = await t.client().setCookie(valid, "sid").get("/api/auth/user");
    expect(res.status).toBe(401);
  });
});
