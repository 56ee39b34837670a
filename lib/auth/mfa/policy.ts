/**
 * Who must, may or need not use a second factor (STAFF_MFA), and when a step-up needs one. Pure functions.
 */
import type { UserRole } from "../../db/schema";

export type StaffMfaPolicy = "required" | "optional" | "off";

export const isStaffRole = (role: UserRole): boolean => role === "admin" || role === "support";

/**
 * "required": staff cannot use any staff power until they have enrolled a factor (they may sign in to enrol).
 * Users may always enrol; nobody is required to under "optional"; "off" hides enrolment altogether.
 */
export function mfaRequirement(role: UserRole, policy: StaffMfaPolicy): "required" | "optional" | "off" {
  if (policy === "off") return "off";
  return policy === "required" && isStaffRole(role) ? "required" : "optional";
}

/**
 * A step-up (impersonation, admin actions, MFA changes) is fresh when the strongest factor the person has was
 * verified within the window: the second factor when they have one, else the password.
 */
export function isStepUpFresh(input: { hasSecondFactor: boolean; lastAuthenticatedAt: number; mfaVerifiedAt: number | null }, nowMs: number, windowS: number): boolean {
  const verifiedAt = input.hasSecondFactor ? input.mfaVerifiedAt : input.lastAuthenticatedAt;
  return verifiedAt !== null && nowMs - verifiedAt <= windowS * 1000;
}
