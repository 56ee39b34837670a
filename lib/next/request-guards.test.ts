import { describe, expect, it } from "vitest";
import { refuseCrossSiteAction, refuseHostileRequest, refuseUndecodablePath } from "./request-guards";

const request = (pathname: string, init: { method?: string; headers?: Record<string, string> } = {}) => ({
  method: init.method ?? "GET",
  nextUrl: { pathname },
  headers: new Headers({ host: "app.test", ...init.headers }),
});

async function codeOf(response: Response | null): Promise<string | null> {
  return response ? ((await response.json()) as { error: { code: string } }).error.code : null;
}

describe("refuseUndecodablePath", () => {
  it("lets well-formed escapes through (é, %2F, %00 decode fine)", () => {
    for (const path of ["/api/admin/users/%C3%A9", "/api/admin/users/..%2F..%2Fauth", "/api/x/%00", "/admin/users/plain"]) {
      expect(refuseUndecodablePath(request(path))).toBeNull();
    }
  });

  it("refuses a malformed or truncated escape with 400 INVALID_INPUT", async () => {
    for (const path of ["/api/admin/users/%ZZ", "/api/admin/users/%E0%A4%A", "/admin/users/%", "/%C0"]) {
      const response = refuseUndecodablePath(request(path));
      expect(response?.status).toBe(400);
      expect(await codeOf(response)).toBe("INVALID_INPUT");
      expect(response?.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("refuseCrossSiteAction", () => {
  const action = { "next-action": "abc" };

  it("lets a same-origin action call through (Origin names the host, Sec-Fetch-Site same-origin)", () => {
    expect(refuseCrossSiteAction(request("/account", { method: "POST", headers: { ...action, origin: "https://app.test", "sec-fetch-site": "same-origin" } }))).toBeNull();
  });

  it("lets an action call without browser headers through (Next's own check still applies)", () => {
    expect(refuseCrossSiteAction(request("/account", { method: "POST", headers: action }))).toBeNull();
  });

  it("refuses another origin, Origin: null, and Sec-Fetch-Site cross-site or same-site with 403 CSRF_REJECTED", async () => {
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://app.test.evil.example" },
    ];
    for (const headers of refused) {
      const response = refuseCrossSiteAction(request("/account", { method: "POST", headers: { ...action, ...headers } }));
      expect(response?.status).toBe(403);
      expect(await codeOf(response)).toBe("CSRF_REJECTED");
    }
  });

  it("refuses a cross-site form post to a page even without the Next-Action header (no-JavaScript form)", () => {
    expect(refuseCrossSiteAction(request("/login", { method: "POST", headers: { origin: "https://evil.example" } }))?.status).toBe(403);
  });

  it("leaves GET page loads and API routes alone (the API checks the origin itself)", () => {
    expect(refuseCrossSiteAction(request("/login", { headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } }))).toBeNull();
    expect(refuseCrossSiteAction(request("/api/auth/login", { method: "POST", headers: { origin: "https://evil.example" } }))).toBeNull();
  });

  it("compares with X-Forwarded-Host when present, as Next does", () => {
    const headers = { ...action, origin: "https://public.example", "x-forwarded-host": "public.example" };
    expect(refuseCrossSiteAction(request("/account", { method: "POST", headers }))).toBeNull();
  });
});

describe("refuseHostileRequest", () => {
  it("answers the first refusal that applies, or null", async () => {
    expect(refuseHostileRequest(request("/admin/users"))).toBeNull();
    expect(await codeOf(refuseHostileRequest(request("/admin/%ZZ", { method: "POST", headers: { origin: "https://evil.example" } })))).toBe("INVALID_INPUT");
  });
});
