/**
 * Revoking an admin's sessions ends the impersonation they are running on its very next request, whether
 * Redis is up, crashed, or frozen while the revocation happened (the outbox replays the delete before
 * Redis is trusted again). Real PostgreSQL, the shared Redis, and a private redis-server a test can kill.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { TEST_PASSWORD } from "../support/fixtures";
import type { HttpClient } from "./support/client";
import { makePerson, signIn, startImpersonating, type Person } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";
import { eventually, PrivateRedis, probePostgres, probeRedis, probeRedisServerBinary } from "../support/services";

const pg = (await probePostgres()).ok;
const sharedRedis = (await probeRedis()).ok;

/** An admin impersonating a fresh user, a second admin who will revoke, and the target's own browser. */
async function liveImpersonation(t: TestServer) {
  const admin = await makePerson(t, "admin");
  const target = await makePerson(t, "user");
  const browser = await signIn(t, admin);
  const started = await startImpersonating(browser, target.id);
  expect(started.status, started.text).toBe(200);
  // Two reads: the first fills the cache tiers, the second is served from them.
  expect((await browser.whoami()).user.id).toBe(target.id);
  expect((await browser.whoami()).user.id).toBe(target.id);
  return { admin, target, browser, targetBrowser: await signIn(t, target, "target-browser") };
}

const revokeAll = (by: HttpClient, person: Person) => by.delete(`/api/admin/users/${person.id}/sessions`);

describe.skipIf(!pg || !sharedRedis)("revocation ends an impersonation (Redis up)", () => {
  let t: TestServer;
  let otherAdmin: HttpClient;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres" });
    otherAdmin = await signIn(t, await makePerson(t, "admin"), "other-admin");
  });
  afterAll(async () => t?.stop());

  it("another admin revoking the impersonator's sessions ends the impersonation on the next request", async () => {
    const { admin, browser, targetBrowser, target } = await liveImpersonation(t);
    const res = await revokeAll(otherAdmin, admin);
    expect(res.status, res.text).toBe(200);
    expect(res.body.revoked).toBe(2); // the parked admin session and the impersonation
    expect(await browser.whoami()).toBeNull();
    expect((await targetBrowser.whoami()).user.id).toBe(target.id); // the target's own sign-in is not the admin's
  });

  it("the impersonator signing out everywhere else from a second browser ends the impersonation", async () => {
    const { admin, browser } = await liveImpersonation(t);
    const second = await signIn(t, admin, "second-browser");
    expect((await second.delete("/api/auth/sessions")).status).toBe(200);
    expect(await browser.whoami()).toBeNull();
    expect((await second.whoami()).user.id).toBe(admin.id);
  });

  it("revoking someone else's sessions leaves the impersonation live (the twin)", async () => {
    const { browser, target } = await liveImpersonation(t);
    const bystander = await makePerson(t, "user");
    expect((await revokeAll(otherAdmin, bystander)).status).toBe(200);
    expect((await browser.whoami()).user.id).toBe(target.id);
  });

  it("refuses the revocation to support staff with 403 and leaves the impersonation live", async () => {
    const { admin, browser, target } = await liveImpersonation(t);
    const support = await signIn(t, await makePerson(t, "support"));
    const res = await revokeAll(support, admin);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await browser.whoami()).user.id).toBe(target.id);
  });
});

describe.skipIf(!pg || !probeRedisServerBinary().ok)("revocation ends an impersonation (Redis down)", () => {
  let redis: PrivateRedis;
  let inspector: Redis;
  let t: TestServer;
  let otherAdmin: HttpClient;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    inspector = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    inspector.on("error", () => {});
    t = await startTestServer({ database: "postgres", redis: redis.url, env: { REDIS_BREAKER_COOLDOWN_MS: "200", REDIS_KEY_PREFIX: "down:" } });
    otherAdmin = await signIn(t, await makePerson(t, "admin"), "other-admin");
  });
  afterAll(async () => {
    inspector?.disconnect();
    await t?.stop();
    await redis?.stop();
  });

  it("while Redis is frozen, the revocation still ends the impersonation, before and after Redis comes back", async () => {
    const { admin, browser } = await liveImpersonation(t);
    const [live] = (await otherAdmin.get("/api/admin/impersonations")).body.impersonations.filter((i: { actor: { id: string } }) => i.actor.id === admin.id);
    const cachedKey = `down:s:{${live.sessionId}}`;
    expect(await inspector.exists(cachedKey)).toBe(1); // the impersonation really is served from Redis
    redis.pause();
    try {
      const res = await revokeAll(otherAdmin, admin);
      expect(res.status, res.text).toBe(200);
      expect(await browser.whoami()).toBeNull();
    } finally {
      redis.resume();
    }
    // Redis still holds the stale entry until the breaker's probe replays the outbox; it is never served meanwhile.
    await eventually(async () => {
      expect(await browser.whoami()).toBeNull();
      return (await inspector.exists(cachedKey)) === 0;
    });
    expect(await browser.whoami()).toBeNull();
  });

  it("while Redis is dead, the revocation ends the impersonation and the site keeps working", async () => {
    const { admin, browser, target, targetBrowser } = await liveImpersonation(t);
    await redis.kill();
    try {
      const res = await revokeAll(otherAdmin, admin);
      expect(res.status, res.text).toBe(200);
      expect(await browser.whoami()).toBeNull();
      // Everyone else is served from PostgreSQL meanwhile.
      expect((await targetBrowser.whoami()).user.id).toBe(target.id);
      await t.client().loginAs(target.email, TEST_PASSWORD);
    } finally {
      await redis.start();
    }
    for (let i = 0; i < 5; i++) expect(await browser.whoami()).toBeNull();
  });
});
