import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { forwardedView } from "./request-meta";

const headers = (h: Record<string, string>) => new Headers({ host: "app.internal:3000", ...h });

describe("forwardedView", () => {
  it("behind one trusted proxy takes the address that proxy appended, not what the client wrote before it", () => {
    const h = headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.7", "x-forwarded-proto": "https", "x-forwarded-host": "app.example.com" });
    expect(forwardedView(h, 1)).toEqual({ ip: "203.0.113.7", proto: "https", host: "app.example.com" });
  });

  it("behind two trusted proxies takes the second entry from the right; the client's own entry stays ignored", () => {
    const h = headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" });
    expect(forwardedView(h, 2).ip).toBe("203.0.113.7");
    // Trusting one hop too many believes the spoofed entry: the hop count is the whole rule.
    expect(forwardedView(h, 3).ip).toBe("6.6.6.6");
  });

  it("with no trusted proxy ignores X-Forwarded-Proto and -Host sent by the client", () => {
    const h = headers({ "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" });
    expect(forwardedView(h, 0)).toEqual({ ip: "203.0.113.7", proto: "http", host: "app.internal:3000" });
  });

  it("falls back to Host when a trusted proxy sends no X-Forwarded-Host, and to http for an unknown proto", () => {
    expect(forwardedView(headers({ "x-forwarded-proto": "gopher" }), 1)).toEqual({ ip: null, proto: "http", host: "app.internal:3000" });
  });
});

describe("TRUST_PROXY", () => {
  const hops = (value: string | undefined) => loadConfig({ TRUST_PROXY: value }).trustProxy;

  it("reads a number of hops, and true/false as 1/0", () => {
    expect([hops(undefined), hops("false"), hops("true"), hops("2"), hops("0")]).toEqual([0, 0, 1, 2, 0]);
  });

  it("refuses anything else, naming the variable", () => {
    expect(() => hops("-1")).toThrow(/TRUST_PROXY/);
    expect(() => hops("nginx")).toThrow(/TRUST_PROXY/);
  });
});
