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

export interface ResetLimits {
  maxPerIpPerHour: number;
  maxPerAccountPerHour: number;
}

export interface ResetThrottle {
  /** Counts a forgot-password request from this address; answers seconds to wait when over budget, else 0. */
  takeFromIp(ip: string): Promise<number>;
  /** Counts a reset mail for this account; false when its budget is spent (no mail goes out). */
  takeFromAccount(email: string): Promise<boolean>;
}

/** Spends one point; seconds until the next is available when none was left (0: taken). A store failure allows. */
async function take(l: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await l.consume(key);
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    return 0;
  }
}

/**
 * Forgot-password requests, counting every request (not only failures: each one may send a mail):
 *  - per IP: one address cannot flood the mail queue or probe many accounts;
 *  - per account, wherever the requests come from: nobody can bury an inbox in reset mail. Running out of
 *    it answers exactly like success (the caller sends no mail), so it reveals nothing about the account.
 */
export function createResetThrottle(redis: RedisClient | null, limits: ResetLimits): ResetThrottle {
  const perIp = limiter(redis, "reset_ip", limits.maxPerIpPerHour, 3600);
  const perAccount = limiter(redis, "reset_acct", limits.maxPerAccountPerHour, 3600);
  return {
    takeFromIp: (ip) => take(perIp, ip),
    takeFromAccount: async (email) => (await take(perAccount, email.toLowerCase())) === 0,
  };
}
