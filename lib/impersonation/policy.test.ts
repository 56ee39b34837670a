/**
 * canImpersonate, exhaustively: every actor role x target role x actor status x target status x self x
 * already-impersonating. Each refusal has its own named test beside the allowed twin it differs from by
 * one attribute; a table test then walks every combination against the written rules.
 */
import { describe, expect, it } from "vitest";
import { USER_ROLES, USER_STATUSES, type UserRole, type UserStatus } from "../db/schema";
import { canImpersonate, mayImpersonateAnyone, type PolicyActor, type PolicyTarget } from "./policy";

const actor = (role: UserRole, over: Partial<PolicyActor> = {}): PolicyActor => ({ id: "actor", role, status: "active", impersonating: false, ...over });
const target = (role: UserRole, over: Partial<PolicyTarget> = {}): PolicyTarget => ({ id: "target", role, status: "active", ...over });

describe("canImpersonate: each refusal beside its allowed twin", () => {
  it("allows an admin to impersonate a user", () => {
    expect(canImpersonate(actor("admin"), target("user"))).toEqual({ allowed: true });
  });
  it("allows an admin to impersonate support staff", () => {
    expect(canImpersonate(actor("admin"), target("support"))).toEqual({ allowed: true });
  });
  it("allows support staff to impersonate a user", () => {
    expect(canImpersonate(actor("support"), target("user"))).toEqual({ allowed: true });
  });

  it("refuses a regular user with NOT_ALLOWED", () => {
    expect(canImpersonate(actor("user"), target("user"))).toEqual({ allowed: false, code: "NOT_ALLOWED" });
  });
  it("refuses a banned admin with NOT_ALLOWED", () => {
    expect(canImpersonate(actor("admin", { status: "banned" }), target("user"))).toEqual({ allowed: false, code: "NOT_ALLOWED" });
  });
  it("refuses a banned support agent with NOT_ALLOWED", () => {
    expect(canImpersonate(actor("support", { status: "banned" }), target("user"))).toEqual({ allowed: false, code: "NOT_ALLOWED" });
  });
  it("refuses an admin impersonating an admin with TARGET_IS_ADMIN", () => {
    expect(canImpersonate(actor("admin"), target("admin"))).toEqual({ allowed: false, code: "TARGET_IS_ADMIN" });
  });
  it("refuses support impersonating an admin with TARGET_IS_ADMIN", () => {
    expect(canImpersonate(actor("support"), target("admin"))).toEqual({ allowed: false, code: "TARGET_IS_ADMIN" });
  });
  it("refuses support impersonating support with TARGET_IS_SUPPORT", () => {
    expect(canImpersonate(actor("support"), target("support"))).toEqual({ allowed: false, code: "TARGET_IS_SUPPORT" });
  });
  it("refuses an admin impersonating themselves with TARGET_IS_SELF", () => {
    expect(canImpersonate(actor("admin"), { id: "actor", role: "admin", status: "active" })).toEqual({ allowed: false, code: "TARGET_IS_SELF" });
  });
  it("refuses support impersonating themselves with TARGET_IS_SELF", () => {
    expect(canImpersonate(actor("support"), { id: "actor", role: "support", status: "active" })).toEqual({ allowed: false, code: "TARGET_IS_SELF" });
  });
  it("refuses an admin impersonating a banned user with TARGET_BANNED", () => {
    expect(canImpersonate(actor("admin"), target("user", { status: "banned" }))).toEqual({ allowed: false, code: "TARGET_BANNED" });
  });
  it("refuses support impersonating a banned user with TARGET_BANNED", () => {
    expect(canImpersonate(actor("support"), target("user", { status: "banned" }))).toEqual({ allowed: false, code: "TARGET_BANNED" });
  });
  it("refuses an admin who is already impersonating with ALREADY_IMPERSONATING", () => {
    expect(canImpersonate(actor("admin", { impersonating: true }), target("user"))).toEqual({ allowed: false, code: "ALREADY_IMPERSONATING" });
  });
});

/** The rules as written in DESIGN.md, in the order their reasons are shown. */
function expected(a: PolicyActor, t: PolicyTarget): string {
  if (a.impersonating) return "ALREADY_IMPERSONATING";
  if (a.status !== "active" || a.role === "user") return "NOT_ALLOWED";
  if (a.id === t.id) return "TARGET_IS_SELF";
  if (t.role === "admin") return "TARGET_IS_ADMIN";
  if (a.role === "support" && t.role === "support") return "TARGET_IS_SUPPORT";
  if (t.status !== "active") return "TARGET_BANNED";
  return "allowed";
}

describe("canImpersonate: every combination", () => {
  const cases: { a: PolicyActor; t: PolicyTarget }[] = [];
  for (const role of USER_ROLES)
    for (const status of USER_STATUSES)
      for (const impersonating of [false, true]) {
        const a = actor(role, { status, impersonating });
        // Self: the target is the actor's own record.
        cases.push({ a, t: { id: a.id, role, status } });
        for (const targetRole of USER_ROLES)
          for (const targetStatus of USER_STATUSES) cases.push({ a, t: target(targetRole, { status: targetStatus as UserStatus }) });
      }

  it("covers 3 roles x 2 statuses x impersonating x (self + 3 target roles x 2 statuses) = 84 cases", () => {
    expect(cases).toHaveLength(84);
  });

  it.each(cases.map((c) => [`${c.a.role}/${c.a.status}${c.a.impersonating ? "/impersonating" : ""} -> ${c.t.id === c.a.id ? "self" : `${c.t.role}/${c.t.status}`}`, c] as const))(
    "%s",
    (_name, { a, t }) => {
      const decision = canImpersonate(a, t);
      expect(decision.allowed ? "allowed" : decision.code).toBe(expected(a, t));
    },
  );

  it("allows exactly three pairings: admin -> user, admin -> support, support -> user (all active, not self)", () => {
    const allowed = cases.filter((c) => canImpersonate(c.a, c.t).allowed).map((c) => `${c.a.role}->${c.t.role}`);
    expect(allowed.sort()).toEqual(["admin->support", "admin->user", "support->user"]);
  });
});

describe("mayImpersonateAnyone", () => {
  it("opens the console to admins and support staff", () => {
    expect(mayImpersonateAnyone("admin")).toBe(true);
    expect(mayImpersonateAnyone("support")).toBe(true);
  });
  it("keeps regular users out", () => {
    expect(mayImpersonateAnyone("user")).toBe(false);
  });
});
