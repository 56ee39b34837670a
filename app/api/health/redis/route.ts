import { checkRedisHealth, httpStatusOfRedisHealth } from "@/lib/health/redis";
import { apiHandler, methodNotAllowed } from "@/lib/next/api";

const ROUTE = "/api/health/redis";

/** The Redis tier's health (shape and status rules in lib/health/redis.ts); 503 only for "unhealthy". */
export const GET = apiHandler(ROUTE, async ({ runtime }) => {
  const report = await checkRedisHealth(runtime);
  return Response.json(report, { status: httpStatusOfRedisHealth(report.status) });
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
