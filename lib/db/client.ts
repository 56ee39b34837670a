/**
 * One client module: postgres.js when a DATABASE_URL is given, embedded PGlite otherwise.
 * Both are wrapped in drizzle with a logger that counts queries (tests assert "zero queries on a cache hit").
 */
import { mkdirSync } from "node:fs";
import type { Logger } from "drizzle-orm/logger";
import * as schema from "./schema";
import { acquirePgliteLock } from "./pglite-lock";
import { PoolGuard } from "./pool-guard";
import { MigrationNeedsDirectConnectionError, PreparedStatementsUnsupportedError, probePooler } from "./pooler-probe";
import type { Database, Db } from "./types";

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** Direct connection for `withAdvisoryLock` (migrations); default `url`. */
  migrationUrl?: string;
  /**
   * Named prepared statements (default true). False for a transaction-mode pooler without prepared-statement
   * support; with true, opening fails with PreparedStatementsUnsupportedError when such a pooler is detected.
   */
  prepare?: boolean;
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
  const prepare = options.prepare ?? true;
  // Refuse to start rather than fail requests at random: behind such a pooler every transaction that
  // reuses a statement prepared on another server connection errors. An unreachable server proves
  // nothing here; the pool connects lazily and readiness reports it.
  const verdict = await probePooler(url, Math.min(options.connectTimeoutS ?? 5, 3)).catch(() => null);
  if (prepare && verdict === "transaction-drops-prepared") {
    throw new PreparedStatementsUnsupportedError();
  }
  const statementTimeoutMs = options.statementTimeoutMs ?? 0;
  // Past the server-side statement timeout, a query still unanswered is stuck in the queue: cancel it.
  const guard = new PoolGuard({ deadlineMs: statementTimeoutMs > 0 ? statementTimeoutMs + 1000 : 30_000 });
  const raw = postgres(url, {
    max,
    prepare,
    connect_timeout: options.connectTimeoutS ?? 5,
    idle_timeout: options.idleTimeoutS ?? 20,
    // Seconds between reconnect attempts: capped at 1 s (the default grows to 20 s), so the pool is back
    // within a second of Postgres.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    onnotice: () => {},
    connection: {
      application_name: "next-session-impersonation",
      // A hung query must not hold a request forever; the caller turns the error into a 503.
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  // drizzle reaches postgres.js only through `unsafe` (queries) and `begin` (transactions).
  const client = new Proxy(raw, {
    get(target, prop, receiver) {
      if (prop === "unsafe") return (...args: Parameters<typeof raw.unsafe>) => guard.guardQuery(target.unsafe(...args));
      if (prop === "begin") return (...args: unknown[]) => guard.guardWork(() => (target.begin as (...a: unknown[]) => Promise<unknown>)(...args));
      return Reflect.get(target, prop, receiver);
    },
  });
  const logger = new CountingLogger();
  const db = drizzle(client, { schema, logger }) as unknown as Db;
  return {
    db,
    driver: "postgres",
    queryCount: () => logger.count,
    poolStats: () => ({
      driver: "postgres",
      max,
      inFlight: guard.inFlight,
      // postgres.js pipelines extra queries onto busy connections: beyond `max` they wait behind others.
      waiting: Math.max(0, guard.inFlight - max),
      peakInFlight: guard.peakInFlight,
      queries: logger.count,
    }),
    async withAdvisoryLock(key, fn) {
      // A separate one-connection client: every statement (lock, migrations in their transaction, unlock)
      // runs on the same session, which a session-level advisory lock needs.
      // A session-level lock needs one server session: through a transaction pooler it could be taken on
      // one server connection and released on another (held forever), so that case needs the direct URL.
      if (!options.migrationUrl && verdict?.startsWith("transaction")) throw new MigrationNeedsDirectConnectionError();
      const single = postgres(options.migrationUrl ?? url, { max: 1, prepare, connect_timeout: options.connectTimeoutS ?? 5, onnotice: () => {} });
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
    queryArrays(text, params) {
      logger.count++;
      return guard.guardQuery(raw.unsafe(text, params as never[], { prepare }).values()) as Promise<unknown[][]>;
    },
    async ping() {
      await guard.guardQuery(raw`select 1`);
    },
    close() {
      guard.dispose();
      return raw.end({ timeout: 5 });
    },
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
    // One in-process connection, no pool: PGlite runs one query at a time.
    poolStats: () => ({ driver: "pglite", max: 1, inFlight: 0, waiting: 0, peakInFlight: 0, queries: logger.count }),
    withAdvisoryLock: (_key, fn) => fn(db),
    async queryArrays(text, params) {
      logger.count++;
      return (await client.query<unknown[]>(text, params, { rowMode: "array" })).rows;
    },
    async ping() {
      await client.query("select 1");
    },
    async close() {
      await client.close();
      release();
    },
  };
}
