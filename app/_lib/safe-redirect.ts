/**
 * `?next=` comes from the URL, so it is attacker-controlled: only a same-site path is ever followed.
 * "//evil.example" and "/\evil.example" are protocol-relative in browsers, so both are refused.
 */
const BASE = "http://same-site.invalid";

export function safeNextPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  // Control characters and whitespace have no place in a path we redirect to (header splitting, tab tricks).
  if (/[\u0000-\u0020\u007f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  // Coming back to the login page after signing in would be a loop.
  if (url.pathname === "/login") return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
