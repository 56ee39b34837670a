/**
 * Setting a password through a single-use link (the first admin's setup link today). The link is checked, the
 * password passes the policy for the account's role, and only then is the link consumed, in the same transaction
 * as the new password, so a refused password leaves the link usable and two submissions cannot both win.
 */
import { recordAuditEvent } from "../audit/audit";
import { hashPassword } from "../auth/password";
import { checkPassword, passwordRefusal } from "../auth/password-policy";
import type { AccountTokenPurpose } from "../db/schema";
import { fail, ok, type Result } from "../errors";
import type { Runtime } from "../runtime";
import type { SessionMetadata } from "../session/types";
import { setUserPassword } from "../users/users";
import { consumeAccountToken, findUsableAccountToken } from "./account-tokens";

type Deps = Pick<Runtime, "database" | "sessions" | "clock">;

export async function setPasswordWithLink(
  deps: Deps,
  input: { token: string; purposes: readonly AccountTokenPurpose[]; password: string },
  metadata: SessionMetadata,
): Promise<Result<{ token: string; userId: string }>> {
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
    await recordAuditEvent(tx, {
      action: "auth.password_set",
      actorId: owner.userId,
      subjectId: owner.userId,
      metadata: { via: owner.purpose },
      ip: metadata.ip,
      userAgent: metadata.userAgent,
    });
    return owner;
  });
  if (!consumed) return fail("LINK_INVALID");
  // Whoever held a session before the password existed is signed out; the owner continues on a fresh one.
  await deps.sessions.revokeUserSessionsWithCache(consumed.userId);
  const issued = await deps.sessions.createSession(consumed.userId, metadata);
  return ok({ token: issued.token, userId: consumed.userId });
}
