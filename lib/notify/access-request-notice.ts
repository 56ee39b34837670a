/**
 * What the user is told when staff ask for access to their account: a notice they can answer where it shows
 * (approve or decline) and a mail that points them to their account page. Pure: built from the
 * `access.request` audit event, read back from the stored payload.
 */
import { describeActor, type DisclosedActor, type ImpersonationMode, type NoticeSourceEvent } from "./impersonation-notice";

export const ACCESS_REQUEST_NOTICE = "access_requested";

/** The stored payload of the notification and of its mail. */
export interface AccessRequestNotice {
  kind: typeof ACCESS_REQUEST_NOTICE;
  /** The access_grants row the user answers. */
  requestId: string;
  recipientName: string;
  by: DisclosedActor;
  at: string;
  mode: ImpersonationMode;
  reason: string | null;
  /**
   * The user's own account page, where the request is answered: a plain page, never a link that signs
   * anyone in (absolute when the console's origin is known, else the path).
   */
  accountUrl: string;
}

/** A request to tell the user about: the parts of the audit event the notice is built from. */
export interface PlannedAccessRequest {
  userId: string;
  actorId: string | null;
  requestId: string;
  mode: ImpersonationMode;
  reason: string | null;
  accountUrl: string;
}

/** The page a request is answered on, absolute when the console's public origin is known. */
export function accountPageUrl(origin: string | null | undefined): string {
  return origin ? new URL("/account", origin).toString() : "/account";
}

/**
 * Pure: the request notice an audit event calls for, or null. Every request is told, whatever
 * IMPERSONATION_NOTIFY says: that policy is about accesses that happened, and an unseen request could
 * never be answered.
 */
export function accessRequestNoticeFor(event: NoticeSourceEvent): PlannedAccessRequest | null {
  if (event.action !== "access.request" || !event.subjectId) return null;
  const requestId = event.metadata?.grantId;
  if (typeof requestId !== "string") return null;
  const accountUrl = typeof event.metadata?.accountUrl === "string" ? event.metadata.accountUrl : accountPageUrl(null);
  return {
    userId: event.subjectId,
    actorId: event.actorId,
    requestId,
    mode: event.metadata?.mode === "write" ? "write" : "read",
    reason: event.reason ?? null,
    accountUrl,
  };
}

/** One line for the notice: who asks for what. */
export function describeAccessRequest(n: Pick<AccessRequestNotice, "by" | "mode">): string {
  return `${describeActor(n.by)} asks for ${n.mode === "write" ? "access that can make changes" : "read-only access"} to your account.`;
}

/** Reads a stored payload back; null for a row of another kind or one this version cannot show. */
export function asAccessRequestNotice(kind: string, payload: Record<string, unknown>): AccessRequestNotice | null {
  if (kind !== ACCESS_REQUEST_NOTICE || typeof payload.requestId !== "string") return null;
  const by = (payload.by ?? {}) as Partial<DisclosedActor>;
  return {
    kind: ACCESS_REQUEST_NOTICE,
    requestId: payload.requestId,
    recipientName: String(payload.recipientName ?? ""),
    by: { name: typeof by.name === "string" ? by.name : null, role: typeof by.role === "string" ? by.role : null },
    at: String(payload.at ?? ""),
    mode: payload.mode === "write" ? "write" : "read",
    reason: typeof payload.reason === "string" ? payload.reason : null,
    accountUrl: typeof payload.accountUrl === "string" ? payload.accountUrl : accountPageUrl(null),
  };
}
