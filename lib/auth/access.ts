/**
 * Who may use which part of the app: one pure function, `accessRefusal`, that every adapter asks (the
 * route-handler guards, the server-action helper, the page guard) and whose answer each only translates
 * (a 403 JSON, a flash, a forbidden page). Who may impersonate whom is `canImpersonate` beside it.
 *
 * Each area is an ordered list of rules; the first that refuses names the code shown, so the order goes
 * from the session's standing to the role. A new rule (a capability an impersonation must hold, a second
 * factor staff must have enrolled) is one more entry in the lists it applies to, tested here.
 */
import type { ImpersonationMode, UserRole } from "../db/schema";
import type { ErrorCode } from "../errors";
import { mayImpersonateAnyone } from "../impersonation/policy";
import type { StaffMfaPolicy } from "./mfa/policy";

/**
 * - `session`: any signed-in user (the route or action decides the rest);
 * - `own-account`: the account's owner acting on it (password, own sessions), never an impersonator;
 * - `staff`: the admin console (admins and support staff), never from inside an impersonation;
 * - `admin`: role changes, bans, revoking other people's sessions, ending impersonations.
 */
export const ACCESS_AREAS = ["session", "own-account", "staff", "admin"] as const;
export type AccessArea = (typeof ACCESS_AREAS)[number];

export type AccessRefusal = Extract<ErrorCode, "FORBIDDEN" | "FORBIDDEN_WHILE_IMPERSONATING" | "MFA_ENROLMENT_REQUIRED">;

/** What the rules read of a session: structural, so a SessionContext is one and tests need no fixture. */
export interface AccessSubject {
  user: { role: UserRole };
  impersonation: object | null;
  /** 2 once the sign-in passed a second factor (lib/auth/mfa). */
  aal: 1 | 2;
}

/** The deployment's settings the rules depend on (required, so no caller can forget one). */
export interface AccessPolicy {
  staffMfa: StaffMfaPolicy;
}

/** The policy as the configuration gives it. */
export function accessPolicyOf(config: { mfa: { staffPolicy: StaffMfaPolicy } }): AccessPolicy {
  return { staffMfa: config.mfa.staffPolicy };
}

type Rule = (subject: AccessSubject, policy: AccessPolicy) => AccessRefusal | null;

// An impersonator acts as the target for reading and helping, never with the target's account powers
// (that would be a takeover) nor with their own staff powers (a path out of the audit trail).
const notImpersonating: Rule = (s) => (s.impersonation ? "FORBIDDEN_WHILE_IMPERSONATING" : null);
const staffRole: Rule = (s) => (mayImpersonateAnyone(s.user.role) ? null : "FORBIDDEN");
const adminRole: Rule = (s) => (s.user.role === "admin" ? null : "FORBIDDEN");
// Under STAFF_MFA=required a staff sign-in without a second factor may enrol one and nothing else: someone
// holding only a staff password must not reach the power to act as anyone.
const staffSecondFactor: Rule = (s, p) => (p.staffMfa === "required" && s.aal < 2 ? "MFA_ENROLMENT_REQUIRED" : null);

const RULES: Record<AccessArea, readonly Rule[]> = {
  session: [],
  "own-account": [notImpersonating],
  staff: [notImpersonating, staffRole, staffSecondFactor],
  admin: [notImpersonating, staffRole, adminRole, staffSecondFactor],
};

/** Areas whose rules read nothing of the deployment's policy. */
type PolicyFreeArea = "session" | "own-account";
const NO_POLICY_NEEDED: AccessPolicy = { staffMfa: "off" };

/** Null when the session may use the area, else the stable code to refuse with. */
export function accessRefusal(subject: AccessSubject, area: PolicyFreeArea): AccessRefusal | null;
export function accessRefusal(subject: AccessSubject, area: AccessArea, policy: AccessPolicy): AccessRefusal | null;
export function accessRefusal(subject: AccessSubject, area: AccessArea, policy?: AccessPolicy): AccessRefusal | null {
  // The overloads demand a policy for every area that reads one; the fallback serves only the policy-free ones.
  const settings = policy ?? NO_POLICY_NEEDED;
  for (const rule of RULES[area]) {
    const refusal = rule(subject, settings);
    if (refusal) return refusal;
  }
  return null;
}

/** For UI chrome (showing the console link): the same rule, as a yes or no. */
export function mayUse(subject: AccessSubject, area: AccessArea, policy: AccessPolicy): boolean {
  return accessRefusal(subject, area, policy) === null;
}

/**
 * The only state-changing requests a read-only impersonation may make: leaving it. Each is named where it is
 * declared (the route's `apiHandler` option, the action's guard call), and test/architecture.test.ts pins the
 * list of declarations to exactly these.
 */
export const READ_ONLY_EXITS = ["stop-impersonation", "sign-out"] as const;
export type ReadOnlyExit = (typeof READ_ONLY_EXITS)[number];

/** The methods that only read (a page load, a GET of the API); every other method changes state. */
export function isReadMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/** What the read-only rule reads of a session: whether it impersonates, and in which mode. */
export interface ModeSubject {
  impersonation: { mode?: ImpersonationMode } | null;
}

/**
 * Deny by default: a read-only impersonation may read anything it could read anyway, and change nothing
 * except by leaving (an exit). A mode missing from an older cached context counts as read-only.
 * `change` is a request that changes state (a server action, or a method other than GET/HEAD).
 */
export function readOnlyRefusal(subject: ModeSubject, request: { change: boolean; exit?: ReadOnlyExit | null }): "IMPERSONATION_READ_ONLY" | null {
  if (!subject.impersonation || subject.impersonation.mode === "write") return null;
  if (!request.change || request.exit) return null;
  return "IMPERSONATION_READ_ONLY";
}
