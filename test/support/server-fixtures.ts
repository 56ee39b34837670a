/**
 * Accounts a test server starts with: a known admin and sample-shaped users with a known password. A production
 * server never seeds sample users itself (lib/config refuses SEED_SAMPLE_USERS there), so the harness writes them
 * into the server's database before it starts. They are ordinary accounts of a throwaway database, not marked as
 * samples, because the production server under test refuses marked samples at sign-in.
 */
import { provisionAccount } from "@/lib/account/provision";
import { openDatabase } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { insertSampleShapedUsers, SAMPLE_PASSWORD } from "@/lib/db/seed";

export interface Fixtures {
  adminEmail: string;
  adminPassword: string;
  /** Users of the sample shape (lib/db/seed.ts sampleUserRows), all with SAMPLE_PASSWORD. */
  users: number;
}

export async function seedFixtures(target: { url?: string; pgliteDir?: string }, fixtures: Fixtures): Promise<void> {
  const database = await openDatabase({ url: target.url, pgliteDir: target.pgliteDir, poolMax: 2 });
  try {
    await migrateDatabase(database);
    const admin = await provisionAccount(
      database.db,
      { email: fixtures.adminEmail, name: "Administrator", role: "admin", password: fixtures.adminPassword },
      { setupTtlS: 3600, now: new Date(), ifExists: "keep" },
    );
    if (admin.status === "refused") throw new Error(`fixtures: the admin was refused: ${admin.message}`);
    await insertSampleShapedUsers(database.db, fixtures.users, SAMPLE_PASSWORD, false);
  } finally {
    await database.close();
  }
}
