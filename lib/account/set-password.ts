/**
 * Setting a password through a single-use link: the first admin's setup link, an invitation, a password reset.
 * The link is checked, the password passes the policy for the account's role, and only then is the link
 * consumed, in the same transaction as the new password, so a refused password leaves the link usable and two
 * submissions cannot both win. Every other password link of the account dies with it (an older mail must not
 * overwrite the newer password), and every session of the account ends, impersonations of it included.
 *
 * A first password (setup, invitation) signs its owner in on a fresh session: the account had no password and
 * no second factor, so the link was the only credential there was. A reset signs nobody in: the link proves
 * control of the mailbox, not of a second factor the account may have, so the owner signs in again with the new
 * password and whatever else the account requires.
 */
import { recordAuditEvent } from "../audit/audit";
import { hashPassword } from "../auth/password";
import { checkPassword, passwordRefusal } from "../auth/password-policy";
import type { AccountTokenPurpose } from "../db/schema";
import { fail, ok, type Result } from "../errors";
import type { Runtime } from "../runtime";
import type { SessionMetadata } from "../session/types";
import { setUserPassword } from "../users/users";
import { consumeAccountToken, findUsableAccountToken, PASSWORD_LINK_PURPOSES, revokeAccountTokens } from "./account-tokens";

type Deps = Pick<Runtime, "database" | "sessions" | "clock">;

export interface PasswordSet {
  userId: string;
  purpose: AccountTokenPurpose;
  /** The new session's token after a first password; null after a reset (sign in again). */
  token: string | null;
}

/** Whether setting a password through a link of this purpose signs its holder in. */
export function signsInAfterPasswordSet(purpose: AccountTokenPurpose): boolean {
  return purpose !== "reset";
}

export async function setPasswordWithLink(
  deps: Deps,
  input: { token: string; purposes: readonly AccountTokenPurpose[]; password: string },
  metadata: SessionMetadata,
): Promise<Result<PasswordSet>> {
  const now = new Date(deps.clock());
  const holder = await findUsableAccountToken(deps.database.db, input.token, input.purposes, now);
  if (!holder) return fail("LINK_INVALID");
  const verdict = checkPassword(input.password, { role: holder.role, email: holder.email, name: holder.name });
  if (!verdict.ok) return passwordRefusal(verdict);
  const passwordHash = await hashPassword(input.password);
  const consumed = await deps.database.db.transaction(async (tx) => {
    const owner = await consumeAccountToken(tx, input.token, input.purposes, now);
    if (!owner) return null;
    await setUserPassword(tx, owner.userId, passwordHash);
    await revokeAccountTokens(tx, owner.userId, PASSWORD_LINK_PURPOSES);
    await recordAuditEvent(tx, {
      action: owner.purpose === "reset" ? "auth.password_reset" : "auth.password_set",
      actorId: owner.userId,
      subjectId: owner.userId,
      metadata: { via: owner.purpose },
      ip: metadata.ip,
      userAgent: metadata.userAgent,
    });
    return owner;
  });
  if (!consumed) return fail("LINK_INVALID");
  // Every session goes, in every tier (Postgres, Redis, each instance's L1): whoever held the old password, or
  // a session before the first one existed, is signed out; impersonations of the account end with them.
  await deps.sessions.revokeUserSessionsWithCache(consumed.userId);
  if (!signsInAfterPasswordSet(consumed.purpose)) return ok({ userId: consumed.userId, purpose: consumed.purpose, token: null });
  const issued = await deps.sessions.createSession(consumed.userId, metadata);
  return ok({ userId: consumed.userId, purpose: consumed.purpose, token: issued.token });
}
