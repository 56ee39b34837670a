import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

/** A drizzle database over either driver (postgres.js or PGlite); both speak the same SQL. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface PoolStats {
  driver: "postgres" | "pglite";
  max: number;
  /** Queries and transactions started and not yet settled (measured at the call site). */
  inFlight: number;
  /** In-flight work beyond the pool size, i.e. queued behind busy connections. */
  waiting: number;
  /** Highest inFlight seen since start. */
  peakInFlight: number;
  /** Queries issued through drizzle since start. */
  queries: number;
}

export interface Database {
  db: Db;
  driver: "postgres" | "pglite";
  /** Count of queries issued through drizzle; used by tests and benchmarks to prove "zero queries on a hit". */
  queryCount(): number;
  poolStats(): PoolStats;
  /**
   * Runs `fn` on one dedicated connection while holding the session-level advisory lock `key`
   * (on PGlite, with its single connection, simply runs it).
   */
  withAdvisoryLock<T>(key: number, fn: (db: Db) => Promise<T>): Promise<T>;
  /**
   * The hot path's read, below drizzle: a prepared statement (where the driver prepares) whose rows come
   * back as arrays of driver values. Timestamps may be `Date` (PGlite) or text (postgres.js, whose date
   * parsing drizzle turns off). Counted in queryCount like drizzle's queries.
   */
  queryArrays(text: string, params: unknown[]): Promise<unknown[][]>;
  /** A cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
