/**
 * The one place audit events turn into notices: recordAuditEvent calls `notifyForAuditEvent` with the
 * executor it inserted the audit row on, so the notice and the mail commit or roll back with it.
 */
import { eq } from "drizzle-orm";
import { users } from "../db/schema";
import type { Db } from "../db/types";
import { accessRequestNoticeFor, ACCESS_REQUEST_NOTICE, type AccessRequestNotice, type PlannedAccessRequest } from "./access-request-notice";
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

/** The recipient, and the actor as IMPERSONATION_DISCLOSE lets the user see them. */
async function peopleOf(db: Executor, notice: { userId: string; actorId: string | null }, disclose: NoticeSettings["disclose"]) {
  const [recipient] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, notice.userId));
  if (!recipient) return null;
  const [actor] = notice.actorId ? await db.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, notice.actorId)) : [];
  return { recipient, by: { name: disclose === "name" ? (actor?.name ?? null) : null, role: actor?.role ?? null } };
}

async function writeNotice(db: Executor, notice: PlannedNotice, disclose: NoticeSettings["disclose"]): Promise<void> {
  const people = await peopleOf(db, notice, disclose);
  if (!people) return;
  const { recipient, by } = people;
  const ended = notice.endedAt ? new Date(notice.endedAt) : null;
  const at = ended && Number.isFinite(ended.getTime()) ? ended : new Date();
  const payload: ImpersonationNotice = {
    kind: notice.kind,
    recipientName: recipient.name,
    by,
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

async function writeAccessRequestNotice(db: Executor, request: PlannedAccessRequest, disclose: NoticeSettings["disclose"]): Promise<void> {
  const people = await peopleOf(db, request, disclose);
  if (!people) return;
  const at = new Date();
  const payload: AccessRequestNotice = {
    kind: ACCESS_REQUEST_NOTICE,
    requestId: request.requestId,
    recipientName: people.recipient.name,
    by: people.by,
    at: at.toISOString(),
    mode: request.mode,
    reason: request.reason,
    accountUrl: request.accountUrl,
  };
  await createNotification(db, { userId: request.userId, kind: ACCESS_REQUEST_NOTICE, payload: { ...payload }, createdAt: at });
  await enqueueMail(db, { to: people.recipient.email, template: ACCESS_REQUEST_NOTICE, data: payload });
}

export async function notifyForAuditEvent(db: Executor, event: NoticeSourceEvent): Promise<void> {
  const current = settings();
  for (const notice of noticesFor(event, current.impersonation)) await writeNotice(db, notice, current.disclose);
  const request = accessRequestNoticeFor(event);
  if (request) await writeAccessRequestNotice(db, request, current.disclose);
}
