/** The one CSRF rule, as a table: every refused row beside the allowed row it differs from by one header. */
import { describe, expect, it } from "vitest";
import { isCrossSiteRequest, type OriginSettings } from "./same-origin";

type Row = [name: string, headers: Record<string, string>, settings: OriginSettings, crossSite: boolean];

const HTTP = { url: "http://app.test/api/x" };
const rows: Row[] = [
  // No browser headers: not a browser page, nothing to check.
  ["no Origin, no Sec-Fetch-Site", { host: "app.test" }, HTTP, false],
  ["Sec-Fetch-Site: same-origin", { host: "app.test", "sec-fetch-site": "same-origin" }, HTTP, false],
  ["Sec-Fetch-Site: none (typed URL)", { host: "app.test", "sec-fetch-site": "none" }, HTTP, false],
  ["Sec-Fetch-Site: cross-site", { host: "app.test", "sec-fetch-site": "cross-site" }, HTTP, true],
  ["Sec-Fetch-Site: same-site (a sibling subdomain)", { host: "app.test", "sec-fetch-site": "same-site" }, HTTP, true],
  ["Origin naming this host and scheme", { host: "app.test", origin: "http://app.test" }, HTTP, false],
  ["Origin of another site", { host: "app.test", origin: "https://evil.example" }, HTTP, true],
  ["Origin: null", { host: "app.test", origin: "null" }, HTTP, true],
  ["an Origin that is not a URL", { host: "app.test", origin: "not a url" }, HTTP, true],
  ["a look-alike host suffix", { host: "app.test", origin: "http://app.test.evil.example" }, HTTP, true],
  ["another scheme (https:// for an http:// site)", { host: "app.test", origin: "https://app.test" }, HTTP, true],
  ["another port", { host: "app.test:3000", origin: "http://app.test:1" }, HTTP, true],
  ["the same port", { host: "app.test:3000", origin: "http://app.test:3000" }, HTTP, false],
  ["the default port written out in Host", { host: "app.test:80", origin: "http://app.test" }, HTTP, false],
  // Behind a proxy: X-Forwarded-Host and X-Forwarded-Proto name the public origin, as Next reads them.
  ["X-Forwarded-Host and -Proto naming the Origin", { host: "10.0.0.1:3000", "x-forwarded-host": "public.example", "x-forwarded-proto": "https", origin: "https://public.example" }, HTTP, false],
  ["X-Forwarded-Host naming another host than the Origin", { host: "10.0.0.1:3000", "x-forwarded-host": "other.example", "x-forwarded-proto": "https", origin: "https://public.example" }, HTTP, true],
  ["X-Forwarded-Proto http for an https Origin", { host: "public.example", "x-forwarded-proto": "http", origin: "https://public.example" }, HTTP, true],
  // No scheme known at all (no URL, no X-Forwarded-Proto): the host alone decides.
  ["no scheme known, the host matches", { host: "app.test", origin: "https://app.test" }, {}, false],
  ["no scheme known, the host differs", { host: "app.test", origin: "https://evil.example" }, {}, true],
  ["no host known at all", { origin: "https://app.test" }, {}, true],
  // APP_ORIGIN wins over every header.
  ["APP_ORIGIN matching the Origin", { host: "internal:3000", origin: "https://public.example" }, { ...HTTP, appOrigin: "https://public.example" }, false],
  ["APP_ORIGIN with a trailing slash matching the Origin", { host: "internal:3000", origin: "https://public.example" }, { appOrigin: "https://public.example/" }, false],
  ["APP_ORIGIN differing from the Origin", { host: "public.example", origin: "http://public.example" }, { ...HTTP, appOrigin: "https://public.example" }, true],
  ["APP_ORIGIN set, and a forged X-Forwarded-Host matching the Origin", { "x-forwarded-host": "evil.example", origin: "https://evil.example" }, { appOrigin: "https://public.example" }, true],
  ["Sec-Fetch-Site cross-site even with a matching Origin", { host: "app.test", origin: "http://app.test", "sec-fetch-site": "cross-site" }, HTTP, true],
];

describe("isCrossSiteRequest", () => {
  for (const [name, headers, settings, crossSite] of rows) {
    it(`${crossSite ? "refuses" : "allows"} ${name}`, () => {
      expect(isCrossSiteRequest(new Headers(headers), settings)).toBe(crossSite);
    });
  }
});
