/** Development sample accounts: marked in the data and the console, and never a way in on a production server. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { login } from "@/lib/auth/login";
import { createLoginThrottle } from "@/lib/auth/rate-limit";
import { auditEvents, users } from "@/lib/db/schema";
import { insertSampleShapedUsers, SAMPLE_PASSWORD, sampleUserRows, seedDatabase } from "@/lib/db/seed";
import { listUsers } from "@/lib/users/users";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { mkdtempSync } from "node:fs";
import os from "node:os";

const throttle = createLoginThrottle(null, { maxPerIpPerMinute: 1000, maxPerAccountPer15Min: 1000 });
const metadata = { ip: "127.0.0.1", userAgent: "sample-test" };

describe("sample accounts", () => {
  let runtime: TestRuntime | undefined;
  afterEach(async () => {
    await runtime?.dispose();
    runtime = undefined;
  });

  it("are marked as samples by the development seed and listed as such", async () => {
    runtime = await createTestRuntime({ backend: "pglite" });
    await seedDatabase(runtime.database.db, {
      adminEmail: "admin@example.com",
      sampleUsers: 12,
      dataDir: mkdtempSync(path.join(os.tmpdir(), "nsi-sample-")),
      production: false,
      setupTtlS: 3600,
      log: () => {},
    });
    const { items } = await listUsers(runtime.database.db, { pageSize: 100 });
    const byEmail = new Map(items.map((u) => [u.email, u.sample]));
    expect(byEmail.get("admin@example.com")).toBe(false);
    for (const row of sampleUserRows(12, "")) expect(byEmail.get(row.email)).toBe(true);
  });

  it("refuses to seed samples for production even when called directly", async () => {
    runtime = await createTestRuntime({ backend: "pglite" });
    await expect(
      seedDatabase(runtime.database.db, { adminEmail: "admin@example.com", adminPassword: "a long operator passphrase", sampleUsers: 1, dataDir: "/nonexistent", production: true, setupTtlS: 3600, log: () => {} }),
    ).rejects.toThrow(/SEED_SAMPLE_USERS/);
    expect(await runtime.database.db.select({ id: users.id }).from(users)).toEqual([]);
  });

  it("sign in outside production but are refused in production, with the cause audited", async () => {
    runtime = await createTestRuntime({ backend: "pglite" });
    await insertSampleShapedUsers(runtime.database.db, 1, SAMPLE_PASSWORD, true);
    const email = sampleUserRows(1, "")[0]!.email;
    const deps = { db: runtime.database.db, sessions: runtime.sessions, throttle };
    expect((await login({ ...deps, refuseSampleAccounts: false }, { email, password: SAMPLE_PASSWORD, metadata })).ok).toBe(true);
    const refused = await login({ ...deps, refuseSampleAccounts: true }, { email, password: SAMPLE_PASSWORD, metadata });
    expect(refused).toMatchObject({ ok: false, code: "INVALID_CREDENTIALS" });
    const [failure] = await runtime.database.db.select({ metadata: auditEvents.metadata }).from(auditEvents).where(eq(auditEvents.action, "auth.login_failed"));
    expect(failure?.metadata).toEqual({ cause: "sample_account" });
  });

  it("left behind by an earlier seed are marked by the migration, and real accounts are not", async () => {
    runtime = await createTestRuntime({ backend: "pglite" });
    // As an older seed wrote them: the sample email shape, no mark.
    await insertSampleShapedUsers(runtime.database.db, 3, SAMPLE_PASSWORD, false);
    await runtime.database.db.insert(users).values([
      { email: "ada.lovelace@example.com", name: "Real Ada", passwordHash: null },
      { email: "grace.hopper.7@navy.mil", name: "Real Grace", passwordHash: null },
    ]);
    const migration = readFileSync(path.join(import.meta.dirname, "..", "drizzle", "0003_mark_sample_accounts.sql"), "utf8");
    await runtime.database.db.execute(migration);
    const rows = await runtime.database.db.select({ email: users.email, sample: users.sample }).from(users);
    const marked = rows.filter((r) => r.sample).map((r) => r.email).sort();
    expect(marked).toEqual(sampleUserRows(3, "").map((r) => r.email).sort());
  });
});
