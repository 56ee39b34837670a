/**
 * The one place audit events turn into notices: recordAuditEvent calls `notifyForAuditEvent` with the
 * executor it inserted the audit row on, so the notice and the mail commit or roll back with it.
 */
import { eq } from "drizzle-orm";
import { users } from "../db/schema";
import type { Db } from "../db/types";
import { durationBetween, noticesFor, type ImpersonationNotice, type ImpersonationNotifyPolicy, type NoticeSourceEvent, type PlannedNotice } from "./impersonation-notice";
import { createNotification, enqueueMail } from "./outbox";

export interface NoticeSettings {
  impersonation: ImpersonationNotifyPolicy;
  /** IMPERSONATION_DISCLOSE: whether the user learns the staff member's name or only their role. */
  disclose: "name" | "role";
}

// Process-wide, set by the composition root (createRuntime): audit calls everywhere carry no config. On
// globalThis because instrumentation and each route bundle hold their own copy of this module.
const shared = globalThis as unknown as { __nsiNoticeSettings?: NoticeSettings };

export function configureNotices(settings: NoticeSettings): void {
  shared.__nsiNoticeSettings = settings;
}

function settings(): NoticeSettings {
  return shared.__nsiNoticeSettings ?? { impersonation: "always", disclose: "name" };
}

type Executor = Pick<Db, "insert" | "select">;

async function writeNotice(db: Executor, notice: PlannedNotice, disclose: NoticeSettings["disclose"]): Promise<void> {
  const [recipient] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, notice.userId));
  if (!recipient) return;
  const [actor] = notice.actorId ? await db.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, notice.actorId)) : [];
  const at = new Date();
  const payload: ImpersonationNotice = {
    kind: notice.kind,
    recipientName: recipient.name,
    by: { name: disclose === "name" ? (actor?.name ?? null) : null, role: actor?.role ?? null },
    at: at.toISOString(),
    mode: notice.mode,
    reason: notice.reason,
    cause: notice.cause,
    durationS: durationBetween(notice.startedAt, at),
    limitS: notice.limitS,
  };
  await createNotification(db, { userId: notice.userId, kind: notice.kind, payload: { ...payload }, createdAt: at });
  await enqueueMail(db, { to: recipient.email, template: notice.kind, data: payload });
}

export async function notifyForAuditEvent(db: Executor, event: NoticeSourceEvent): Promise<void> {
  const current = settings();
  for (const notice of noticesFor(event, current.impersonation)) await writeNotice(db, notice, current.disclose);
}
