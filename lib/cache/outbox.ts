/** The Postgres outbox of Redis deletes that failed during an outage (table cache_invalidations). */
import { inArray, sql } from "drizzle-orm";
import { cacheInvalidations } from "../db/schema";
import type { Db } from "../db/types";

export interface InvalidationOutbox {
  enqueue(sessionIds: string[]): Promise<void>;
  peek(limit: number): Promise<string[]>;
  remove(sessionIds: string[]): Promise<void>;
  depth(): Promise<number>;
}

export function createPostgresOutbox(db: Db): InvalidationOutbox {
  return {
    async enqueue(sessionIds) {
      if (sessionIds.length === 0) return;
      await db
        .insert(cacheInvalidations)
        .values(sessionIds.map((sessionId) => ({ sessionId })))
        .onConflictDoNothing();
    },
    async peek(limit) {
      const rows = await db.select({ id: cacheInvalidations.sessionId }).from(cacheInvalidations).limit(limit);
      return rows.map((r) => r.id);
    },
    async remove(sessionIds) {
      if (sessionIds.length === 0) return;
      await db.delete(cacheInvalidations).where(inArray(cacheInvalidations.sessionId, sessionIds));
    },
    async depth() {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(cacheInvalidations);
      return row?.n ?? 0;
    },
  };
}
