import { describe, expect, it } from "vitest";
import { getMetrics } from "./metrics";

const requestCount = async (labels: { route: string; method: string; status: string }) =>
  (await getMetrics().httpRequests.get()).values.find((v) => v.labels.route === labels.route && v.labels.method === labels.method && v.labels.status === labels.status)?.value ?? 0;

describe("API request counter", () => {
  it("folds the counts taken on the hot path into nsi_http_requests_total exactly once, on every read", async () => {
    const m = getMetrics();
    const route = `/api/metrics-test/${Math.random().toString(36).slice(2)}`;
    for (let i = 0; i < 3; i++) m.countHttpRequest(route, "GET", 200);
    m.countHttpRequest(route, "GET", 404);
    m.countHttpRequest(route, "POST", 200);
    expect(await requestCount({ route, method: "GET", status: "200" })).toBe(3);
    // A second read adds nothing that was already folded in.
    expect(await requestCount({ route, method: "GET", status: "200" })).toBe(3);
    expect(await requestCount({ route, method: "GET", status: "404" })).toBe(1);
    m.countHttpRequest(route, "GET", 200);
    const text = await m.registry.metrics();
    expect(text).toContain(`nsi_http_requests_total{route="${route}",method="GET",status="200"} 4`);
    expect(text).toContain(`nsi_http_requests_total{route="${route}",method="POST",status="200"} 1`);
  });
});
