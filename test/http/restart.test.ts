/**
 * Sessions live in the database, not in the server process: a signed-in browser stays signed in across a
 * server restart, on the embedded PGlite (its data folder survives) and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probePostgres } from "../support/services";
import { sampleUser, startTestServer, type TestServer } from "./support/server";

const pg = await probePostgres();

const backends = [
  { name: "PGlite", database: "pglite" as const, available: true },
  { name: "PostgreSQL", database: "postgres" as const, available: pg.ok },
];

for (const b of backends) {
  describe.skipIf(!b.available)(`server restart on ${b.name}`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({ database: b.database, redis: "none" });
    });
    afterAll(async () => t?.stop());

    it("keeps a signed-in browser signed in, and a signed-out one signed out", async () => {
      const u = sampleUser(0);
      const signedIn = t.client();
      await signedIn.loginAs(u.email, u.password);
      const signedOut = t.client();
      await signedOut.loginAs(u.email, u.password);
      const revoked = signedOut.sessionCookie;
      await signedOut.post("/api/auth/logout");

      await t.server.restart();

      expect((await signedIn.whoami())?.user.email).toBe(u.email);
      expect(await t.client().setCookie(revoked).whoami()).toBeNull();
    });
  });
}
