/**
 * Who may use which part of the app: one pure function, `accessRefusal`, that every adapter asks (the
 * route-handler guards, the server-action helper, the page guard) and whose answer each only translates
 * (a 403 JSON, a flash, a forbidden page). Who may impersonate whom is `canImpersonate` beside it.
 *
 * Each area is an ordered list of rules; the first that refuses names the code shown, so the order goes
 * from the session's standing to the role. A new rule (a capability an impersonation must hold, a second
 * factor staff must have enrolled) is one more entry in the lists it applies to, tested here.
 */
import type { UserRole } from "../db/schema";
import type { ErrorCode } from "../errors";
import { mayImpersonateAnyone } from "../impersonation/policy";

/**
 * - `session`: any signed-in user (the route or action decides the rest);
 * - `own-account`: the account's owner acting on it (password, own sessions), never an impersonator;
 * - `staff`: the admin console (admins and support staff), never from inside an impersonation;
 * - `admin`: role changes, bans, revoking other people's sessions, ending impersonations.
 */
export const ACCESS_AREAS = ["session", "own-account", "staff", "admin"] as const;
export type AccessArea = (typeof ACCESS_AREAS)[number];

export type AccessRefusal = Extract<ErrorCode, "FORBIDDEN" | "FORBIDDEN_WHILE_IMPERSONATING">;

/** What the rules read of a session: structural, so a SessionContext is one and tests need no fixture. */
export interface AccessSubject {
  user: { role: UserRole };
  impersonation: object | null;
}

type Rule = (subject: AccessSubject) => AccessRefusal | null;

// An impersonator acts as the target for reading and helping, never with the target's account powers
// (that would be a takeover) nor with their own staff powers (a path out of the audit trail).
const notImpersonating: Rule = (s) => (s.impersonation ? "FORBIDDEN_WHILE_IMPERSONATING" : null);
const staffRole: Rule = (s) => (mayImpersonateAnyone(s.user.role) ? null : "FORBIDDEN");
const adminRole: Rule = (s) => (s.user.role === "admin" ? null : "FORBIDDEN");

const RULES: Record<AccessArea, readonly Rule[]> = {
  session: [],
  "own-account": [notImpersonating],
  staff: [notImpersonating, staffRole],
  admin: [notImpersonating, staffRole, adminRole],
};

/** Null when the session may use the area, else the stable code to refuse with. */
export function accessRefusal(subject: AccessSubject, area: AccessArea): AccessRefusal | null {
  for (const rule of RULES[area]) {
    const refusal = rule(subject);
    if (refusal) return refusal;
  }
  return null;
}

/** For UI chrome (showing the console link): the same rule, as a yes or no. */
export function mayUse(subject: AccessSubject, area: AccessArea): boolean {
  return accessRefusal(subject, area) === null;
}
