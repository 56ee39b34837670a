/** `npm run db:migrate`: applies the committed migrations (under an advisory lock on PostgreSQL). */
import { getConfig } from "../lib/config";
import { openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { runScript } from "./run-script";

await runScript(async () => {
  const config = getConfig();
  // The direct connection when one is given: the advisory lock needs one server session (not a transaction pooler).
  const database = await openDatabase({
    url: config.database.migrationUrl ?? config.database.url,
    prepare: config.database.prepare,
    pgliteDir: config.database.pgliteDir,
  });
  try {
    await migrateDatabase(database);
    console.log(`Migrations applied (${database.driver === "pglite" ? `PGlite at ${config.database.pgliteDir}` : "PostgreSQL"}).`);
  } finally {
    await database.close();
  }
});
