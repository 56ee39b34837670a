/**
 * Seed: the first admin and, outside production only, sample users of every role and status so the console has
 * something real to page through. Idempotent: existing emails are left alone.
 *
 * The first admin's password comes from ADMIN_PASSWORD (checked by the staff password policy). Without it, a
 * development seed generates one (printed once, kept under the data folder); a production seed creates the admin
 * with no password and prints a one-time setup link instead, so production never holds a password that was
 * printed, shared or published.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { passwordLinkUrl } from "../account/account-tokens";
import { provisionAccount, type ProvisionOutcome } from "../account/provision";
import { hashPassword } from "../auth/password";
import { users, type NewUserRow, type UserRole, type UserStatus } from "./schema";
import type { Db } from "./types";

/** Published on purpose (README, this file): development samples only, refused at sign-in in production. */
export const SAMPLE_PASSWORD = "sample-password-123";

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Linus", "Radia", "Tim", "Hedy", "John", "Katherine", "Dennis", "Sophie", "Niklaus", "Joan", "Bjarne"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Torvalds", "Perlman", "Berners-Lee", "Lamarr", "McCarthy", "Johnson", "Ritchie", "Wilson", "Wirth", "Clarke", "Stroustrup"];

export interface SeedOptions {
  adminEmail: string;
  adminPassword?: string;
  sampleUsers: number;
  dataDir: string;
  production: boolean;
  /** Lifetime of the first admin's setup link (production without ADMIN_PASSWORD). */
  setupTtlS: number;
  /** Public origin, to print the setup link as a full URL. */
  appOrigin?: string;
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedResult {
  adminCreated: boolean;
  generatedPassword?: string;
  /** Printed once; only its hash is stored. */
  setupLink?: { url: string; expiresAt: Date };
  sampleUsersCreated: number;
}

export class SeedError extends Error {
  constructor(message: string) {
    super(`seed: ${message}`);
    this.name = "SeedError";
  }
}

/** Sample users: mostly users, some support staff and admins, a few banned (always at least one). */
export function sampleUserRows(count: number, passwordHash: string, sample = true): NewUserRow[] {
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
      sample,
    });
  }
  return rows;
}

/** Inserts `count` rows of the sample shape with one password (one Argon2 run, not hundreds). Returns how many were new. */
export async function insertSampleShapedUsers(db: Db, count: number, password: string, sample: boolean): Promise<number> {
  if (count <= 0) return 0;
  const hash = await hashPassword(password);
  const rows = await db.insert(users).values(sampleUserRows(count, hash, sample)).onConflictDoNothing().returning({ id: users.id });
  return rows.length;
}

function announce(log: (line: string) => void, lines: string[]): void {
  log(["", "  ┌──────────────────────────────────────────────────────────────", ...lines.map((l) => `  │ ${l}`), "  └──────────────────────────────────────────────────────────────", ""].join("\n"));
}

export async function seedDatabase(db: Db, options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.production && options.sampleUsers > 0) {
    throw new SeedError("SEED_SAMPLE_USERS must be 0 in production: sample users share a published password. Unset it.");
  }
  const result: SeedResult = { adminCreated: false, sampleUsersCreated: 0 };
  const generatedPassword = options.adminPassword || options.production ? undefined : randomBytes(12).toString("base64url");
  const outcome: ProvisionOutcome = await provisionAccount(
    db,
    { email: options.adminEmail, name: "Administrator", role: "admin", password: options.adminPassword ?? generatedPassword },
    { setupTtlS: options.setupTtlS, now: options.now ?? new Date(), ifExists: "keep" },
  );
  if (outcome.status === "refused") {
    throw new SeedError(`${outcome.variable === "password" ? "ADMIN_PASSWORD" : "ADMIN_EMAIL"} is not accepted: ${outcome.message}`);
  }
  result.adminCreated = outcome.status === "created";
  if (outcome.setupLink) {
    const url = passwordLinkUrl(outcome.setupLink.token, options.appOrigin);
    result.setupLink = { url, expiresAt: outcome.setupLink.expiresAt };
    announce(log, [
      `Admin ${options.adminEmail} has no password yet. Set one, once, at:`,
      url,
      `(single use, valid until ${outcome.setupLink.expiresAt.toISOString()}; run \`npm run db:seed\` again for a new link)`,
    ]);
  } else if (result.adminCreated && generatedPassword) {
    result.generatedPassword = generatedPassword;
    mkdirSync(options.dataDir, { recursive: true });
    const file = path.join(options.dataDir, "admin-password.txt");
    writeFileSync(file, `${options.adminEmail}\n${generatedPassword}\n`, { mode: 0o600 });
    announce(log, [`Seeded admin: ${options.adminEmail}`, `Password:     ${generatedPassword}`, `(development only; shown once; also kept in ${file})`]);
  } else if (result.adminCreated) {
    log(`Seeded admin ${options.adminEmail} with the password from ADMIN_PASSWORD.`);
  }
  result.sampleUsersCreated = await insertSampleShapedUsers(db, options.sampleUsers, SAMPLE_PASSWORD, true);
  if (result.sampleUsersCreated > 0) log(`Seeded ${result.sampleUsersCreated} sample users (password "${SAMPLE_PASSWORD}", development only).`);
  return result;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}

/** Admins who can sign in (active, with a password): none means the deployment still needs `npm run admin:create`. */
export async function countUsableAdmins(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(sql`${users.role} = 'admin' and ${users.status} = 'active' and ${users.passwordHash} is not null and not ${users.sample}`);
  return row?.n ?? 0;
}
