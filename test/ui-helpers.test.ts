/**
 * The UI's pure helpers and the optimistic proxy: redirect safety, URL state, flash messages, plain-words
 * devices and countdowns. Each "allowed" case sits beside its "refused" twin.
 */
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { auditHref, dayRange, parseAuditView } from "@/app/admin/audit/audit-query";
import { parseUsersView, usersHref } from "@/app/admin/users/users-query";
import { describeUserAgent } from "@/app/_lib/device";
import { readFlash, withFlash } from "@/app/_lib/flash";
import { formatCountdown, formatDuration } from "@/app/_lib/format";
import { safeNextPath } from "@/app/_lib/safe-redirect";
import { config as proxyConfig, proxy } from "@/proxy";

describe("safeNextPath", () => {
  it("follows a same-site path with its query and hash", () => {
    expect(safeNextPath("/admin/users?q=ada&page=2#row")).toBe("/admin/users?q=ada&page=2#row");
  });

  it.each([
    ["a protocol-relative URL", "//evil.example/path"],
    ["a backslash trick", "/\\evil.example"],
    ["an absolute URL", "https://evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path without a leading slash", "admin/users"],
    ["a path with a tab", "/\t/evil.example"],
    ["a path with a newline", "/admin\nSet-Cookie: x=1"],
    ["an empty value", ""],
    ["a non-string", ["/admin"]],
    ["the login page itself (a loop)", "/login?next=/"],
  ])("refuses %s and falls back to /", (_name, value) => {
    expect(safeNextPath(value)).toBe("/");
  });

  it("uses the given fallback when it refuses", () => {
    expect(safeNextPath("//evil.example", "")).toBe("");
  });
});

describe("users table URL state", () => {
  it("reads every filter, the sort and the page from the query", () => {
    const view = parseUsersView({ q: " ada ", role: "support", status: "banned", sort: "email", dir: "desc", page: "3" });
    expect(view).toMatchObject({ q: "ada", role: "support", status: "banned", sort: "email", dir: "desc", page: 3 });
  });

  it("falls back to defaults for values it does not know", () => {
    const view = parseUsersView({ role: "root", status: "deleted", sort: "password_hash", dir: "sideways", page: "-1", impersonate: "not-a-uuid" });
    expect(view).toEqual({ q: "", role: undefined, status: undefined, invited: false, sort: "name", dir: "asc", page: 1, impersonate: undefined });
  });

  it("round-trips a view through its link, leaving defaults out", () => {
    const view = parseUsersView({ q: "lovelace", role: "user", sort: "lastSeen", dir: "desc", page: "2" });
    const href = usersHref(view);
    expect(href).toBe("/admin/users?q=lovelace&role=user&sort=lastSeen&dir=desc&page=2");
    expect(parseUsersView(Object.fromEntries(new URL(href, "http://x").searchParams))).toEqual(view);
    expect(usersHref(parseUsersView({}))).toBe("/admin/users");
  });

  it("opens the impersonation dialog only for a well-formed user id", () => {
    const id = "084e0f55-07b0-4186-be44-b2d714166316";
    expect(parseUsersView({ impersonate: id }).impersonate).toBe(id);
    expect(parseUsersView({ impersonate: "../../etc" }).impersonate).toBeUndefined();
  });
});

describe("audit log URL state", () => {
  it("keeps a known action and whole UTC days", () => {
    const view = parseAuditView({ action: "impersonation.start", from: "2026-11-01", to: "2026-11-22", page: "2" });
    expect(view.action).toBe("impersonation.start");
    expect(dayRange(view)).toEqual({ from: new Date("2026-11-01T00:00:00.000Z"), to: new Date("2026-11-22T23:59:59.999Z") });
    expect(auditHref(view)).toBe("/admin/audit?action=impersonation.start&from=2026-11-01&to=2026-11-22&page=2");
  });

  it("drops an unknown action and malformed dates instead of passing them to the query", () => {
    const view = parseAuditView({ action: "drop table", from: "yesterday", to: "2026-13-45" });
    expect(view.action).toBeUndefined();
    expect(dayRange(view)).toEqual({ from: undefined, to: undefined });
  });
});

describe("flash messages", () => {
  it("shows the text for a known notice and a known error code", () => {
    expect(readFlash({ notice: "role-saved" }).notice).toMatch(/Role saved/);
    expect(readFlash({ error: "CANNOT_CHANGE_SELF" }).error).toEqual({ code: "CANNOT_CHANGE_SELF", message: expect.stringMatching(/your own role/) });
  });

  it("ignores anything else, so a crafted link cannot put words on the page", () => {
    expect(readFlash({ notice: "<b>You won</b>", error: "toString" })).toEqual({ notice: undefined, error: undefined });
  });

  it("replaces an earlier flash when adding a new one", () => {
    expect(withFlash("/account?error=FORBIDDEN", { notice: "session-revoked" })).toBe("/account?notice=session-revoked");
  });
});

describe("describeUserAgent", () => {
  it.each([
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", "Firefox on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"],
    ["curl/8.5.0", "curl"],
  ])("names %s in plain words", (ua, words) => {
    expect(describeUserAgent(ua)).toBe(words);
  });

  it("says so when there is nothing to go on", () => {
    expect(describeUserAgent(null)).toBe("Unknown device");
    expect(describeUserAgent("???")).toBe("Unknown device");
  });
});

describe("countdown and durations", () => {
  it("shows mm:ss rounded up, with minutes past 59", () => {
    expect(formatCountdown(3_600_000)).toBe("60:00");
    expect(formatCountdown(61_001)).toBe("01:02");
    expect(formatCountdown(999)).toBe("00:01");
  });

  it("never shows negative time", () => {
    expect(formatCountdown(-5_000)).toBe("00:00");
  });

  it("speaks in minutes", () => {
    expect(formatDuration(3600)).toBe("60 minutes");
    expect(formatDuration(60)).toBe("1 minute");
    expect(formatDuration(45)).toBe("45 seconds");
  });
});

describe("proxy (guards only)", () => {
  const request = (path: string, init: { cookie?: string; method?: string } = {}) =>
    new NextRequest(new URL(path, "http://app.test"), { method: init.method ?? "GET", headers: init.cookie ? { cookie: init.cookie } : {} });

  it("lets an ordinary request through untouched: no redirect, no session check, whatever the cookie", async () => {
    for (const r of [request("/admin/users?q=ada"), request("/account", { cookie: "sid=sealed-value" }), request("/login"), request("/account", { method: "POST" })]) {
      const response = await proxy(r);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("x-middleware-next")).toBe("1");
    }
  });

  it("is matched by no ordinary page load or API request (a proxy run costs as much as a small route)", () => {
    const plain = proxyConfig.matcher.filter((m): m is string => typeof m === "string");
    expect(plain).toEqual(["/login", "/:path(.*%.*)"]);
    const conditional = proxyConfig.matcher.filter((m) => typeof m !== "string");
    expect(conditional.every((m) => "has" in m && m.has.length > 0)).toBe(true);
  });
});
