/**
 * Who may impersonate whom: one pure function, exhaustively unit-tested.
 * Admins may impersonate users and support staff; support staff may impersonate users.
 * Nobody impersonates an admin, themselves, a banned user, or while already impersonating (no chains).
 */
import type { UserRole, UserStatus } from "../db/schema";
import type { ErrorCode } from "../errors";

export interface PolicyActor {
  id: string;
  role: UserRole;
  status: UserStatus;
  /** True when the actor's current session is itself an impersonation. */
  impersonating: boolean;
}

export interface PolicyTarget {
  id: string;
  role: UserRole;
  status: UserStatus;
}

export type ImpersonationDecision = { allowed: true } | { allowed: false; code: ImpersonationDenial };

export type ImpersonationDenial = Extract<
  ErrorCode,
  "NOT_ALLOWED" | "ALREADY_IMPERSONATING" | "TARGET_IS_SELF" | "TARGET_IS_ADMIN" | "TARGET_IS_SUPPORT" | "TARGET_BANNED"
>;

const IMPERSONATABLE_BY: Record<UserRole, readonly UserRole[]> = {
  admin: ["user", "support"],
  support: ["user"],
  user: [],
};

/** Roles that may open the console and start impersonations at all. */
export function mayImpersonateAnyone(role: UserRole): boolean {
  return IMPERSONATABLE_BY[role].length > 0;
}

export function canImpersonate(actor: PolicyActor, target: PolicyTarget): ImpersonationDecision {
  // Order matters: the first reason is the one shown, from the actor's standing to the target's.
  if (actor.impersonating) return { allowed: false, code: "ALREADY_IMPERSONATING" };
  if (actor.status !== "active" || !mayImpersonateAnyone(actor.role)) return { allowed: false, code: "NOT_ALLOWED" };
  if (actor.id === target.id) return { allowed: false, code: "TARGET_IS_SELF" };
  if (target.role === "admin") return { allowed: false, code: "TARGET_IS_ADMIN" };
  if (!IMPERSONATABLE_BY[actor.role].includes(target.role)) return { allowed: false, code: "TARGET_IS_SUPPORT" };
  if (target.status !== "active") return { allowed: false, code: "TARGET_BANNED" };
  return { allowed: true };
}

