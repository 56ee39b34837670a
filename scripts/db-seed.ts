/** `npm run db:seed`: migrates, then seeds the first admin (and, outside production, sample users). Idempotent. */
import { getConfig } from "../lib/config";
import { openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { seedDatabase } from "../lib/db/seed";
import { seedOptionsFrom } from "../lib/startup";
import { runScript } from "./run-script";

await runScript(async () => {
  const config = getConfig();
  const database = await openDatabase({ url: config.database.url, pgliteDir: config.database.pgliteDir });
  try {
    await migrateDatabase(database);
    const result = await seedDatabase(database.db, seedOptionsFrom(config));
    if (!result.adminCreated && !result.setupLink && result.sampleUsersCreated === 0) console.log("Nothing to seed: the admin and sample users exist already.");
  } finally {
    await database.close();
  }
});
