/**
 * The README's production setup, run as an operator would (`npm run db:migrate && npm run db:seed` with
 * NODE_ENV=production, then `npm run admin:create`), on a fresh database: no account may sign in with a password
 * that appears in the repository or in what the commands printed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPasswordWithLink } from "@/lib/account/set-password";
import { login } from "@/lib/auth/login";
import { verifyPassword } from "@/lib/auth/password";
import { accountTokens, auditEvents, users } from "@/lib/db/schema";
import { SAMPLE_PASSWORD } from "@/lib/db/seed";
import { createLoginThrottle } from "@/lib/auth/rate-limit";
import { hashSessionToken } from "@/lib/session/token";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { createScratchDatabase, probePostgres } from "./support/services";

const ROOT = path.resolve(import.meta.dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const SECRET = randomBytes(32).toString("base64url");

/** Every quoted string of password length in the tracked files: whatever the repository publishes. */
function passwordsInRepository(): Set<string> {
  const files = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !/(^|\/)package-lock\.json$|\.(png|ico|svg|jpg)$/.test(f));
  const found = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(ROOT, file), "utf8");
    } catch {
      continue;
    }
    for (const match of text.matchAll(/(["'`])([^"'`\n]{8,256})\1/g)) found.add(match[2]!);
  }
  return found;
}

/** Every whitespace-separated word of what the commands printed (a password would be printed as one). */
function wordsIn(output: string): Set<string> {
  return new Set(output.split(/\s+/).filter((w) => w.length >= 8));
}

interface Target {
  env: Record<string, string>;
  url?: string;
  drop(): Promise<void>;
}

async function freshDatabase(): Promise<Target> {
  if ((await probePostgres()).ok) {
    const scratch = await createScratchDatabase();
    return { env: { DATABASE_URL: scratch.url }, url: scratch.url, drop: scratch.drop };
  }
  // No PostgreSQL here: the same commands on a PGlite folder (production may run on either).
  const dir = mkdtempSync(path.join(os.tmpdir(), "nsi-provision-"));
  return { env: { PGLITE_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

function run(script: string, env: Record<string, string>, args: string[] = [], input?: string) {
  const result = spawnSync(TSX, [path.join("scripts", script), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input,
    timeout: 120_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      SESSION_SECRET: SECRET,
      MFA_ENCRYPTION_KEY: randomBytes(32).toString("base64url"),
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "nsi-provision-data-")),
      ...env,
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function runtimeOn(target: Target): Promise<TestRuntime> {
  // The test reads the same database the commands wrote; PGlite allows one process at a time, so commands are done.
  return createTestRuntime({ backend: target.url ? "postgres" : "pglite", databaseUrl: target.url, pgliteDir: target.env.PGLITE_DIR });
}

async function onFreshDatabase(fn: (target: Target) => Promise<void>): Promise<void> {
  const target = await freshDatabase();
  try {
    await fn(target);
  } finally {
    await target.drop();
  }
}

async function withRuntime(target: Target, fn: (runtime: TestRuntime) => Promise<void>): Promise<void> {
  const runtime = await runtimeOn(target);
  try {
    await fn(runtime);
  } finally {
    await runtime.dispose();
  }
}

async function signIn(runtime: TestRuntime, email: string, password: string) {
  const throttle = createLoginThrottle(null, { maxPerIpPerMinute: 1_000_000, maxPerAccountPer15Min: 1_000_000 });
  return login(
    { db: runtime.database.db, sessions: runtime.sessions, throttle, refuseSampleAccounts: true },
    { email, password, metadata: { ip: "127.0.0.1", userAgent: "provisioning-test" } },
  );
}

const published = passwordsInRepository();

describe("production setup from the README", () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshDatabase();
  }, 180_000);
  afterAll(async () => {
    await target?.drop();
  });

  it("creates one admin without any password and prints a one-time setup link, never a password", async () => {
    const migrate = run("db-migrate.ts", target.env);
    expect(migrate.status, migrate.output).toBe(0);
    const seed = run("db-seed.ts", { ...target.env, ADMIN_EMAIL: "ops@example.com", APP_ORIGIN: "https://console.example.com" });
    expect(seed.status, seed.output).toBe(0);
    const link = /https:\/\/console\.example\.com\/set-password\?token=([A-Za-z0-9_-]{43})/.exec(seed.output);
    expect(link, seed.output).not.toBeNull();
    const token = link![1]!;

    await withRuntime(target, async (runtime) => {
      const rows = await runtime.database.db.select({ email: users.email, role: users.role, hash: users.passwordHash, sample: users.sample }).from(users);
      expect(rows).toEqual([{ email: "ops@example.com", role: "admin", hash: null, sample: false }]);
      // Only the token's hash is stored.
      const tokens = await runtime.database.db.select({ id: accountTokens.id, usedAt: accountTokens.usedAt }).from(accountTokens);
      expect(tokens).toEqual([{ id: hashSessionToken(token), usedAt: null }]);
      expect(JSON.stringify(tokens)).not.toContain(token);

      // Nothing published or printed signs anyone in (the account has no password at all yet).
      for (const candidate of [SAMPLE_PASSWORD, token, ...wordsIn(seed.output)]) {
        expect((await signIn(runtime, "ops@example.com", candidate)).ok).toBe(false);
      }

      // The link sets a password that passes the staff policy, once.
      const metadata = { ip: "127.0.0.1", userAgent: "provisioning-test" };
      const weak = await setPasswordWithLink(runtime, { token, purposes: ["setup"], password: "password12345678" }, metadata);
      expect(weak).toMatchObject({ ok: false, code: "WEAK_PASSWORD" });
      const chosen = `${randomBytes(9).toString("base64url")} chosen by the operator`;
      const set = await setPasswordWithLink(runtime, { token, purposes: ["setup"], password: chosen }, metadata);
      expect(set.ok).toBe(true);
      expect(await runtime.sessions.validateSessionWithCache((set as { value: { token: string } }).value.token)).not.toBeNull();
      const again = await setPasswordWithLink(runtime, { token, purposes: ["setup"], password: `${chosen} again` }, metadata);
      expect(again).toMatchObject({ ok: false, code: "LINK_INVALID" });
      expect((await signIn(runtime, "ops@example.com", chosen)).ok).toBe(true);
      const audited = await runtime.database.db.select({ action: auditEvents.action }).from(auditEvents);
      expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(["user.create", "auth.password_set", "auth.login"]));
    });
  });

  it("issues a fresh link on a second seed while the admin still has no password, and the old link stops working", async () => {
    await onFreshDatabase(async (fresh) => {
      const first = run("db-seed.ts", { ...fresh.env, ADMIN_EMAIL: "ops@example.com" });
      const second = run("db-seed.ts", { ...fresh.env, ADMIN_EMAIL: "ops@example.com" });
      expect(first.status, first.output).toBe(0);
      expect(second.status, second.output).toBe(0);
      const [oldToken, newToken] = [first, second].map((r) => /\/set-password\?token=([A-Za-z0-9_-]{43})/.exec(r.output)![1]!);
      expect(newToken).not.toBe(oldToken);
      await withRuntime(fresh, async (runtime) => {
        const metadata = { ip: null, userAgent: null };
        const password = `${randomBytes(9).toString("base64url")} second link`;
        expect(await setPasswordWithLink(runtime, { token: oldToken!, purposes: ["setup"], password }, metadata)).toMatchObject({ ok: false, code: "LINK_INVALID" });
        expect((await setPasswordWithLink(runtime, { token: newToken!, purposes: ["setup"], password }, metadata)).ok).toBe(true);
      });
    });
  });

  it("takes the admin's password from ADMIN_PASSWORD, never prints it, and nothing published signs in", async () => {
    await onFreshDatabase(async (fresh) => {
      const adminPassword = `${randomBytes(12).toString("base64url")}-operator-chosen`;
      const seed = run("db-seed.ts", { ...fresh.env, ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: adminPassword });
      expect(seed.status, seed.output).toBe(0);
      expect(seed.output).not.toContain(adminPassword);
      expect(published.has(adminPassword)).toBe(false);
      await withRuntime(fresh, async (runtime) => {
        const rows = await runtime.database.db.select({ email: users.email, hash: users.passwordHash }).from(users);
        expect(rows.map((r) => r.email)).toEqual(["root@example.com"]);
        // The one stored password is the operator's: Argon2 accepts it, so it accepts no published or printed string.
        expect(await verifyPassword(rows[0]!.hash, adminPassword)).toBe(true);
        expect([...published, ...wordsIn(seed.output)].includes(adminPassword)).toBe(false);
        for (const candidate of [SAMPLE_PASSWORD, ...wordsIn(seed.output)]) {
          expect((await signIn(runtime, "root@example.com", candidate)).ok).toBe(false);
        }
        expect((await signIn(runtime, "root@example.com", adminPassword)).ok).toBe(true);
      });
    });
  });

  it("refuses sample users in production, naming SEED_SAMPLE_USERS, and creates nothing", async () => {
    await onFreshDatabase(async (fresh) => {
      const seed = run("db-seed.ts", { ...fresh.env, SEED_SAMPLE_USERS: "10", ADMIN_PASSWORD: `${randomBytes(12).toString("base64url")}-x` });
      expect(seed.status).toBe(1);
      expect(seed.output).toMatch(/SEED_SAMPLE_USERS=10 is not allowed in production/);
      expect(seed.output).not.toMatch(/\n\s+at /); // an operator's error, not a stack trace
      expect(run("db-migrate.ts", fresh.env).status).toBe(0);
      await withRuntime(fresh, async (runtime) => {
        expect(await runtime.database.db.select({ id: users.id }).from(users)).toEqual([]);
      });
    });
  });

  it("refuses a weak ADMIN_PASSWORD, naming the variable, and creates no admin", async () => {
    await onFreshDatabase(async (fresh) => {
      const seed = run("db-seed.ts", { ...fresh.env, ADMIN_PASSWORD: "password12345678" });
      expect(seed.status).toBe(1);
      expect(seed.output).toMatch(/ADMIN_PASSWORD is not accepted: .*common/);
      await withRuntime(fresh, async (runtime) => {
        expect(await runtime.database.db.select({ id: users.id }).from(users)).toEqual([]);
      });
    });
  });
});

describe("npm run admin:create", () => {
  let target: Target;
  beforeAll(async () => {
    target = await freshDatabase();
  }, 180_000);
  afterAll(async () => {
    await target?.drop();
  });

  it("refuses a weak piped password and creates nothing", () => {
    const weak = run("admin-create.ts", target.env, ["--email", "lead@example.com", "--name", "Support Lead", "--role", "support", "--password-stdin"], "short-one\n");
    expect(weak.status).toBe(1);
    expect(weak.output).toMatch(/at least 15 characters for staff/);
  });

  it("creates a staff account with a strong piped password, which then signs in", async () => {
    const password = `${randomBytes(12).toString("base64url")} support lead`;
    const created = run("admin-create.ts", target.env, ["--email", "Lead@Example.com", "--name", "Support Lead", "--role", "support", "--password-stdin"], `${password}\n`);
    expect(created.status, created.output).toBe(0);
    expect(created.output).not.toContain(password);
    const again = run("admin-create.ts", target.env, ["--email", "lead@example.com", "--name", "Twin", "--password-stdin"], `${password}\n`);
    expect(again.status).toBe(1);
    expect(again.output).toMatch(/exists already/);
    const link = run("admin-create.ts", target.env, ["--email", "second@example.com", "--name", "Second Admin", "--setup-link"]);
    expect(link.status, link.output).toBe(0);
    expect(link.output).toMatch(/\/set-password\?token=[A-Za-z0-9_-]{43}/);
    await withRuntime(target, async (runtime) => {
      const rows = await runtime.database.db.select({ email: users.email, role: users.role, hasPassword: users.passwordHash }).from(users);
      expect(rows.map((r) => [r.email, r.role, r.hasPassword !== null]).sort()).toEqual([
        ["lead@example.com", "support", true],
        ["second@example.com", "admin", false],
      ]);
      expect((await signIn(runtime, "lead@example.com", password)).ok).toBe(true);
    });
  });

  it("answers a usage error without a stack trace", () => {
    const bad = run("admin-create.ts", target.env, ["--email", "x@example.com"]);
    expect(bad.status).toBe(1);
    expect(bad.output).toMatch(/usage: npm run admin:create/);
    expect(bad.output).not.toMatch(/\n\s+at /);
  });
});
