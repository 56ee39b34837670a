/**
 * The cookie carries only the iron-session seal of the opaque token. Unsealing derives keys with PBKDF2
 * on every call (~340 µs here, more than a Postgres round trip), so a bounded in-process cache maps a
 * cookie value to its token, honouring the seal's own expiry. The cache lives inside one sealer, and a
 * sealer is built for one set of secrets, so changing secrets starts from an empty cache.
 */
import { sealData, unsealData } from "iron-session";
import { LRUCache } from "lru-cache";
import type { Clock } from "../clock";
import { ironPasswords } from "../crypto/iron-passwords";
import { isWellFormedToken } from "./token";

/** Seals are a few hundred characters; anything far larger is hostile and is not even parsed. */
export const MAX_COOKIE_LENGTH = 1024;

export interface CookieSealer {
  seal(token: string): Promise<string>;
  /** The token inside a valid seal, or null for anything tampered, expired, sealed with an unknown secret, or malformed. */
  unseal(cookieValue: string | undefined | null): Promise<string | null>;
  /**
   * `unseal`'s answer when it needs no work (a seal unsealed before, or a value refused on sight), at once;
   * undefined when only `unseal` can tell. Lets a request that carries a known cookie skip an await.
   */
  unsealKnown(cookieValue: string | undefined | null): string | null | undefined;
}

export function createCookieSealer(options: {
  /** Newest first: the first seals, all unseal. */
  secrets: string[];
  ttlS: number;
  clock: Clock;
  cacheSize?: number;
}): CookieSealer {
  if (options.secrets.length === 0) throw new Error("session: createCookieSealer needs at least one secret");
  const { seal: sealPassword, unseal: unsealPasswords } = ironPasswords(options.secrets);
  const cache = new LRUCache<string, { token: string; expiresAt: number }>({ max: options.cacheSize ?? 10_000 });

  function unsealKnown(cookieValue: string | undefined | null): string | null | undefined {
    if (!cookieValue || cookieValue.length > MAX_COOKIE_LENGTH) return null;
    const hit = cache.get(cookieValue);
    if (!hit) return undefined;
    if (options.clock() < hit.expiresAt) return hit.token;
    cache.delete(cookieValue);
    return null;
  }

  return {
    async seal(token) {
      return sealData({ t: token }, { password: sealPassword, ttl: options.ttlS });
    },
    unsealKnown,
    async unseal(cookieValue) {
      const known = unsealKnown(cookieValue);
      if (known !== undefined || !cookieValue) return known ?? null;
      const now = options.clock();
      let data: { t?: unknown };
      try {
        data = await unsealData<{ t?: unknown }>(cookieValue, { password: unsealPasswords, ttl: options.ttlS });
      } catch {
        // Untrusted input failing in an unexpected way (bad base64, wrong field count) is still just "no session".
        return null;
      }
      if (!isWellFormedToken(data.t)) return null;
      // Field 5 of an iron seal is its expiry in ms; iron already refused it if past, this bounds the cache entry.
      const expiresAt = Number(cookieValue.split("*")[5]) || now + options.ttlS * 1000;
      if (now >= expiresAt) return null;
      cache.set(cookieValue, { token: data.t, expiresAt });
      return data.t;
    },
  };
}
