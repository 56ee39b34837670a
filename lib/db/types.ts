import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

/** A drizzle database over either driver (postgres.js or PGlite); both speak the same SQL. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface PoolStats {
  driver: "postgres" | "pglite";
  max: number;
  /** Queries started and not yet finished (approximates busy connections). */
  inFlight: number;
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
  /** A cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
