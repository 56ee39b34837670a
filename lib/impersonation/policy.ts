/**
 * Who may impersonate whom: one pure function, exhaustively unit-tested.
 * Admins may impersonate users and support staff; support staff may impersonate users.
 * Nobody impersonates an admin, themselves, a banned user, or while already impersonating (no chains).
 */
import type { ImpersonationMode, UserRole, UserStatus } from "../db/schema";
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


/**
 * IMPERSONATION_CONSENT: which impersonations need the user's grant. `write` (the default): only those that
 * can make changes; `always`: every one; `off`: none.
 */
export const CONSENT_POLICIES = ["write", "always", "off"] as const;
export type ConsentPolicy = (typeof CONSENT_POLICIES)[number];

/** IMPERSONATION_WRITE_ROLES when unset: writing as someone else is an administrator's capability. */
export const DEFAULT_WRITE_ROLES: readonly UserRole[] = ["admin"];

export type WriteDecision = { allowed: true } | { allowed: false; code: "WRITE_NOT_ALLOWED" };

/**
 * Who may start an impersonation that can make changes: an active actor whose role may impersonate at all
 * and is one of `writeRoles`. Asked in addition to canImpersonate, never instead of it.
 */
export function canImpersonateWithWrite(actor: Pick<PolicyActor, "role" | "status">, writeRoles: readonly UserRole[]): WriteDecision {
  const capable = actor.status === "active" && mayImpersonateAnyone(actor.role) && writeRoles.includes(actor.role);
  return capable ? { allowed: true } : { allowed: false, code: "WRITE_NOT_ALLOWED" };
}

/** The scope of grant an impersonation in `mode` needs under `policy`, or null when it needs none. */
export function consentNeeded(policy: ConsentPolicy, mode: ImpersonationMode): ImpersonationMode | null {
  if (policy === "off") return null;
  if (policy === "always") return mode;
  return mode === "write" ? "write" : null;
}

/** A grant of `scope` allows an impersonation in `mode`: write covers read, read covers only read. */
export function grantCovers(scope: ImpersonationMode, mode: ImpersonationMode): boolean {
  return scope === "write" || mode === "read";
}
