/**
 * One contract suite for the session store, run against every backend: embedded PGlite, real PostgreSQL,
 * and real PostgreSQL with the Redis tier in front. Time moves through an injected clock, never sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { sessions } from "@/lib/db/schema";
import { hashSessionToken, isWellFormedToken, TOKEN_BYTES } from "@/lib/session/token";
import { createTestRuntime, type Backend, type TestRuntime } from "./support/runtime";
import { createUser } from "./support/fixtures";
import { probePostgres, probeRedis } from "./support/services";

const pg = await probePostgres();
const redis = await probeRedis();

const backends: { name: string; backend: Backend; redis: boolean; available: boolean }[] = [
  { name: "PGlite", backend: "pglite", redis: false, available: true },
  { name: "PostgreSQL", backend: "postgres", redis: false, available: pg.ok },
  { name: "PostgreSQL + Redis", backend: "postgres", redis: true, available: pg.ok && redis.ok },
];

for (const b of backends) {
  describe.skipIf(!b.available)(`session contract on ${b.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await createTestRuntime({ backend: b.backend, redisUrl: b.redis ? redis.url : undefined });
      if (b.redis) await rt.cache.breaker!.probeNow();
    });
    afterAll(async () => rt?.dispose());

    it("issues a 256-bit token and stores only its SHA-256", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id, { ip: "127.0.0.1", userAgent: "vitest" });
      expect(isWellFormedToken(token)).toBe(true);
      expect(Buffer.from(token, "base64url").length).toBe(TOKEN_BYTES);
      expect(TOKEN_BYTES * 8).toBeGreaterThanOrEqual(256);
      expect(sessionId).toBe(hashSessionToken(token));
      const dump = JSON.stringify(await rt.database.db.execute(sql`select * from sessions`));
      expect(dump).not.toContain(token);
      expect(dump).toContain(sessionId);
    });

    it("validates a live session and answers the user", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      const ctx = await rt.sessions.validateSessionWithCache(token);
      expect(ctx?.user.id).toBe(user.id);
      expect(ctx?.impersonation).toBeNull();
    });

    it("the Postgres read answers every field as stored, for a plain session and an impersonation", async () => {
      // The hot read maps array rows by position (lib/session/store.ts): a column out of order shows here.
      const admin = await createUser(rt.database.db, { role: "admin" });
      const target = await createUser(rt.database.db, { role: "support" });
      const own = await rt.sessions.createSession(admin.id);
      const parent = (await rt.sessions.validateUncached(own.sessionId))!;
      expect(parent).toMatchObject({
        sessionId: own.sessionId,
        user: { id: admin.id, email: admin.email, name: admin.name, role: "admin", status: "active" },
        impersonator: null,
        impersonation: null,
      });
      const [stored] = await rt.database.db.select().from(sessions).where(sql`${sessions.id} = ${own.sessionId}`);
      expect(parent.createdAt).toBe(stored!.createdAt.getTime());
      expect(parent.lastSeenAt).toBe(stored!.lastSeenAt.getTime());
      expect(parent.lastAuthenticatedAt).toBe(stored!.lastAuthenticatedAt.getTime());
      expect(parent.expiresAt).toBe(stored!.expiresAt.getTime());
      expect(parent.absoluteExpiresAt).toBe(stored!.absoluteExpiresAt.getTime());
      expect(Number.isInteger(parent.expiresAt)).toBe(true);

      const started = await rt.impersonationSessions.begin({
        parent,
        targetUserId: target.id,
        reason: "ticket says the export hangs",
        ticket: "SUP-42",
        ttlS: 600,
        mode: "write",
        grant: null,
        metadata: {},
        audit: { action: "impersonation.start", actorId: admin.id, subjectId: target.id },
      }).then((begun) => begun!);
      const imp = (await rt.sessions.validateUncached(started.sessionId))!;
      const [link] = await rt.database.db.select().from(sessions).where(sql`${sessions.id} = ${started.sessionId}`);
      expect(imp).toMatchObject({
        sessionId: started.sessionId,
        user: { id: target.id, email: target.email, name: target.name, role: "support", status: "active" },
        impersonator: { id: admin.id, email: admin.email, name: admin.name, role: "admin", status: "active" },
        impersonation: {
          reason: "ticket says the export hangs",
          ticket: "SUP-42",
          startedAt: link!.createdAt.getTime(),
          expiresAt: started.expiresAt,
          parentSessionId: link!.parentSessionId,
          mode: "write",
          grantId: null,
        },
        absoluteExpiresAt: started.expiresAt,
      });
    });

    it("treats garbage, truncated and unknown tokens as anonymous", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      for (const bad of ["", "x", token.slice(0, -1), token + "A", "A".repeat(43), "'; drop table sessions; --", "\u0000".repeat(43)]) {
        expect(await rt.sessions.validateSessionWithCache(bad)).toBeNull();
      }
    });

    it("revoking a session makes its token anonymous", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      expect(await rt.sessions.validateSessionWithCache(token)).not.toBeNull();
      await rt.sessions.revokeSessionWithCache(sessionId);
      expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
    });

    it("ends a session after the idle timeout unless it is used", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      rt.clock.advance(rt.config.session.idleTtlS * 1000 + 1);
      expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
    });

    it("rolling expiry: activity within the idle window keeps the session alive", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      const step = (rt.config.session.idleTtlS * 1000) / 2;
      for (let i = 0; i < 4; i++) {
        rt.clock.advance(step);
        expect(await rt.sessions.validateSessionWithCache(token)).not.toBeNull();
      }
    });

    it("ends a session at the absolute timeout even when it is used all along", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      const step = (rt.config.session.idleTtlS * 1000) / 2;
      const limit = rt.config.session.absoluteTtlS * 1000;
      let elapsed = 0;
      while (elapsed + step < limit) {
        rt.clock.advance(step);
        elapsed += step;
        expect(await rt.sessions.validateSessionWithCache(token)).not.toBeNull();
      }
      rt.clock.advance(limit - elapsed + 1);
      expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
    });

    it("writes last_seen_at at most once per refresh interval", async () => {
      const user = await createUser(rt.database.db);
      const { token, sessionId } = await rt.sessions.createSession(user.id);
      const lastSeen = async () => {
        const [row] = await rt.database.db.select({ t: sessions.lastSeenAt }).from(sessions).where(sql`${sessions.id} = ${sessionId}`);
        return row!.t.getTime();
      };
      const created = await lastSeen();
      rt.clock.advance(1000);
      await rt.sessions.validateSessionWithCache(token);
      expect(await lastSeen()).toBe(created);
      rt.clock.advance(rt.config.session.refreshIntervalS * 1000);
      await rt.sessions.validateSessionWithCache(token);
      expect(await lastSeen()).toBe(rt.clock());
    });

    it("revokes all of a user's sessions, or all but the current one", async () => {
      const user = await createUser(rt.database.db);
      const a = await rt.sessions.createSession(user.id);
      const b = await rt.sessions.createSession(user.id);
      const c = await rt.sessions.createSession(user.id);
      await rt.sessions.revokeUserSessionsWithCache(user.id, a.sessionId);
      expect(await rt.sessions.validateSessionWithCache(a.token)).not.toBeNull();
      expect(await rt.sessions.validateSessionWithCache(b.token)).toBeNull();
      expect(await rt.sessions.validateSessionWithCache(c.token)).toBeNull();
      await rt.sessions.revokeUserSessionsWithCache(user.id);
      expect(await rt.sessions.validateSessionWithCache(a.token)).toBeNull();
    });

    it("prunes expired rows in batches and keeps live ones", async () => {
      const user = await createUser(rt.database.db);
      const live = await rt.sessions.createSession(user.id);
      rt.clock.advance(-(rt.config.session.absoluteTtlS * 1000 + 10_000));
      const old = await rt.sessions.createSession(user.id);
      rt.clock.advance(rt.config.session.absoluteTtlS * 1000 + 10_000);
      const pruned = await rt.sessions.pruneExpired();
      expect(pruned).toBeGreaterThanOrEqual(1);
      const ids = (await rt.database.db.select({ id: sessions.id }).from(sessions)).map((r) => r.id);
      expect(ids).toContain(live.sessionId);
      expect(ids).not.toContain(old.sessionId);
    });

    it("a banned user's session is rejected on the next request", async () => {
      const user = await createUser(rt.database.db);
      const { token } = await rt.sessions.createSession(user.id);
      expect(await rt.sessions.validateSessionWithCache(token)).not.toBeNull();
      await rt.database.db.execute(sql`update users set status = 'banned' where id = ${user.id}`);
      await rt.sessions.dropUserFromCache(user.id);
      expect(await rt.sessions.validateSessionWithCache(token)).toBeNull();
    });
  });
}
