/** poolStats on real PostgreSQL: in-flight work is counted from send to settle, errors included. */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, eventually, probePostgres } from "@/test/support/services";
import { openDatabase } from "./client";
import type { Database } from "./types";

const pg = await probePostgres();

describe.skipIf(!pg.ok)("poolStats on PostgreSQL", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let database: Database;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    database = await openDatabase({ url: scratch.url, poolMax: 2 });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it("counts running queries and transactions, and what waits beyond the pool size", async () => {
    const work = [
      ...Array.from({ length: 3 }, () => database.db.execute(sql`select pg_sleep(0.5)`).then(() => undefined)),
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_sleep(0.5)`);
      }),
    ];
    await eventually(() => database.poolStats().inFlight === 4, 5000, 5);
    expect(database.poolStats()).toMatchObject({ driver: "postgres", max: 2, inFlight: 4, waiting: 2 });
    await Promise.all(work);
    expect(database.poolStats()).toMatchObject({ inFlight: 0, waiting: 0 });
    expect(database.poolStats().peakInFlight).toBeGreaterThanOrEqual(4);
  });

  it("stops counting a query that failed", async () => {
    await expect(database.db.execute(sql`select 1/0`)).rejects.toThrow();
    await database.ping();
    expect(database.poolStats().inFlight).toBe(0);
  });
});
