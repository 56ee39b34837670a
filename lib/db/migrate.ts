/**
 * Applies the committed drizzle-kit migrations. Several instances may start at once, so on PostgreSQL
 * the work runs under a session-level advisory lock: the first applies, the others wait and find nothing to do.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf } from "./rows";
import type { Database } from "./types";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");
const MIGRATION_LOCK_KEY = 7_303_913_001; // any constant shared by every instance of this app

export async function migrateDatabase(database: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  const { migrate } =
    database.driver === "pglite" ? await import("drizzle-orm/pglite/migrator") : await import("drizzle-orm/postgres-js/migrator");
  // Session-level lock on one reserved connection: if this process dies mid-way, the lock dies with its connection.
  await database.withAdvisoryLock(MIGRATION_LOCK_KEY, (db) => migrate(db as never, { migrationsFolder }));
}

/** Number of migrations in the committed journal. */
export function expectedMigrationCount(migrationsFolder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** True when every committed migration has been applied (readiness check). */
export async function isFullyMigrated(database: Database): Promise<boolean> {
  try {
    const result = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const rows = rowsOf<{ n: number }>(result);
    return (rows[0]?.n ?? 0) >= expectedMigrationCount();
  } catch {
    return false;
  }
}
