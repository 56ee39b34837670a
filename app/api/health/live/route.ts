import { methodNotAllowed, probeHandler } from "@/lib/next/api";

const ROUTE = "/api/health/live";

/** The process is up and serving. No I/O and no runtime: liveness must not fail because Postgres is down. */
export const GET = probeHandler(ROUTE, async () => Response.json({ status: "ok" }));

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
