/**
 * Through a real PgBouncer (Debian's package) in transaction mode in front of a private PostgreSQL cluster:
 * the pooler probe tells it from a direct connection, DB_PREPARE=true refuses to start behind it with a named
 * error, and with DB_PREPARE=false (migrations on DATABASE_MIGRATION_URL) the whole session flow works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { openDatabase } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { probePooler } from "@/lib/db/pooler-probe";
import { startNextServer, type NextServer } from "../support/next-server";
import { PrivatePostgres, probePrivatePostgres } from "../support/private-postgres";
import { ADMIN_EMAIL, ADMIN_PASSWORD, COOKIE_NAME, FAULTS_DIST_DIR, SAMPLE_PASSWORD } from "../faults/support/stack";
import { login, request, sessionCookieFrom } from "../faults/support/http";
import { probePgBouncer, PrivatePgBouncer } from "./support/pgbouncer";

const available = probePrivatePostgres().ok && probePgBouncer().ok;

describe.skipIf(!available)("behind PgBouncer in transaction mode", () => {
  let pg: PrivatePostgres;
  let bouncer: PrivatePgBouncer;
  let sessionBouncer: PrivatePgBouncer;

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    await pg.createDatabase("app");
    bouncer = await PrivatePgBouncer.start(pg.port, { poolMode: "transaction" });
    sessionBouncer = await PrivatePgBouncer.start(pg.port, { poolMode: "session" });
  });

  afterAll(async () => {
    await bouncer?.stop();
    await sessionBouncer?.stop();
    await pg?.destroy();
  });

  it("the pooler probe tells a transaction-mode PgBouncer from a direct connection and a session-mode pooler", async () => {
    expect(await probePooler(pg.urlFor("app"))).toBe("session");
    expect(await probePooler(sessionBouncer.urlFor("app"))).toBe("session");
    expect(await probePooler(bouncer.urlFor("app"))).toBe("transaction-drops-prepared");
  });

  it("a prepared statement reused in a later transaction fails through the transaction pooler (why DB_PREPARE exists)", async () => {
    // Two clients, so the second holds the server connection the first prepared on.
    const a = postgres(bouncer.urlFor("app"), { max: 1, prepare: true, onnotice: () => {} });
    const b = postgres(bouncer.urlFor("app"), { max: 1, prepare: false, onnotice: () => {} });
    try {
      let failures = 0;
      for (let round = 0; round < 5; round++) {
        await a`select pg_backend_pid() as pid`;
        let release = () => {};
        const held = new Promise<void>((r) => (release = r));
        const pinned = new Promise<void>((r) => void b.begin(async (tx) => (await tx`select 1`, r(), await held)));
        await pinned;
        await a.begin((tx) => tx`select pg_backend_pid() as pid`).catch(() => failures++);
        release();
      }
      expect(failures).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.end({ timeout: 1 }), b.end({ timeout: 1 })]);
    }
  });

  it("opening the database with DB_PREPARE=true through the transaction pooler fails at startup with DB_PREPARE_UNSUPPORTED; false opens", async () => {
    const refused = await openDatabase({ url: bouncer.urlFor("app"), prepare: true }).catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe("DB_PREPARE_UNSUPPORTED");
    expect((refused as Error).message).toMatch(/DB_PREPARE=false/);
    const opened = await openDatabase({ url: bouncer.urlFor("app"), prepare: false });
    await opened.ping();
    await opened.close();
    // A direct connection keeps the default.
    const direct = await openDatabase({ url: pg.urlFor("app"), prepare: true });
    await direct.close();
  });

  it("migrations through the transaction pooler are refused without DATABASE_MIGRATION_URL and run with it", async () => {
    const pooled = await openDatabase({ url: bouncer.urlFor("app"), prepare: false });
    try {
      const refused = await migrateDatabase(pooled).catch((e: unknown) => e);
      expect((refused as { code?: string }).code).toBe("DB_MIGRATION_URL_REQUIRED");
    } finally {
      await pooled.close();
    }
    const withDirect = await openDatabase({ url: bouncer.urlFor("app"), migrationUrl: pg.urlFor("app"), prepare: false });
    try {
      await migrateDatabase(withDirect);
      const rows = await withDirect.queryArrays("select count(*)::int from drizzle.__drizzle_migrations", []);
      expect(Number(rows[0]![0])).toBeGreaterThan(0);
    } finally {
      await withDirect.close();
    }
  });

  describe("a next start server on the pooler", () => {
    let server: NextServer | undefined;
    const env = () => ({
      DATABASE_URL: bouncer.urlFor("app"),
      DATABASE_MIGRATION_URL: pg.urlFor("app"),
      DB_PREPARE: "false",
      LOGIN_MAX_PER_IP_PER_MINUTE: "10000",
      LOG_LEVEL: "info",
    });

    const fixtures = { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, users: 10 };

    afterAll(async () => {
      await server?.stop();
    });

    it("with DB_PREPARE=true the server refuses to start: it exits 1 with a message naming DB_PREPARE, never answering a request", async () => {
      const refused = await startNextServer({ distDir: FAULTS_DIST_DIR, env: { ...env(), DB_PREPARE: "true" }, fixtures, readyPath: "/api/health/live", timeoutMs: 60_000 }).then(
        async (s) => (await s.stop(), null),
        (error: unknown) => error as Error,
      );
      expect(refused?.message).toMatch(/next start exited early \(1\)/);
      expect(refused?.message).toMatch(/startup: DB_PREPARE=true, but DATABASE_URL goes through a transaction-mode pooler/);
      expect(refused?.message).toMatch(/Set DB_PREPARE=false/);
    });

    it("with DB_PREPARE=false login, validation, impersonation start/stop and revocation all work through the pooler", async () => {
      server = await startNextServer({ distDir: FAULTS_DIST_DIR, env: env(), fixtures, readyPath: "/api/health/ready", timeoutMs: 120_000 });
      const admin = await login(server.url, ADMIN_EMAIL, ADMIN_PASSWORD, COOKIE_NAME);
      const me = await request(server.url, "/api/auth/user", { cookie: admin });
      expect(me.status).toBe(200);
      expect((me.json as { user: { email: string } }).user.email).toBe(ADMIN_EMAIL);

      const users = await request(server.url, "/api/admin/users?role=user&status=active&pageSize=5", { cookie: admin });
      expect(users.status).toBe(200);
      const target = (users.json as { users: { id: string; email: string }[] }).users[0]!;

      const started = await request(server.url, `/api/admin/impersonate/${target.id}`, { method: "POST", cookie: admin, body: { reason: "Pooler topology check", ticket: "OPS-1" } });
      expect(started.status).toBe(200);
      const impersonating = sessionCookieFrom(started.setCookies, COOKIE_NAME)!;
      const asTarget = await request(server.url, "/api/auth/user", { cookie: impersonating });
      expect((asTarget.json as { user: { email: string }; isImpersonating: boolean }).user.email).toBe(target.email);
      expect((asTarget.json as { isImpersonating: boolean }).isImpersonating).toBe(true);

      const stopped = await request(server.url, "/api/admin/impersonate", { method: "DELETE", cookie: impersonating });
      expect(stopped.status).toBe(200);
      const back = sessionCookieFrom(stopped.setCookies, COOKIE_NAME)!;
      expect((await request(server.url, "/api/auth/user", { cookie: impersonating })).status).toBe(401);
      const adminAgain = await request(server.url, "/api/auth/user", { cookie: back });
      expect((adminAgain.json as { user: { email: string }; isImpersonating: boolean }).isImpersonating).toBe(false);

      // Revocation: the target signs in, an admin signs them out everywhere, the cookie stops working.
      const targetCookie = await login(server.url, target.email, SAMPLE_PASSWORD, COOKIE_NAME);
      expect((await request(server.url, "/api/auth/user", { cookie: targetCookie })).status).toBe(200);
      const revoked = await request(server.url, `/api/admin/users/${target.id}/sessions`, { method: "DELETE", cookie: back });
      expect(revoked.status).toBe(200);
      expect((await request(server.url, "/api/auth/user", { cookie: targetCookie })).status).toBe(401);
      // The admin's own session survives someone else's revocation.
      expect((await request(server.url, "/api/auth/user", { cookie: back })).status).toBe(200);
      expect(server.output()).not.toMatch(/prepared statement/);
    });
  });
});
