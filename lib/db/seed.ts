/**
 * Seed: one admin from ADMIN_EMAIL / ADMIN_PASSWORD (a generated password when none is given, printed once
 * and kept under the data folder), and sample users of every role and status so the console has something
 * real to page through. Idempotent: existing emails are left alone.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import { users, type NewUserRow, type UserRole, type UserStatus } from "./schema";
import type { Db } from "./types";

export const SAMPLE_PASSWORD = "sample-password-123";

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Linus", "Radia", "Tim", "Hedy", "John", "Katherine", "Dennis", "Sophie", "Niklaus", "Joan", "Bjarne"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Torvalds", "Perlman", "Berners-Lee", "Lamarr", "McCarthy", "Johnson", "Ritchie", "Wilson", "Wirth", "Clarke", "Stroustrup"];

export interface SeedOptions {
  adminEmail: string;
  adminPassword?: string;
  sampleUsers: number;
  dataDir: string;
  log?: (line: string) => void;
}

export interface SeedResult {
  adminCreated: boolean;
  generatedPassword?: string;
  sampleUsersCreated: number;
}

/** Sample users: mostly users, some support staff and admins, a few banned (always at least one). */
export function sampleUserRows(count: number, passwordHash: string): NewUserRow[] {
  const rows: NewUserRow[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const role: UserRole = i % 40 === 3 ? "admin" : i % 12 === 5 ? "support" : "user";
    const status: UserStatus = i === 7 || (i % 37 === 11 && role === "user") ? "banned" : "active";
    rows.push({
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      name: `${first} ${last}${i >= FIRST.length * LAST.length ? ` ${i}` : ""}`,
      role: i === 7 ? "user" : role,
      status,
      passwordHash,
    });
  }
  return rows;
}

export async function seedDatabase(db: Db, options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const result: SeedResult = { adminCreated: false, sampleUsersCreated: 0 };
  const generatedPassword = options.adminPassword ? undefined : randomBytes(12).toString("base64url");
  const adminPassword = options.adminPassword ?? generatedPassword!;
  const inserted = await db
    .insert(users)
    .values({ email: options.adminEmail, name: "Administrator", role: "admin", status: "active", passwordHash: await hashPassword(adminPassword) })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (inserted.length > 0) {
    result.adminCreated = true;
    if (generatedPassword) {
      result.generatedPassword = generatedPassword;
      mkdirSync(options.dataDir, { recursive: true });
      const file = path.join(options.dataDir, "admin-password.txt");
      writeFileSync(file, `${options.adminEmail}\n${generatedPassword}\n`, { mode: 0o600 });
      log(
        [
          "",
          "  ┌──────────────────────────────────────────────────────────────",
          `  │ Seeded admin: ${options.adminEmail}`,
          `  │ Password:     ${generatedPassword}`,
          `  │ (shown once; also kept in ${file})`,
          "  └──────────────────────────────────────────────────────────────",
          "",
        ].join("\n"),
      );
    } else {
      log(`Seeded admin ${options.adminEmail} with the password from ADMIN_PASSWORD.`);
    }
  }
  if (options.sampleUsers > 0) {
    // One shared hash keeps seeding fast (one Argon2 run, not hundreds); these accounts are samples.
    const hash = await hashPassword(SAMPLE_PASSWORD);
    const rows = await db.insert(users).values(sampleUserRows(options.sampleUsers, hash)).onConflictDoNothing().returning({ id: users.id });
    result.sampleUsersCreated = rows.length;
    if (rows.length > 0) log(`Seeded ${rows.length} sample users (password "${SAMPLE_PASSWORD}").`);
  }
  return result;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}
