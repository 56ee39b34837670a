/** What the session cache answers, and the timing rules every tier agrees on. */
import type { SessionContext } from "../session/types";

/** Longer than any fill can take (fills older than FILL_MAX_AGE_MS are dropped), so tombstones always win. */
export const TOMBSTONE_TTL_MS = 10_000;
export const FILL_MAX_AGE_MS = 5_000;

export type CacheTier = "l1" | "redis";

/** A cached context, live at the time of the read. Shared and stored as is: never mutate one. */
export interface CacheHit {
  readonly kind: "hit";
  readonly tier: CacheTier;
  readonly context: SessionContext;
}

/**
 * Permission to write back what Postgres answers for one session, taken before Postgres is read. A fill
 * with it is refused once the session has been invalidated since (tombstones), or when the ticket is too
 * old for the tombstones to vouch for.
 */
export interface FillTicket {
  readonly sessionId: string;
  /** Session time (the injected clock) of the read: the entry's TTL never outlives the session from here. */
  readonly now: number;
  /** Wall-clock ms: the fill guard measures real elapsed time, even when tests freeze session time. */
  readonly readAt: number;
  /** False when this request already found Redis unusable: a second timeout on the write-back would double its wait. */
  readonly redis: boolean;
}

/**
 * `miss`: no tier holds a live copy; `unavailable`: Redis could not be asked (error, timeout, breaker
 * open). Either way Postgres answers, and the ticket lets the answer be cached.
 */
export type CacheRead = CacheHit | { readonly kind: "miss" | "unavailable"; readonly ticket: FillTicket };
