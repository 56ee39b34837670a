/**
 * The account's display name: the one thing about an account that a helper may change for its owner. An
 * impersonation that can make changes may fix it (how the name shows is help, not a takeover); a read-only
 * one never reaches here (the adapters' guard), and credentials (password, factors, sessions) stay the
 * owner's alone (lib/account/account.ts). Audited with the true actor and, while impersonating, the mode.
 */
import { recordAuditEvent } from "../audit/audit";
import { failWith, ok, type Result } from "../errors";
import type { Runtime } from "../runtime";
import { impersonationAuditMetadata, trueUserOf, type SessionContext, type SessionMetadata } from "../session/types";
import { setUserName, USER_NAME_MAX } from "../users/users";

type Deps = Pick<Runtime, "database" | "sessions">;

export async function renameAccount(deps: Deps, session: SessionContext, input: unknown, metadata: SessionMetadata): Promise<Result<{ name: string; changed: boolean }>> {
  const name = typeof input === "string" ? input.trim() : "";
  if (name.length === 0 || [...name].length > USER_NAME_MAX) return failWith("INVALID_INPUT", `Enter a name (at most ${USER_NAME_MAX} characters).`, { field: "name" });
  const before = session.user.name;
  if (name === before) return ok({ name, changed: false });
  const updated = await setUserName(deps.database.db, session.user.id, name);
  if (!updated) return failWith("USER_NOT_FOUND", "No such user.");
  // The name travels in every cached session context of the user (an impersonation of them included).
  await deps.sessions.dropUserFromCache(session.user.id);
  await recordAuditEvent(deps.database.db, {
    action: "user.rename",
    actorId: trueUserOf(session).id,
    subjectId: session.user.id,
    metadata: { before: { name: before }, after: { name }, ...impersonationAuditMetadata(session) },
    ip: metadata.ip,
    userAgent: metadata.userAgent,
  });
  return ok({ name, changed: true });
}
