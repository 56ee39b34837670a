/**
 * What the user is told about an impersonation of their account, as a pure function of the audit event
 * that records it. Every ending in IMPERSONATION_END_CAUSES notifies, so a new way to end needs no code here.
 */
import { IMPERSONATION_END_CAUSES, type AuditAction, type ImpersonationEndCause } from "../audit/actions";

export type ImpersonationNotifyPolicy = "always" | "write" | "off";
export type ImpersonationMode = "read" | "write";
export type NoticeKind = "impersonation_started" | "impersonation_ended";

/** The parts of an audit event the mapping reads (structurally the audit input). */
export interface NoticeSourceEvent {
  action: AuditAction;
  actorId: string | null;
  subjectId: string | null;
  reason?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** A notice to write: who is told, of what, and the facts known from the event alone. */
export interface PlannedNotice {
  userId: string;
  actorId: string | null;
  kind: NoticeKind;
  mode: ImpersonationMode;
  reason: string | null;
  cause: ImpersonationEndCause | null;
  /** ISO time the impersonation began, when the event says (endings). */
  startedAt: string | null;
  /** The impersonation's time limit in seconds, when the event says (starts). */
  limitS: number | null;
}

/** Who acted, as disclosed to the user: the name only under IMPERSONATION_DISCLOSE=name, the role always. */
export interface DisclosedActor {
  name: string | null;
  role: string | null;
}

/** The stored payload of a notification and of its mail. */
export interface ImpersonationNotice {
  kind: NoticeKind;
  recipientName: string;
  by: DisclosedActor;
  at: string;
  mode: ImpersonationMode;
  reason: string | null;
  cause: ImpersonationEndCause | null;
  durationS: number | null;
  limitS: number | null;
}

function endCauseOf(action: AuditAction): ImpersonationEndCause | null {
  return (IMPERSONATION_END_CAUSES as Partial<Record<AuditAction, ImpersonationEndCause>>)[action] ?? null;
}

/** A missing or unknown mode is read-only: that is what an impersonation is unless write was granted. */
export function modeOf(metadata: Record<string, unknown> | null | undefined): ImpersonationMode {
  return metadata?.mode === "write" ? "write" : "read";
}

/** Pure: the notices an audit event calls for under the IMPERSONATION_NOTIFY policy (none for most events). */
export function noticesFor(event: NoticeSourceEvent, policy: ImpersonationNotifyPolicy): PlannedNotice[] {
  const cause = endCauseOf(event.action);
  if (event.action !== "impersonation.start" && cause === null) return [];
  if (!event.subjectId || policy === "off") return [];
  const mode = modeOf(event.metadata);
  if (policy === "write" && mode !== "write") return [];
  const startedAt = typeof event.metadata?.startedAt === "string" ? event.metadata.startedAt : null;
  const limitS = typeof event.metadata?.ttlS === "number" ? event.metadata.ttlS : null;
  return [
    {
      userId: event.subjectId,
      actorId: event.actorId,
      kind: cause === null ? "impersonation_started" : "impersonation_ended",
      mode,
      reason: event.reason ?? null,
      cause,
      startedAt: cause === null ? null : startedAt,
      limitS: cause === null ? limitS : null,
    },
  ];
}

export function durationBetween(startedAt: string | null, endedAt: Date): number | null {
  if (!startedAt) return null;
  const started = Date.parse(startedAt);
  return Number.isFinite(started) ? Math.max(0, Math.round((endedAt.getTime() - started) / 1000)) : null;
}

const ROLE_NAMES: Record<string, string> = { admin: "administrator", support: "support agent" };

export function describeActor(by: DisclosedActor): string {
  const role = by.role ? (ROLE_NAMES[by.role] ?? "staff member") : "staff member";
  return by.name ? `${by.name} (${role})` : `${/^[aeiou]/.test(role) ? "An" : "A"} ${role}`;
}

export function describeDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 6) / 10;
  return `${hours} hours`;
}

const ENDINGS: Record<ImpersonationEndCause, string> = {
  stop: "They stopped.",
  expire: "The time limit ran out.",
  force_end: "An administrator ended it.",
  actor_signed_out: "They signed out.",
  target_banned: "Your account was suspended.",
  actor_revoked: "Their own access was revoked.",
  grant_revoked: "You revoked the access you had granted.",
};

/** One line for the in-app notice and the /account list: who did what, and how it ended. */
export function describeNotice(n: Pick<ImpersonationNotice, "kind" | "by" | "cause">): string {
  const who = describeActor(n.by);
  if (n.kind === "impersonation_started") return `${who} signed in to your account.`;
  return `${who} is no longer signed in to your account.${n.cause ? ` ${ENDINGS[n.cause] ?? ""}` : ""}`.trimEnd();
}

/** Reads a stored payload back; null for a row this version cannot show. */
export function asImpersonationNotice(kind: string, payload: Record<string, unknown>): ImpersonationNotice | null {
  if (kind !== "impersonation_started" && kind !== "impersonation_ended") return null;
  const by = (payload.by ?? {}) as Partial<DisclosedActor>;
  return {
    kind,
    recipientName: String(payload.recipientName ?? ""),
    by: { name: typeof by.name === "string" ? by.name : null, role: typeof by.role === "string" ? by.role : null },
    at: String(payload.at ?? ""),
    mode: payload.mode === "write" ? "write" : "read",
    reason: typeof payload.reason === "string" ? payload.reason : null,
    cause: typeof payload.cause === "string" && Object.hasOwn(ENDINGS, payload.cause) ? (payload.cause as ImpersonationEndCause) : null,
    durationS: typeof payload.durationS === "number" ? payload.durationS : null,
    limitS: typeof payload.limitS === "number" ? payload.limitS : null,
  };
}
