/**
 * Stable error codes, one map for the API, the UI and the tests (assert codes, not messages).
 * Each code carries its HTTP status and a message a person can act on.
 */
export const ERRORS = {
  UNAUTHENTICATED: { status: 401, message: "Sign in to continue." },
  INVALID_CREDENTIALS: { status: 401, message: "Invalid email or password." },
  RATE_LIMITED: { status: 429, message: "Too many attempts. Wait a moment and try again." },
  FORBIDDEN: { status: 403, message: "You do not have permission to do that." },
  CSRF_REJECTED: { status: 403, message: "Cross-site request refused." },
  NOT_FOUND: { status: 404, message: "Not found." },
  METHOD_NOT_ALLOWED: { status: 405, message: "Method not allowed." },
  INVALID_JSON: { status: 400, message: "The request body is not valid JSON." },
  INVALID_INPUT: { status: 400, message: "The request is not valid." },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large." },
  LENGTH_REQUIRED: { status: 411, message: "Send the body with a Content-Length." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Send JSON (Content-Type: application/json)." },
  SERVICE_UNAVAILABLE: { status: 503, message: "The service is temporarily unavailable. Try again shortly." },
  INTERNAL: { status: 500, message: "Something went wrong. Try again." },
  // Impersonation
  NOT_ALLOWED: { status: 403, message: "You are not allowed to impersonate users." },
  TARGET_IS_ADMIN: { status: 403, message: "Administrators cannot be impersonated." },
  TARGET_IS_SUPPORT: { status: 403, message: "Support staff can only impersonate regular users." },
  TARGET_IS_SELF: { status: 403, message: "You cannot impersonate yourself." },
  TARGET_BANNED: { status: 403, message: "Banned users cannot be impersonated." },
  ALREADY_IMPERSONATING: { status: 409, message: "Stop the current impersonation before starting another." },
  NOT_IMPERSONATING: { status: 409, message: "You are not impersonating anyone." },
  REASON_REQUIRED: { status: 400, message: "Give a reason for the impersonation." },
  REASON_TOO_SHORT: { status: 400, message: "The reason is too short. Say what you are helping with, so the audit log explains this access." },
  REASON_TOO_LONG: { status: 400, message: "The reason is too long: at most 500 characters. Shorten it; nothing was cut off." },
  TICKET_TOO_LONG: { status: 400, message: "The ticket is too long: at most 100 characters." },
  REAUTH_REQUIRED: { status: 401, message: "Enter your password again to continue." },
  USER_NOT_FOUND: { status: 404, message: "No such user." },
  SESSION_NOT_FOUND: { status: 404, message: "No such session." },
  IMPERSONATION_ALREADY_ENDED: { status: 409, message: "That impersonation has already ended." },
  INVALID_ID: { status: 400, message: "That id is malformed." },
  IMPERSONATION_READ_ONLY: {
    status: 403,
    message: "This is a read-only impersonation: nothing can be changed. Stop it and start one that can make changes (with the user's consent) if you must.",
  },
  WRITE_NOT_ALLOWED: { status: 403, message: "You may not start an impersonation that can make changes." },
  CONSENT_REQUIRED: { status: 403, message: "This user has not granted support access for that. Ask them from the user page and wait for their approval." },
  GRANT_NOT_FOUND: { status: 404, message: "No such grant or request, or it is no longer open." },
  REQUEST_PENDING: { status: 409, message: "An access request to this user is waiting for their answer already." },
  FORBIDDEN_WHILE_IMPERSONATING: { status: 403, message: "Not available while impersonating. Stop the impersonation first." },
  WEAK_PASSWORD: { status: 400, message: "Choose a longer, less common password." },
  MFA_REQUIRED: { status: 401, message: "Enter the code from your authenticator app to finish signing in." },
  MFA_ENROLMENT_REQUIRED: { status: 403, message: "Set up a second factor on your account page before using staff tools." },
  MFA_CODE_INVALID: { status: 401, message: "That code is not correct." },
  MFA_CODE_REPLAYED: { status: 401, message: "That code was used already. Wait for the next one." },
  MFA_CHALLENGE_EXPIRED: { status: 401, message: "The sign-in took too long or had too many wrong codes. Sign in again." },
  MFA_ALREADY_ENROLLED: { status: 409, message: "An authenticator app is set up already." },
  MFA_NOT_ENROLLED: { status: 409, message: "No authenticator app is set up." },
  MFA_DISABLED: { status: 403, message: "Second factors are turned off on this server." },
  PASSKEY_REJECTED: { status: 401, message: "The passkey could not be verified. Try again." },
  PASSKEY_NOT_FOUND: { status: 404, message: "No such passkey on your account." },
  PASSKEY_UNAVAILABLE: { status: 400, message: "Passkeys are not available at this address. Open the console at its usual address." },
  BULK_JOB_NOT_FOUND: { status: 404, message: "No such bulk action, or it is not yours." },
  BULK_SELECTION_EMPTY: { status: 400, message: "Select at least one user." },
  BULK_SELECTION_TOO_LARGE: { status: 400, message: "Too many users for one bulk action: narrow the filter." },
  STEP_UP_REQUIRED: { status: 401, message: "Confirm it is you with your second factor first." },
  LINK_INVALID: { status: 400, message: "This link is invalid, used or expired. Ask for a new one." },
  EMAIL_TAKEN: { status: 409, message: "An account with this email exists already." },
  INVITATION_NOT_PENDING: { status: 409, message: "This user has no pending invitation: they have set a password already." },
  // Password reset links sent by staff (lib/account/reset-policy.ts)
  RESET_NOT_ALLOWED: { status: 403, message: "You may not send a password reset link to this account." },
  RESET_TARGET_IS_SELF: { status: 403, message: "Change your own password from your account page." },
  RESET_TARGET_BANNED: { status: 409, message: "This account is banned: it cannot receive a reset link. Unban it first." },
  CANNOT_CHANGE_SELF: { status: 409, message: "You cannot change your own role or ban yourself." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An expected failure: carried as a value through lib, turned into a response at the edge. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = "AppError";
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; details?: Record<string, unknown> };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, details?: Record<string, unknown>): Result<T> => ({
  ok: false,
  code,
  message: ERRORS[code].message,
  ...(details ? { details } : {}),
});

/** A failure whose message says more than the code's default (which field, what limit). */
export const failWith = <T = never>(code: ErrorCode, message: string, details?: Record<string, unknown>): Result<T> => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
});

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** The one error envelope of every JSON answer: `{ error: { code, message, details? } }`. */
export function errorBody(code: ErrorCode, message: string = ERRORS[code].message, details?: Record<string, unknown>): ErrorBody {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/**
 * The envelope as a Response with the code's status. Never stored by a cache: an error answers one
 * request (a 401 or 403 replayed to someone else would be wrong).
 */
export function errorResponse(code: ErrorCode, init: { message?: string; details?: Record<string, unknown>; headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return Response.json(errorBody(code, init.message, init.details), { status: ERRORS[code].status, headers });
}
