/**
 * Login throttling with rate-limiter-flexible. Shared through Redis when there is one; an in-memory
 * limiter insures every call, so a Redis outage degrades to per-instance limits instead of failing logins.
 *
 * Two limits, both counting failures only:
 *  - per IP: a burst of failures from one address is stopped for a minute;
 *  - per account *and* IP: guessing one account is slowed, yet an attacker elsewhere cannot lock the real
 *    owner out (the owner's address has its own budget), and every block ends by itself (no permanent lock).
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisClient } from "../cache/redis-client";

export interface LoginLimits {
  maxPerIpPerMinute: number;
  maxPerAccountPer15Min: number;
}

export interface LoginThrottle {
  /** Seconds to wait before another attempt, or 0 when allowed. */
  retryAfter(ip: string, email: string): Promise<number>;
  recordFailure(ip: string, email: string): Promise<void>;
  recordSuccess(ip: string, email: string): Promise<void>;
}

function limiter(redis: RedisClient | null, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `rl:${keyPrefix}`,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/** Seconds until `key` may try again (0: allowed). A store failure must not lock anyone out. */
async function wait(l: RateLimiterAbstract, key: string, points: number): Promise<number> {
  try {
    const res = await l.get(key);
    if (res && res.consumedPoints >= points) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  } catch {
    // store failure: allowed
  }
  return 0;
}

async function consume(l: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) return; // store failure: insurance already tried
  }
}

export function createLoginThrottle(redis: RedisClient | null, limits: LoginLimits): LoginThrottle {
  const perIp = limiter(redis, "login_ip", limits.maxPerIpPerMinute, 60);
  const perAccount = limiter(redis, "login_acct", limits.maxPerAccountPer15Min, 15 * 60);
  const accountKey = (ip: string, email: string) => `${email.toLowerCase()}|${ip}`;

  return {
    async retryAfter(ip, email) {
      const [a, b] = await Promise.all([
        wait(perIp, ip, limits.maxPerIpPerMinute),
        wait(perAccount, accountKey(ip, email), limits.maxPerAccountPer15Min),
      ]);
      return Math.max(a, b);
    },
    async recordFailure(ip, email) {
      await Promise.all([consume(perIp, ip), consume(perAccount, accountKey(ip, email))]);
    },
    async recordSuccess(ip, email) {
      try {
        await perAccount.delete(accountKey(ip, email));
      } catch {
        // Nothing to reset is fine.
      }
    },
  };
}

export interface FactorThrottle {
  /** Seconds before another second-factor attempt for this account, or 0. */
  retryAfter(userId: string): Promise<number>;
  recordFailure(userId: string): Promise<void>;
}

/**
 * Second-factor guesses per account, wherever they come from: a six-digit code has a million values, so the
 * budget is small and not split by address (whoever reaches this step already knows the password).
 */
export function createFactorThrottle(redis: RedisClient | null, maxPer15Min: number): FactorThrottle {
  const perAccount = limiter(redis, "mfa_acct", maxPer15Min, 15 * 60);
  return {
    retryAfter: (userId) => wait(perAccount, userId, maxPer15Min),
    recordFailure: (userId) => consume(perAccount, userId),
  };
}
