/**
 * The pool guard against a private PostgreSQL cluster that is really stopped and started: while Postgres
 * is unreachable, queries fail at once instead of queueing behind postgres.js's reconnect backoff, and
 * the first query after it is back succeeds.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivatePostgres, probePrivatePostgres } from "@/test/support/private-postgres";
import { openDatabase } from "./client";
import { DatabaseUnavailableError, isConnectionError, PoolGuard } from "./pool-guard";
import type { Database } from "./types";

describe("isConnectionError", () => {
  it("recognises refused, reset and terminated connections", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "57P01", "08006"]) expect(isConnectionError({ code })).toBe(true);
  });

  it("does not count query errors (syntax, constraint, cancellation) as connection trouble", () => {
    for (const code of ["42601", "23505", "57014", "22012", undefined]) expect(isConnectionError({ code })).toBe(false);
    expect(isConnectionError(null)).toBe(false);
  });
});

/** A stand-in for a postgres.js query that the server never answers until it is cancelled. */
function hangingQuery() {
  let reject!: (e: unknown) => void;
  const query = Object.assign(new Promise((_, r) => (reject = r)), {
    cancelled: 0,
    cancel() {
      query.cancelled++;
      reject(Object.assign(new Error("canceling statement due to user request"), { code: "57014" }));
    },
  });
  return query;
}

describe("pool guard deadline", () => {
  it("cancels a query still unanswered after its deadline, exactly once, and leaves fast ones alone", async () => {
    const guard = new PoolGuard({ deadlineMs: 40 });
    try {
      const stuck = guard.guardQuery(hangingQuery());
      const fast = guard.guardQuery(
        Object.assign(Promise.resolve("row"), {
          cancel: () => {
            throw new Error("must not cancel");
          },
        }),
      );
      expect(await fast).toBe("row");
      await expect(stuck).rejects.toMatchObject({ code: "57014" });
      expect(stuck.cancelled).toBe(1);
      // A cancellation is a query error, not a lost connection: the pool stays open.
      expect(guard.isDown).toBe(false);
      expect(guard.inFlight).toBe(0);
    } finally {
      guard.dispose();
    }
  });

  it("keeps enforcing deadlines after the sweeper went idle", async () => {
    const guard = new PoolGuard({ deadlineMs: 40 });
    try {
      await expect(guard.guardQuery(hangingQuery())).rejects.toMatchObject({ code: "57014" });
      // Idle for several sweeper periods: the sweeper stops itself, and the next query must restart it.
      await new Promise((r) => setTimeout(r, 120));
      const again = guard.guardQuery(hangingQuery());
      await expect(again).rejects.toMatchObject({ code: "57014" });
      expect(again.cancelled).toBe(1);
    } finally {
      guard.dispose();
    }
  });
});

describe.skipIf(!probePrivatePostgres().ok)("pool guard during a Postgres outage", () => {
  let pg: PrivatePostgres;
  let database: Database;
  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    database = await openDatabase({ url: await pg.createDatabase("guard"), poolMax: 3, statementTimeoutMs: 2000 });
    await database.ping();
  });
  afterAll(async () => {
    await database?.close();
    await pg?.destroy();
  });

  it("refuses queries with DatabaseUnavailableError while Postgres is down, letting one probe through at a time", async () => {
    await pg.stop();
    await expect(database.ping()).rejects.toMatchObject({ code: expect.stringMatching(/CONNECTION_CLOSED|ECONNREFUSED|57P01/) });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => database.db.execute(sql`select 1`)));
    // drizzle wraps driver errors: the guard's refusal is the cause.
    const refused = outcomes.filter((o) => o.status === "rejected" && (o.reason as Error).cause instanceof DatabaseUnavailableError);
    // One of them is the probe (it reaches postgres.js and fails there); every other one never queued.
    expect(refused.length).toBe(19);
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    expect(database.poolStats().inFlight).toBe(0);
  });

  it("serves again once Postgres is back, without reopening the pool", async () => {
    await pg.start();
    // Connections that died with the old server fail once each (57P01, then the guard probes again):
    // within a few rounds a whole batch succeeds on the same pool.
    let allFine = false;
    for (let round = 0; round < 20 && !allFine; round++) {
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => database.db.execute(sql`select 1`)));
      allFine = outcomes.every((o) => o.status === "fulfilled");
      if (!allFine) await new Promise((r) => setTimeout(r, 100));
    }
    expect(allFine).toBe(true);
    expect(database.poolStats().inFlight).toBe(0);
  });
});
