import { version as nextVersion } from "next/package.json";
import { detailedHealth } from "@/lib/health/detailed";
import { apiHandler, methodNotAllowed } from "@/lib/next/api";
import { operatorDenied, probeResponse } from "@/lib/next/probe";
import { version as appVersion } from "@/package.json";

const ROUTE = "/api/health/detailed";

/** Operator view: pool, cache tiers and counters, breaker, outbox, versions. Behind METRICS_TOKEN when set. */
export const GET = apiHandler(ROUTE, async (ctx) => {
  const denied = operatorDenied(ctx.request);
  if (denied) return denied;
  const report = await detailedHealth(ctx.runtime, { app: appVersion, next: nextVersion });
  return probeResponse({ ...report }, report.status !== "down");
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
