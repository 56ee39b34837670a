/**
 * One-shot messages after a form posts and redirects ("Role saved."), as codes: the text shown comes from
 * fixed maps, so a crafted value cannot put words on the page. withFlash() writes the address of the page
 * with the code in its query, and readFlash() reads the code back; the address travels in a short-lived
 * cookie (flash-cookie.ts), not in the URL the browser shows, so a reload or a shared link does not
 * repeat "Role saved.".
 */
import { ERRORS, type ErrorCode } from "@/lib/errors";
import { firstParam } from "./params";

export const NOTICES = {
  "password-changed": "Password changed. Your other sessions were signed out.",
  "name-saved": "Name saved.",
  "name-unchanged": "That is the name already. Nothing was changed.",
  "session-revoked": "Session revoked.",
  "others-revoked": "Your other sessions were signed out.",
  "sessions-revoked": "All sessions of this user were revoked.",
  "role-saved": "Role saved. The user's open sessions pick it up on their next request.",
  "role-unchanged": "That is the role they have already. Nothing was changed.",
  "user-banned": "User banned. Every session they had was ended.",
  "user-unbanned": "User unbanned. They can sign in again.",
  "impersonation-ended": "Impersonation ended.",
  "access-granted": "Support access granted. You can revoke it here at any time.",
  "access-revoked": "Support access revoked. Any impersonation relying on it has ended.",
  "request-approved": "Request approved. Support access is granted for the window you chose.",
  "request-declined": "Request declined.",
  "access-requested": "Access requested. The user answers it from the notice on their next page, or on their account page.",
  "user-invited": "Invitation sent. The account is usable once they choose a password.",
  "invitation-resent": "Invitation sent again. The earlier link no longer works.",
  "invitation-revoked": "Invitation revoked. Its link no longer works.",
  "reset-link-sent": "Password reset link sent to the user's email. Any earlier reset link no longer works.",
  "mfa-disabled": "Two-step verification turned off. Your other sessions were signed out.",
  "mfa-reset": "Second factors reset. All of the user's sessions ended; they set up a new factor at their next sign-in.",
} as const;
export type NoticeKey = keyof typeof NOTICES;

export interface Flash {
  notice?: string;
  error?: { code: ErrorCode; message: string };
}

export function readFlash(params: Record<string, string | string[] | undefined>): Flash {
  const notice = firstParam(params, "notice");
  const error = firstParam(params, "error");
  return {
    notice: notice && Object.hasOwn(NOTICES, notice) ? NOTICES[notice as NoticeKey] : undefined,
    error: error && Object.hasOwn(ERRORS, error) ? { code: error as ErrorCode, message: ERRORS[error as ErrorCode].message } : undefined,
  };
}

export function withFlash(path: string, flash: { notice: NoticeKey } | { error: ErrorCode }): string {
  const [pathname, search = ""] = path.split("?");
  const query = new URLSearchParams(search);
  query.delete("notice");
  query.delete("error");
  if ("notice" in flash) query.set("notice", flash.notice);
  else query.set("error", flash.error);
  return `${pathname}?${query}`;
}
