/**
 * canSendPasswordReset, exhaustively: every actor role x target role x actor status x target status x self x
 * impersonating. Each refusal has its own named test beside the allowed twin it differs from by one
 * attribute; a table test then walks every combination against the written rules.
 */
import { describe, expect, it } from "vitest";
import { USER_ROLES, USER_STATUSES, type UserRole, type UserStatus } from "../db/schema";
import type { PolicyActor, PolicyTarget } from "../impersonation/policy";
import { canSendPasswordReset } from "./reset-policy";

const actor = (role: UserRole, over: Partial<PolicyActor> = {}): PolicyActor => ({ id: "actor", role, status: "active", impersonating: false, ...over });
const target = (role: UserRole, over: Partial<PolicyTarget> = {}): PolicyTarget => ({ id: "target", role, status: "active", ...over });
const ALLOWED = { allowed: true };

describe("canSendPasswordReset: each refusal beside its allowed twin", () => {
  it("allows support staff to send a link to a user", () => {
    expect(canSendPasswordReset(actor("support"), target("user"))).toEqual(ALLOWED);
  });
  it("refuses support staff sending one to support staff with RESET_NOT_ALLOWED", () => {
    expect(canSendPasswordReset(actor("support"), target("support"))).toEqual({ allowed: false, code: "RESET_NOT_ALLOWED" });
  });
  it("refuses support staff sending one to an admin with RESET_NOT_ALLOWED", () => {
    expect(canSendPasswordReset(actor("support"), target("admin"))).toEqual({ allowed: false, code: "RESET_NOT_ALLOWED" });
  });
  it("allows an admin to send a link to a user, to support staff and to another admin", () => {
    for (const role of USER_ROLES) expect(canSendPasswordReset(actor("admin"), target(role))).toEqual(ALLOWED);
  });
  it("refuses an admin sending one to themselves with RESET_TARGET_IS_SELF", () => {
    expect(canSendPasswordReset(actor("admin"), target("admin", { id: "actor" }))).toEqual({ allowed: false, code: "RESET_TARGET_IS_SELF" });
  });
  it("refuses support staff sending one to themselves with RESET_TARGET_IS_SELF", () => {
    expect(canSendPasswordReset(actor("support"), target("support", { id: "actor" }))).toEqual({ allowed: false, code: "RESET_TARGET_IS_SELF" });
  });
  it("refuses a regular user with FORBIDDEN", () => {
    expect(canSendPasswordReset(actor("user"), target("user"))).toEqual({ allowed: false, code: "FORBIDDEN" });
  });
  it("refuses a banned admin with FORBIDDEN", () => {
    expect(canSendPasswordReset(actor("admin", { status: "banned" }), target("user"))).toEqual({ allowed: false, code: "FORBIDDEN" });
  });
  it("refuses a link to a banned user with RESET_TARGET_BANNED", () => {
    expect(canSendPasswordReset(actor("admin"), target("user", { status: "banned" }))).toEqual({ allowed: false, code: "RESET_TARGET_BANNED" });
  });
  it("refuses from inside an impersonation with FORBIDDEN_WHILE_IMPERSONATING", () => {
    expect(canSendPasswordReset(actor("admin", { impersonating: true }), target("user"))).toEqual({ allowed: false, code: "FORBIDDEN_WHILE_IMPERSONATING" });
  });
});

/** The rules as written in reset-policy.ts's header, applied in their stated order. */
function expected(a: PolicyActor, t: PolicyTarget) {
  if (a.impersonating) return "FORBIDDEN_WHILE_IMPERSONATING";
  if (a.status !== "active" || a.role === "user") return "FORBIDDEN";
  if (a.id === t.id) return "RESET_TARGET_IS_SELF";
  if (a.role === "support" && t.role !== "user") return "RESET_NOT_ALLOWED";
  if (t.status !== "active") return "RESET_TARGET_BANNED";
  return null;
}

describe("canSendPasswordReset: every combination", () => {
  const cases: [PolicyActor, PolicyTarget][] = [];
  for (const aRole of USER_ROLES)
    for (const aStatus of USER_STATUSES)
      for (const tRole of USER_ROLES)
        for (const tStatus of USER_STATUSES)
          for (const self of [false, true])
            for (const impersonating of [false, true]) {
              const a = actor(aRole, { status: aStatus as UserStatus, impersonating });
              // Oneself has one role and one status.
              const t = self ? target(aRole, { id: a.id, status: aStatus as UserStatus }) : target(tRole, { status: tStatus as UserStatus });
              cases.push([a, t]);
            }

  it(`decides all ${cases.length} combinations as the rules say, and allows exactly the four pairs the rules name`, () => {
    const allowedPairs = new Set<string>();
    for (const [a, t] of cases) {
      const code = expected(a, t);
      expect(canSendPasswordReset(a, t), JSON.stringify({ a, t })).toEqual(code ? { allowed: false, code } : ALLOWED);
      if (!code) allowedPairs.add(`${a.role}->${t.role}`);
    }
    expect([...allowedPairs].sort()).toEqual(["admin->admin", "admin->support", "admin->user", "support->user"]);
  });
});
