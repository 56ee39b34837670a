import "server-only";
import { headers } from "next/headers";
import { getConfig } from "../config";
import type { SessionMetadata } from "../session/types";

/**
 * Client address and user agent for audit and throttling. `next start` fills X-Forwarded-For with the
 * socket address only when the client did not send one, so the last hop is the best guess without a
 * proxy; behind a proxy that overwrites the header (TRUST_PROXY=true) the first entry is the client.
 */
export function metadataFromHeaders(h: Headers): SessionMetadata {
  const forwarded = h.get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean) ?? [];
  const ip = (getConfig().trustProxy ? forwarded[0] : forwarded[forwarded.length - 1]) ?? h.get("x-real-ip") ?? null;
  return { ip: ip ? ip.slice(0, 64) : null, userAgent: h.get("user-agent")?.slice(0, 512) ?? null };
}

export async function requestMetadata(): Promise<SessionMetadata> {
  return metadataFromHeaders(await headers());
}
