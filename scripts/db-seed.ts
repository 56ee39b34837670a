/** `npm run db:seed`: migrates, then seeds the admin and sample users (idempotent). */
import { getConfig } from "../lib/config";
import { openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { seedDatabase } from "../lib/db/seed";

const config = getConfig();
const database = await openDatabase({ url: config.database.url, pgliteDir: config.database.pgliteDir });
try {
  await migrateDatabase(database);
  const result = await seedDatabase(database.db, {
    adminEmail: config.seed.adminEmail,
    adminPassword: config.seed.adminPassword,
    sampleUsers: config.seed.sampleUsers,
    dataDir: config.dataDir,
  });
  if (!result.adminCreated && result.sampleUsersCreated === 0) console.log("Nothing to seed: the admin and sample users exist already.");
} finally {
  await database.close();
}
