/** `npm run db:migrate`: applies the committed migrations (under an advisory lock on PostgreSQL). */
import { getConfig } from "../lib/config";
import { openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { runScript } from "./run-script";

await runScript(async () => {
  const config = getConfig();
  const database = await openDatabase({ url: config.database.url, pgliteDir: config.database.pgliteDir });
  try {
    await migrateDatabase(database);
    console.log(`Migrations applied (${database.driver === "pglite" ? `PGlite at ${config.database.pgliteDir}` : "PostgreSQL"}).`);
  } finally {
    await database.close();
  }
});
