/**
 * accessRefusal, exhaustively: every area x role x impersonating. Each refusal sits beside the allowed twin
 * it differs from by one attribute; a table test then walks every combination against the written rules.
 */
import { describe, expect, it } from "vitest";
import { USER_ROLES, type UserRole } from "../db/schema";
import { ACCESS_AREAS, accessRefusal, isReadMethod, mayUse, READ_ONLY_EXITS, readOnlyRefusal, type AccessArea, type AccessPolicy, type AccessSubject } from "./access";
import type { StaffMfaPolicy } from "./mfa/policy";

const IMPERSONATION = { reason: "ticket", parentSessionId: "parent" };
const signedIn = (role: UserRole, aal: 1 | 2 = 1): AccessSubject => ({ user: { role }, impersonation: null, aal });
const impersonating = (role: UserRole, aal: 1 | 2 = 1): AccessSubject => ({ user: { role }, impersonation: IMPERSONATION, aal });
/** The rules that do not depend on second factors hold under every STAFF_MFA except "required"'s extra rule. */
const OPTIONAL: AccessPolicy = { staffMfa: "optional" };

describe("accessRefusal: each refusal beside its allowed twin", () => {
  it("lets any signed-in user through to the session area, impersonating or not", () => {
    for (const role of USER_ROLES) {
      expect(accessRefusal(signedIn(role), "session")).toBeNull();
      expect(accessRefusal(impersonating(role), "session")).toBeNull();
    }
  });

  it("lets the owner act on their own account", () => {
    expect(accessRefusal(signedIn("user"), "own-account")).toBeNull();
  });
  it("refuses an impersonator acting on the target's account with FORBIDDEN_WHILE_IMPERSONATING", () => {
    expect(accessRefusal(impersonating("user"), "own-account")).toBe("FORBIDDEN_WHILE_IMPERSONATING");
  });

  it("lets support staff into the console", () => {
    expect(accessRefusal(signedIn("support"), "staff", OPTIONAL)).toBeNull();
  });
  it("lets an admin into the console", () => {
    expect(accessRefusal(signedIn("admin"), "staff", OPTIONAL)).toBeNull();
  });
  it("refuses a regular user the console with FORBIDDEN", () => {
    expect(accessRefusal(signedIn("user"), "staff", OPTIONAL)).toBe("FORBIDDEN");
  });
  it("refuses the console from inside an impersonation of a support agent with FORBIDDEN_WHILE_IMPERSONATING", () => {
    expect(accessRefusal(impersonating("support"), "staff", OPTIONAL)).toBe("FORBIDDEN_WHILE_IMPERSONATING");
  });
  it("names the impersonation, not the role, when a regular user's session is an impersonation", () => {
    expect(accessRefusal(impersonating("user"), "staff", OPTIONAL)).toBe("FORBIDDEN_WHILE_IMPERSONATING");
  });

  it("lets an admin use the admin-only actions", () => {
    expect(accessRefusal(signedIn("admin"), "admin", OPTIONAL)).toBeNull();
  });
  it("refuses support staff the admin-only actions with FORBIDDEN", () => {
    expect(accessRefusal(signedIn("support"), "admin", OPTIONAL)).toBe("FORBIDDEN");
  });
  it("refuses a regular user the admin-only actions with FORBIDDEN", () => {
    expect(accessRefusal(signedIn("user"), "admin", OPTIONAL)).toBe("FORBIDDEN");
  });
  it("refuses the admin-only actions from inside an impersonation with FORBIDDEN_WHILE_IMPERSONATING, whatever the role", () => {
    for (const role of USER_ROLES) expect(accessRefusal(impersonating(role), "admin", OPTIONAL)).toBe("FORBIDDEN_WHILE_IMPERSONATING");
  });
});

describe("accessRefusal: every combination against the written rules", () => {
  const expected = (area: AccessArea, role: UserRole, imp: boolean, aal: 1 | 2, staffMfa: StaffMfaPolicy): string | null => {
    if (area === "session") return null;
    if (imp) return "FORBIDDEN_WHILE_IMPERSONATING";
    if (area === "own-account") return null;
    if (area === "staff" && role === "user") return "FORBIDDEN";
    if (area === "admin" && role !== "admin") return "FORBIDDEN";
    return staffMfa === "required" && aal < 2 ? "MFA_ENROLMENT_REQUIRED" : null;
  };
  for (const area of ACCESS_AREAS) {
    for (const role of USER_ROLES) {
      for (const imp of [false, true]) {
        for (const aal of [1, 2] as const) {
          for (const staffMfa of ["required", "optional", "off"] as const) {
            const want = expected(area, role, imp, aal, staffMfa);
            it(`${area} / ${role}${imp ? " / impersonating" : ""} / aal ${aal} / STAFF_MFA=${staffMfa} -> ${want ?? "allowed"}`, () => {
              const subject = imp ? impersonating(role, aal) : signedIn(role, aal);
              expect(accessRefusal(subject, area, { staffMfa })).toBe(want);
              expect(mayUse(subject, area, { staffMfa })).toBe(want === null);
            });
          }
        }
      }
    }
  }
});

describe("readOnlyRefusal: deny by default inside a read-only impersonation", () => {
  const readOnly = { impersonation: { mode: "read" as const } };
  const write = { impersonation: { mode: "write" as const } };
  const own = { impersonation: null };

  it("refuses a change from a read-only impersonation with IMPERSONATION_READ_ONLY", () => {
    expect(readOnlyRefusal(readOnly, { change: true })).toBe("IMPERSONATION_READ_ONLY");
  });
  it("lets a read-only impersonation read (the twin)", () => {
    expect(readOnlyRefusal(readOnly, { change: false })).toBeNull();
  });
  it("lets a read-only impersonation leave through each declared exit", () => {
    for (const exit of READ_ONLY_EXITS) expect(readOnlyRefusal(readOnly, { change: true, exit })).toBeNull();
  });
  it("treats an impersonation without a mode (an older cached context) as read-only", () => {
    expect(readOnlyRefusal({ impersonation: {} }, { change: true })).toBe("IMPERSONATION_READ_ONLY");
  });
  it("lets a write impersonation and a user's own session change state", () => {
    expect(readOnlyRefusal(write, { change: true })).toBeNull();
    expect(readOnlyRefusal(own, { change: true })).toBeNull();
  });

  for (const subject of [readOnly, write, own]) {
    for (const change of [false, true]) {
      for (const exit of [null, ...READ_ONLY_EXITS]) {
        const name = subject.impersonation ? subject.impersonation.mode : "own";
        const want = name === "read" && change && !exit ? "IMPERSONATION_READ_ONLY" : null;
        it(`${name} / ${change ? "change" : "read"} / exit ${exit ?? "none"} -> ${want ?? "allowed"}`, () => {
          expect(readOnlyRefusal(subject, { change, exit })).toBe(want);
        });
      }
    }
  }

  it("counts only GET and HEAD as reads", () => {
    expect(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "PROPFIND"].filter(isReadMethod)).toEqual(["GET", "HEAD"]);
  });
});
