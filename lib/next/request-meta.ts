import "server-only";
import { headers } from "next/headers";
import { getConfig } from "../config";
import type { SessionMetadata } from "../session/types";

/** What the request looked like where it entered the deployment (at the outermost trusted proxy). */
export interface ForwardedView {
  ip: string | null;
  proto: "http" | "https";
  host: string | null;
}

const list = (value: string | null) => value?.split(",").map((s) => s.trim()).filter(Boolean) ?? [];

/**
 * The entry the outermost of `hops` trusted proxies wrote. Each proxy appends one entry (nginx's
 * $proxy_add_x_forwarded_for), so the last `hops` entries are theirs and everything left of them came from
 * the client, which may write anything there. Proxies that overwrite instead leave one entry: the first.
 */
function trustedEntry(entries: string[], hops: number): string | undefined {
  return entries[Math.max(0, entries.length - hops)];
}

/**
 * Client address, scheme and host as the trusted proxies report them (TRUST_PROXY hops). With no trusted
 * proxy the X-Forwarded-Proto/-Host a client sends are ignored; X-Forwarded-For is then the last entry,
 * because `next start` writes the socket address there only when the client sent no header of its own.
 * The app must not be reachable except through its proxies when TRUST_PROXY > 0: a client talking to it
 * directly could then claim any address.
 */
export function forwardedView(h: Headers, hops: number = getConfig().trustProxy): ForwardedView {
  const forwarded = list(h.get("x-forwarded-for"));
  const ip = (hops > 0 ? trustedEntry(forwarded, hops) : forwarded[forwarded.length - 1]) ?? h.get("x-real-ip") ?? null;
  const proto = hops > 0 ? trustedEntry(list(h.get("x-forwarded-proto")), hops)?.toLowerCase() : undefined;
  const host = (hops > 0 ? trustedEntry(list(h.get("x-forwarded-host")), hops) : undefined) ?? h.get("host");
  return { ip: ip ? ip.slice(0, 64) : null, proto: proto === "https" ? "https" : "http", host: host ?? null };
}

/**
 * The origin the browser used (`https://app.example.com`), for same-origin checks and absolute URLs:
 * APP_ORIGIN when set, else derived from the trusted forwarded headers. Null when the request names no host.
 */
export function requestOrigin(h: Headers): string | null {
  const configured = getConfig().appOrigin;
  if (configured) return configured;
  const view = forwardedView(h);
  return view.host ? `${view.proto}://${view.host}` : null;
}

/** Client address and user agent for audit and throttling. */
export function metadataFromHeaders(h: Headers): SessionMetadata {
  return { ip: forwardedView(h).ip, userAgent: h.get("user-agent")?.slice(0, 512) ?? null };
}

export async function requestMetadata(): Promise<SessionMetadata> {
  return metadataFromHeaders(await headers());
}

/** The origin of the page being rendered or the action being run (see requestOrigin). */
export async function currentRequestOrigin(): Promise<string | null> {
  return requestOrigin(await headers());
}
