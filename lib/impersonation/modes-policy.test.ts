/**
 * The write capability and the consent rule, exhaustively: each refusal beside its allowed twin, then every
 * combination against the rules as written in DESIGN.md ("Least privilege while impersonating").
 */
import { describe, expect, it } from "vitest";
import { IMPERSONATION_MODES, USER_ROLES, USER_STATUSES, type ImpersonationMode, type UserRole } from "../db/schema";
import { canImpersonateWithWrite, CONSENT_POLICIES, consentNeeded, DEFAULT_WRITE_ROLES, grantCovers, type ConsentPolicy } from "./policy";

describe("canImpersonateWithWrite: each refusal beside its allowed twin", () => {
  it("lets an active admin start a write impersonation by default", () => {
    expect(canImpersonateWithWrite({ role: "admin", status: "active" }, DEFAULT_WRITE_ROLES)).toEqual({ allowed: true });
  });
  it("refuses support staff a write impersonation by default with WRITE_NOT_ALLOWED", () => {
    expect(canImpersonateWithWrite({ role: "support", status: "active" }, DEFAULT_WRITE_ROLES)).toEqual({ allowed: false, code: "WRITE_NOT_ALLOWED" });
  });
  it("lets support staff write once IMPERSONATION_WRITE_ROLES names them", () => {
    expect(canImpersonateWithWrite({ role: "support", status: "active" }, ["admin", "support"])).toEqual({ allowed: true });
  });
  it("refuses a banned admin with WRITE_NOT_ALLOWED", () => {
    expect(canImpersonateWithWrite({ role: "admin", status: "banned" }, DEFAULT_WRITE_ROLES)).toEqual({ allowed: false, code: "WRITE_NOT_ALLOWED" });
  });
  it("refuses a regular user even when a misconfiguration lists the role", () => {
    expect(canImpersonateWithWrite({ role: "user", status: "active" }, ["user", "admin"])).toEqual({ allowed: false, code: "WRITE_NOT_ALLOWED" });
  });
  it("refuses an admin when IMPERSONATION_WRITE_ROLES names only support", () => {
    expect(canImpersonateWithWrite({ role: "admin", status: "active" }, ["support"])).toEqual({ allowed: false, code: "WRITE_NOT_ALLOWED" });
  });
});

describe("canImpersonateWithWrite: every combination", () => {
  const roleSets: UserRole[][] = [[], ["admin"], ["support"], ["admin", "support"], ["user"], ["admin", "support", "user"]];
  for (const role of USER_ROLES) {
    for (const status of USER_STATUSES) {
      for (const roles of roleSets) {
        const want = status === "active" && role !== "user" && roles.includes(role);
        it(`${role} / ${status} / write roles [${roles.join(",")}] -> ${want ? "allowed" : "WRITE_NOT_ALLOWED"}`, () => {
          expect(canImpersonateWithWrite({ role, status }, roles).allowed).toBe(want);
        });
      }
    }
  }
});

describe("consentNeeded and grantCovers", () => {
  it("needs a write grant for a write impersonation under the default `write` policy", () => {
    expect(consentNeeded("write", "write")).toBe("write");
  });
  it("needs no grant for a read impersonation under `write` (the twin)", () => {
    expect(consentNeeded("write", "read")).toBeNull();
  });
  it("needs a grant of the mode's own scope for every impersonation under `always`", () => {
    expect(consentNeeded("always", "read")).toBe("read");
    expect(consentNeeded("always", "write")).toBe("write");
  });
  it("needs no grant under `off`", () => {
    expect(consentNeeded("off", "write")).toBeNull();
    expect(consentNeeded("off", "read")).toBeNull();
  });
  it("lets a write grant cover both modes and a read grant only reading", () => {
    expect(grantCovers("write", "write")).toBe(true);
    expect(grantCovers("write", "read")).toBe(true);
    expect(grantCovers("read", "read")).toBe(true);
    expect(grantCovers("read", "write")).toBe(false);
  });

  const needs = (policy: ConsentPolicy, mode: ImpersonationMode) => (policy === "always" || (policy === "write" && mode === "write") ? mode : null);
  for (const policy of CONSENT_POLICIES) {
    for (const mode of IMPERSONATION_MODES) {
      it(`IMPERSONATION_CONSENT=${policy}, mode ${mode} -> ${needs(policy, mode) ?? "no grant"}`, () => {
        expect(consentNeeded(policy, mode)).toBe(needs(policy, mode));
      });
    }
  }
});
