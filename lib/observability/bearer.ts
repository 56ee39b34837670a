/**
 * Bearer-token check for operator endpoints (/api/metrics, /api/health/detailed) when METRICS_TOKEN is set.
 * Both sides are hashed to 32 bytes first, so timingSafeEqual compares equal lengths and the time taken
 * reveals neither the token's content nor its length.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** True when no token is configured (open endpoint) or the Authorization header carries exactly that token. */
export function bearerAllows(authorization: string | null | undefined, expected: string | undefined): boolean {
  if (!expected) return true;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "");
  const presented = match?.[1] ?? "";
  // Compare even when the header is missing, so a missing and a wrong token cost the same.
  const same = timingSafeEqual(digest(presented), digest(expected));
  return same && presented.length > 0;
}
