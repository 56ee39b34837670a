/**
 * Every audit event type, in one list that the console, the API filter, the export and the tests share.
 * A new event type is added here and nowhere else.
 */
export const AUDIT_ACTIONS = [
  "auth.login",
  "auth.login_failed",
  "auth.logout",
  "auth.password_change",
  "auth.password_set",
  "auth.password_reset_request",
  "auth.password_reset",
  "impersonation.start",
  "impersonation.stop",
  "impersonation.expire",
  "impersonation.denied",
  "impersonation.force_end",
  "impersonation.actor_signed_out",
  "impersonation.target_banned",
  "impersonation.actor_revoked",
  "impersonation.grant_revoked",
  "access.grant",
  "access.revoke",
  "access.request",
  "access.approve",
  "access.decline",
  "mfa.enrol",
  "mfa.disable",
  "mfa.failed",
  "mfa.recovery_used",
  "mfa.reset",
  "mfa.passkey_remove",
  "mfa.counter_regression",
  "session.revoke",
  "session.revoke_all",
  "session.revoke_others",
  "user.create",
  "user.invite",
  "user.invite_resend",
  "user.invite_revoke",
  "user.password_reset_send",
  "user.role",
  "user.rename",
  "user.ban",
  "user.unban",
  "bulk.ban",
  "bulk.unban",
  "bulk.revoke_all",
  "bulk.role",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Every way an impersonation ends, each its own audited event: an impersonation is never closed silently,
 * and the access history on /account reads its end (and how) from these.
 */
export const IMPERSONATION_END_CAUSES = {
  "impersonation.stop": "stop",
  "impersonation.expire": "expire",
  "impersonation.force_end": "force_end",
  "impersonation.actor_signed_out": "actor_signed_out",
  "impersonation.target_banned": "target_banned",
  "impersonation.actor_revoked": "actor_revoked",
  "impersonation.grant_revoked": "grant_revoked",
} as const satisfies Partial<Record<AuditAction, string>>;
export type ImpersonationEndCause = (typeof IMPERSONATION_END_CAUSES)[keyof typeof IMPERSONATION_END_CAUSES];
