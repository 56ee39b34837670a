/**
 * One client module: postgres.js when a DATABASE_URL is given, embedded PGlite otherwise.
 * Both are wrapped in drizzle with a logger that counts queries (tests assert "zero queries on a cache hit").
 */
import { mkdirSync } from "node:fs";
import type { Logger } from "drizzle-orm/logger";
import * as schema from "./schema";
import { acquirePgliteLock } from "./pglite-lock";
import type { Database, Db } from "./types";

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data folder; `null` for an in-memory database (tests). */
  pgliteDir?: string | null;
  poolMax?: number;
  connectTimeoutS?: number;
  idleTimeoutS?: number;
  statementTimeoutMs?: number;
}

class CountingLogger implements Logger {
  count = 0;
  logQuery(): void {
    this.count++;
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.pgliteDir ?? null);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const max = options.poolMax ?? 10;
  let inFlight = 0;
  const client = postgres(url, {
    max,
    connect_timeout: options.connectTimeoutS ?? 5,
    idle_timeout: options.idleTimeoutS ?? 20,
    onnotice: () => {},
    connection: {
      application_name: "next-session-impersonation",
      // A hung query must not hold a request forever; the caller turns the error into a 503.
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  const logger = new CountingLogger();
  const db = drizzle(client, { schema, logger }) as unknown as Db;
  return {
    db,
    driver: "postgres",
    queryCount: () => logger.count,
    poolStats: () => ({ driver: "postgres", max, inFlight, queries: logger.count }),
    async withAdvisoryLock(key, fn) {
      // A separate one-connection client: every statement (lock, migrations in their transaction, unlock)
      // runs on the same session, which a session-level advisory lock needs.
      const single = postgres(url, { max: 1, connect_timeout: options.connectTimeoutS ?? 5, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${key})`;
        try {
          return await fn(drizzle(single, { schema, logger }) as unknown as Db);
        } finally {
          await single`select pg_advisory_unlock(${key})`;
        }
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async ping() {
      inFlight++;
      try {
        await client`select 1`;
      } finally {
        inFlight--;
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string | null): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let release = () => {};
  if (dataDir) {
    release = acquirePgliteLock(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  let client;
  try {
    client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (error) {
    release();
    throw error;
  }
  const logger = new CountingLogger();
  const db = drizzle(client, { schema, logger }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    queryCount: () => logger.count,
    poolStats: () => ({ driver: "pglite", max: 1, inFlight: 0, queries: logger.count }),
    withAdvisoryLock: (_key, fn) => fn(db),
    async ping() {
      await client.query("select 1");
    },
    async close() {
      await client.close();
      release();
    },
  };
}
