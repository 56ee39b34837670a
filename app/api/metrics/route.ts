import { methodNotAllowed, probeHandler } from "@/lib/next/api";
import { getMetrics } from "@/lib/observability/metrics";
import { refreshScrapeGauges } from "@/lib/observability/scrape";
import { operatorDenied, runtimeForProbe } from "@/lib/next/probe";

const ROUTE = "/api/metrics";

/**
 * Prometheus text format. Served even when the runtime cannot start (that is when metrics matter most);
 * state gauges (live impersonations, outbox depth, breaker) are refreshed on each scrape when it can.
 */
export const GET = probeHandler(ROUTE, async (request) => {
  const denied = operatorDenied(request);
  if (denied) return denied;
  const runtime = await runtimeForProbe();
  if (runtime) await refreshScrapeGauges({ db: runtime.database.db, cache: runtime.cache });
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
