import "server-only";
import { getConfig } from "../config";
import { errorBody } from "../errors";
import { withTimeout } from "../health/checks";
import { bearerAllows } from "../observability/bearer";
import { getRuntime, type Runtime } from "../runtime";
import { jsonError } from "./api-handler";

/** Building the runtime (migrations, a required Redis) may take a while at boot; a probe waits this long. */
const RUNTIME_WAIT_MS = 2000;

/** The runtime, or null when it cannot be built right now (database down at boot): probes answer 503 then. */
export async function runtimeForProbe(): Promise<Runtime | null> {
  try {
    return await withTimeout(getRuntime(), RUNTIME_WAIT_MS, "runtime");
  } catch {
    return null;
  }
}

/** A probe's JSON body with its status; a 503 also carries the standard error object. */
export function probeResponse(body: Record<string, unknown>, healthy: boolean): Response {
  if (healthy) return Response.json(body);
  return Response.json({ ...body, ...errorBody("SERVICE_UNAVAILABLE") }, { status: 503, headers: { "Retry-After": "2" } });
}

/** Operator endpoints: open unless METRICS_TOKEN is set, then `Authorization: Bearer <token>` is required. */
export function operatorDenied(request: Request): Response | null {
  if (bearerAllows(request.headers.get("authorization"), getConfig().metricsToken)) return null;
  return jsonError("UNAUTHENTICATED", { message: "A valid bearer token is required.", headers: { "WWW-Authenticate": 'Bearer realm="operator"' } });
}
