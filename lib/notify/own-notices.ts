/**
 * A user's own notices: shown to the account's owner, dismissed by the owner. An impersonator neither sees
 * the notice region nor may dismiss it: a notice the staff member could clear would tell the user nothing.
 */
import { z } from "zod";
import { accessRefusal } from "../auth/access";
import type { Database, Db } from "../db/types";
import { fail, ok, type Result } from "../errors";
import type { SessionContext } from "../session/types";
import { asAccessRequestNotice, type AccessRequestNotice } from "./access-request-notice";
import { asImpersonationNotice, type ImpersonationNotice } from "./impersonation-notice";
import { listNotifications, listUnreadNotifications, markNotificationsRead } from "./outbox";

export interface ShownNotice extends ImpersonationNotice {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}

/** How many unread notices the region on every page shows at most (the /account list has them all). */
const REGION_LIMIT = 5;

export async function noticesOf(db: Db, userId: string, options: { unreadOnly?: boolean; limit?: number } = {}): Promise<ShownNotice[]> {
  const rows = await listNotifications(db, userId, options);
  return rows.flatMap((row) => {
    const notice = asImpersonationNotice(row.kind, row.payload);
    return notice ? [{ ...notice, id: row.id, createdAt: row.createdAt, readAt: row.readAt }] : [];
  });
}

export interface ShownAccessRequest extends AccessRequestNotice {
  id: string;
  createdAt: Date;
}

export interface NoticeRegionContent {
  /** Accesses to the account (started, ended), newest first. */
  accesses: ShownNotice[];
  /** Staff requests for access, each answerable where it shows; answering marks it read (grants.ts). */
  requests: ShownAccessRequest[];
}

/** The notice region's content: the owner's unread notices, in one query; nothing while impersonating. */
export async function noticeRegionOf(database: Pick<Database, "db" | "queryArrays">, session: SessionContext): Promise<NoticeRegionContent> {
  if (session.impersonation) return { accesses: [], requests: [] };
  // Twice the limit: one open request per user at a time, so requests never crowd the accesses out.
  const rows = await listUnreadNotifications(database, session.user.id, REGION_LIMIT * 2);
  const accesses: ShownNotice[] = [];
  const requests: ShownAccessRequest[] = [];
  for (const row of rows) {
    const access = asImpersonationNotice(row.kind, row.payload);
    if (access && accesses.length < REGION_LIMIT) accesses.push({ ...access, id: row.id, createdAt: row.createdAt, readAt: row.readAt });
    const request = asAccessRequestNotice(row.kind, row.payload);
    if (request) requests.push({ ...request, id: row.id, createdAt: row.createdAt });
  }
  return { accesses, requests };
}

/** The accesses the notice region shows: the owner's unread impersonation notices; nothing while impersonating. */
export async function unreadNoticesFor(database: Pick<Database, "db" | "queryArrays">, session: SessionContext): Promise<ShownNotice[]> {
  return (await noticeRegionOf(database, session)).accesses;
}

const Ids = z.array(z.uuid()).max(100);

/** Marks the owner's notices read; `ids` is untrusted form input (only well-formed ids of their own count). */
export async function dismissNotices(db: Db, session: SessionContext, ids: unknown): Promise<Result<{ dismissed: number }>> {
  const refusal = accessRefusal(session, "own-account");
  if (refusal) return fail(refusal);
  const parsed = Ids.safeParse(ids);
  if (!parsed.success) return fail("INVALID_INPUT");
  return ok({ dismissed: await markNotificationsRead(db, session.user.id, parsed.data) });
}
