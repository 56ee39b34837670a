/**
 * Account recovery: a single-use link, mailed to the account's own address, that lets its holder choose a new
 * password on /set-password (lib/account/set-password.ts consumes it, ends every session, and signs nobody in).
 *
 * Asking for one ("Forgot password?") must not tell anyone whether an email has an account. The answer is
 * decided before anything about the account is read: a malformed email or an address over its hourly budget
 * is refused (neither says anything about accounts), every other request is accepted, and the lookup, the
 * per-account budget, the link and the mail all run afterwards, after the response has gone (`defer`). Known,
 * unknown, banned and throttled accounts therefore get the same status, body and timing by construction,
 * instead of by trying to make two different code paths cost the same.
 *
 * Staff may also send a link from the console (`sendPasswordReset`, who to whom: reset-policy.ts); they never
 * see the link or the password.
 */
import { eq } from "drizzle-orm";
import { recordAuditEvent } from "../audit/audit";
import type { ResetThrottle } from "../auth/rate-limit";
import { users } from "../db/schema";
import type { Db } from "../db/types";
import { fail, failWith, ok, type Result } from "../errors";
import type { Logger } from "../observability/logger";
import { trueUserOf, type SessionContext, type SessionMetadata } from "../session/types";
import { findUserByEmail, isEmailAddress, isUuid, normalizeEmail } from "../users/users";
import { issueAccountToken, passwordLinkUrl } from "./account-tokens";
import { canSendPasswordReset } from "./reset-policy";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** What a reset mail needs; written in the transaction that issues the link, so it is never lost. */
export interface PasswordResetMail {
  to: string;
  name: string;
  /** Absolute when the public origin is known, else a path. */
  link: string;
  expiresAt: Date;
  /** The staff member who sent it; null when the owner asked for it. */
  sentBy: { name: string } | null;
}

export interface PasswordResetDeps {
  db: Db;
  clock: () => number;
  ttlS: number;
  throttle: ResetThrottle;
  logger: Logger;
  /**
   * The origin put into links asked for anonymously (APP_ORIGIN). Never the request's Host: anyone can send a
   * forgot-password request for someone else with a forged Host, and the owner would get a link that hands the
   * token to the forger's site. Null: the link is a path (fine for the development mailbox; set APP_ORIGIN).
   */
  appOrigin: string | null;
  /** Queues the mail in the caller's transaction (the mail outbox). */
  sendReset: (tx: Tx, mail: PasswordResetMail) => Promise<void>;
}

/** The one confirmation every accepted request gets, on the page and in the API: it cannot say more. */
export const RESET_REQUESTED_MESSAGE =
  "If an account uses that address, we have sent it a link to choose a new password. Check your inbox (and spam folder); the link works once.";

/** Runs work after the response is sent (Next's `after()` in the app; tests collect and await it). */
export type Defer = (work: () => Promise<void>) => void;

interface Recipient {
  id: string;
  email: string;
  name: string;
}

async function issueAndMail(
  deps: PasswordResetDeps,
  user: Recipient,
  how: { actorId: string | null; sentBy: { name: string } | null; origin: string | null; metadata: SessionMetadata },
): Promise<Date> {
  return deps.db.transaction(async (tx) => {
    // A new link replaces every unused reset link of the account: only the newest mail works.
    const issued = await issueAccountToken(tx, { userId: user.id, purpose: "reset", ttlS: deps.ttlS, now: new Date(deps.clock()) });
    await deps.sendReset(tx, { to: user.email, name: user.name, link: passwordLinkUrl(issued.token, how.origin ?? undefined), expiresAt: issued.expiresAt, sentBy: how.sentBy });
    await recordAuditEvent(tx, {
      action: how.sentBy ? "user.password_reset_send" : "auth.password_reset_request",
      actorId: how.actorId,
      subjectId: user.id,
      metadata: { expiresAt: issued.expiresAt.toISOString() },
      ip: how.metadata.ip,
      userAgent: how.metadata.userAgent,
    });
    return issued.expiresAt;
  });
}

/** The part that depends on the account, run after the answer: no account, banned, or over budget → no mail. */
async function mailResetLinkIfAllowed(deps: PasswordResetDeps, email: string, metadata: SessionMetadata): Promise<void> {
  const user = await findUserByEmail(deps.db, email);
  if (!user || user.status !== "active") return;
  if (!(await deps.throttle.takeFromAccount(email))) return;
  await issueAndMail(deps, user, { actorId: null, sentBy: null, origin: deps.appOrigin, metadata });
}

/**
 * "Forgot password?": accepted (the same answer for every well-formed email), or refused for a malformed email
 * (INVALID_INPUT) or an address over its hourly budget (RATE_LIMITED, with `retryAfter` seconds).
 */
export async function requestPasswordReset(deps: PasswordResetDeps, input: { email: unknown }, metadata: SessionMetadata, defer: Defer): Promise<Result<{ accepted: true }>> {
  const email = normalizeEmail(typeof input.email === "string" ? input.email : "");
  if (!isEmailAddress(email)) return failWith("INVALID_INPUT", "Enter a valid email address.", { field: "email" });
  const wait = await deps.throttle.takeFromIp(metadata.ip ?? "unknown");
  if (wait > 0) return fail("RATE_LIMITED", { retryAfter: wait });
  defer(() =>
    mailResetLinkIfAllowed(deps, email, metadata).catch((error: unknown) => {
      // Nobody waits for this answer any more: the failure goes to the log (never the email or the link).
      deps.logger.error("password reset: could not issue the link", { error: error instanceof Error ? error.message : String(error) });
    }),
  );
  return ok({ accepted: true });
}

/** Who sends a link from the console, and the console's origin (the link points at it). */
export interface StaffResetRequest {
  actor: SessionContext;
  metadata: SessionMetadata;
  origin: string | null;
}

/** Staff send the account's owner a reset link (reset-policy.ts decides who may send to whom). */
export async function sendPasswordReset(deps: PasswordResetDeps, by: StaffResetRequest, userId: string): Promise<Result<{ expiresAt: Date }>> {
  if (!isUuid(userId)) return fail("INVALID_ID");
  const [target] = await deps.db.select({ id: users.id, email: users.email, name: users.name, role: users.role, status: users.status }).from(users).where(eq(users.id, userId));
  if (!target) return fail("USER_NOT_FOUND");
  const actor = trueUserOf(by.actor);
  const decision = canSendPasswordReset({ id: actor.id, role: actor.role, status: actor.status, impersonating: by.actor.impersonation !== null }, target);
  if (!decision.allowed) return fail(decision.code);
  const expiresAt = await issueAndMail(deps, target, { actorId: actor.id, sentBy: { name: actor.name }, origin: by.origin, metadata: by.metadata });
  return ok({ expiresAt });
}
