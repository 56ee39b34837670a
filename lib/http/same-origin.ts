/**
 * The CSRF rule, one pure function for every state-changing entry point: the API routes (lib/next/api-guards),
 * and server actions and page form posts (the proxy, lib/next/request-guards). SameSite=Lax alone does not
 * cover them: a cross-site form post to the login action needs no cookie at all.
 *
 * Browsers send Sec-Fetch-Site and Origin on every cross-site POST, PUT, PATCH and DELETE; a request with
 * neither is not from a browser page (curl, server-to-server), which a CSRF check has nothing to say about.
 */

export interface OriginSettings {
  /** APP_ORIGIN: the public origin, when a proxy in front rewrites Host or terminates TLS. */
  appOrigin?: string;
  /** The request URL as the server saw it; its scheme is used when no X-Forwarded-Proto says otherwise. */
  url?: string;
}

const first = (value: string | null) => value?.split(",")[0]?.trim() || null;

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * The origin this request was addressed to, compared in full (scheme, host, port): APP_ORIGIN when set,
 * else X-Forwarded-Host or Host (Next compares server actions with the same host) with X-Forwarded-Proto or
 * the URL's scheme. Null scheme when neither is known: then the host alone is compared.
 */
function expectedOrigin(headers: Headers, settings: OriginSettings): { scheme: string | null; host: string | null } | null {
  if (settings.appOrigin) {
    const app = parseUrl(settings.appOrigin);
    return app ? { scheme: app.protocol, host: app.host } : null;
  }
  const url = settings.url ? parseUrl(settings.url) : null;
  const proto = first(headers.get("x-forwarded-proto"));
  return {
    scheme: proto ? `${proto.toLowerCase()}:` : (url?.protocol ?? null),
    host: first(headers.get("x-forwarded-host")) ?? headers.get("host") ?? url?.host ?? null,
  };
}

/** True when a browser sent this request from another site: refuse it (403 CSRF_REJECTED). */
export function isCrossSiteRequest(headers: Headers, settings: OriginSettings = {}): boolean {
  const site = headers.get("sec-fetch-site");
  // "none" is a typed URL or a bookmark: the user's own doing, not another site's.
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = headers.get("origin");
  if (origin === null) return false;
  // `Origin: null` (a sandboxed frame, a redirect chain) names no site we could trust.
  const sent = parseUrl(origin);
  if (!sent || origin === "null") return true;
  const expected = expectedOrigin(headers, settings);
  if (!expected?.host) return true;
  if (expected.scheme && expected.scheme !== sent.protocol) return true;
  // Normalise the expected host in the sender's scheme, so "host:443" and "host" compare equal for https.
  const host = parseUrl(`${sent.protocol}//${expected.host}`)?.host;
  return host !== sent.host;
}

/**
 * The origin this request was addressed to, as a string (`https://host:port`), by the same rule as the CSRF
 * check; null when the scheme or host is unknown. Passkey ceremonies use it when no origin is configured.
 */
export function requestOrigin(headers: Headers, settings: OriginSettings = {}): string | null {
  const expected = expectedOrigin(headers, settings);
  if (!expected?.host || !expected.scheme) return null;
  return parseUrl(`${expected.scheme}//${expected.host}`)?.origin ?? null;
}
