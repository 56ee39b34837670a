/**
 * Which passwords may be set (ASVS 5.0 V6.2): a minimum length (stricter for staff, who can act as anyone), a
 * maximum only to bound hashing work, a check against a shipped list of common and breached passwords, and no
 * composition rules (they push people to predictable patterns without adding strength).
 *
 * Pure and synchronous: the seed, `npm run admin:create`, change-password and set-password all call it.
 */
import { dictionary } from "@zxcvbn-ts/language-common";
import type { UserRole } from "../db/schema";
import type { Result } from "../errors";

export const MIN_USER_PASSWORD_LENGTH = 10;
export const MIN_STAFF_PASSWORD_LENGTH = 15;
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem = "too_short" | "too_long" | "common" | "personal";

export type PasswordVerdict = { ok: true } | { ok: false; problem: PasswordProblem; message: string };

export interface PasswordContext {
  role: UserRole;
  email?: string;
  name?: string;
}

export function minPasswordLength(role: UserRole): number {
  return role === "user" ? MIN_USER_PASSWORD_LENGTH : MIN_STAFF_PASSWORD_LENGTH;
}

let common: Set<string> | undefined;

/** The zxcvbn-ts list of common passwords (from public breach corpora), built into a set on first use. */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return common;
}

/** "Password123!" and "password" are the same guess: compare without case, spaces and trailing digits or symbols. */
function coreOf(password: string): string {
  return password.toLowerCase().replace(/\s+/g, "").replace(/[^a-z]+$/u, "");
}

/** Context words (ASVS 6.2.11): a password that is only the account's own email, its local part or name. */
function isPersonal(password: string, context: PasswordContext): boolean {
  const core = coreOf(password);
  const words = [context.email, context.email?.split("@")[0], context.name, context.name?.replace(/\s+/g, "")];
  return words.some((w) => w !== undefined && w.length > 0 && coreOf(w) === core);
}

/** Longer than any password the policy lets anyone set: it can only be wrong (compared whole, never cut short). */
export function isOverlongPassword(password: string): boolean {
  return password.length > MAX_PASSWORD_LENGTH && [...password].length > MAX_PASSWORD_LENGTH;
}

export function checkPassword(password: string, context: PasswordContext): PasswordVerdict {
  // Length in code points, so a password of emoji or accented letters counts what the person typed.
  const length = [...password].length;
  const min = minPasswordLength(context.role);
  if (length < min) {
    const who = context.role === "user" ? "" : " for staff accounts";
    return { ok: false, problem: "too_short", message: `Use at least ${min} characters${who} (a few unrelated words work well).` };
  }
  if (isOverlongPassword(password)) {
    return { ok: false, problem: "too_long", message: `Use at most ${MAX_PASSWORD_LENGTH} characters.` };
  }
  const lowered = password.toLowerCase();
  const list = commonPasswords();
  if (list.has(lowered) || list.has(coreOf(password))) {
    return { ok: false, problem: "common", message: "That password appears in lists of common or breached passwords. Choose another." };
  }
  if (isPersonal(password, context)) {
    return { ok: false, problem: "personal", message: "Do not use your email address or name as the password." };
  }
  return { ok: true };
}

/** A refused password as the lib's failure value: the stable code, the verdict's own message, the problem. */
export function passwordRefusal(verdict: Extract<PasswordVerdict, { ok: false }>): Result<never> {
  return { ok: false, code: "WEAK_PASSWORD", message: verdict.message, details: { problem: verdict.problem } };
}
