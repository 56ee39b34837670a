import { readiness } from "@/lib/health/checks";
import { isShuttingDown } from "@/lib/lifecycle";
import { methodNotAllowed, probeHandler } from "@/lib/next/api";
import { probeResponse, runtimeForProbe } from "@/lib/next/probe";

const ROUTE = "/api/health/ready";

/** 200 only when Postgres answers, is fully migrated, a required Redis answers, and no shutdown is under way. */
export const GET = probeHandler(ROUTE, async () => {
  const runtime = await runtimeForProbe();
  if (!runtime) return probeResponse({ status: "unavailable", checks: { runtime: "starting or failed" } }, false);
  const result = await readiness(runtime, { shuttingDown: isShuttingDown() });
  return probeResponse({ status: result.ready ? "ready" : "unavailable", checks: result.checks }, result.ready);
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
