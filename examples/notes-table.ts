// Your own table that references users: a drizzle table beside lib/db/schema.ts (add it there, or import users
// from it), then `npm run db:generate` writes the migration. Deleting a user deletes their notes.
import { desc, eq } from "drizzle-orm";
import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "@/lib/db/schema";
import type { Db } from "@/lib/db/types";
import type { SessionContext } from "@/lib/session/types";
import { trueUserOf } from "@/lib/session/types";

export const notes = pgTable("notes", {
  id: uuid("id").primaryKey().defaultRandom(),
  ownerId: uuid("owner_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  /** Who really wrote it: the staff member when it was written during an impersonation. */
  writtenBy: uuid("written_by").references(() => users.id, { onDelete: "set null" }),
  text: text("text").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export async function addNote(db: Db, session: SessionContext, text: string): Promise<void> {
  await db.insert(notes).values({ ownerId: session.user.id, writtenBy: trueUserOf(session).id, text });
}

export function listNotes(db: Db, session: SessionContext) {
  return db.select().from(notes).where(eq(notes.ownerId, session.user.id)).orderBy(desc(notes.createdAt));
}
