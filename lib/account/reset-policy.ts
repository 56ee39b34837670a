/**
 * Who may send a password reset link to whom: one pure function, exhaustively unit-tested.
 * Support staff may send one to regular users; admins to users, support staff and other admins; nobody to
 * themselves (their own password changes on /account, with the current one), nobody to a banned account, and
 * nobody from inside an impersonation. The link only ever goes to the account's own email: staff never see or
 * set the password, so an admin reaching another admin this way grants nothing beyond a mail to its owner.
 */
import type { UserRole } from "../db/schema";
import type { ErrorCode } from "../errors";
import type { PolicyActor, PolicyTarget } from "../impersonation/policy";

export type ResetDenial = Extract<ErrorCode, "FORBIDDEN" | "FORBIDDEN_WHILE_IMPERSONATING" | "RESET_TARGET_IS_SELF" | "RESET_NOT_ALLOWED" | "RESET_TARGET_BANNED">;
export type ResetDecision = { allowed: true } | { allowed: false; code: ResetDenial };

const RESETTABLE_BY: Record<UserRole, readonly UserRole[]> = {
  admin: ["user", "support", "admin"],
  support: ["user"],
  user: [],
};

export function canSendPasswordReset(actor: PolicyActor, target: PolicyTarget): ResetDecision {
  // Order matters: the first reason is the one shown, from the actor's standing to the target's.
  if (actor.impersonating) return { allowed: false, code: "FORBIDDEN_WHILE_IMPERSONATING" };
  if (actor.status !== "active" || RESETTABLE_BY[actor.role].length === 0) return { allowed: false, code: "FORBIDDEN" };
  if (actor.id === target.id) return { allowed: false, code: "RESET_TARGET_IS_SELF" };
  if (!RESETTABLE_BY[actor.role].includes(target.role)) return { allowed: false, code: "RESET_NOT_ALLOWED" };
  if (target.status !== "active") return { allowed: false, code: "RESET_TARGET_BANNED" };
  return { allowed: true };
}
