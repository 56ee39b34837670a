import { healthSummary } from "@/lib/health/checks";
import { methodNotAllowed, probeHandler } from "@/lib/next/api";
import { probeResponse, runtimeForProbe } from "@/lib/next/probe";

const ROUTE = "/api/health";

/** Summary: ok | degraded (Redis unavailable, Postgres serving) | down (503). */
export const GET = probeHandler(ROUTE, async () => {
  const runtime = await runtimeForProbe();
  if (!runtime) return probeResponse({ status: "down", timestamp: new Date().toISOString() }, false);
  const summary = await healthSummary(runtime);
  return probeResponse({ ...summary }, summary.status !== "down");
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
