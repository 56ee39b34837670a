import { describe, expect, it } from "vitest";
import { STAFF_ACTIONS, stepUpRequired, type StaffAction } from "./step-up-rule";

// Written out again on purpose: a change to the rule must change this table too.
const EXPECTED: Record<StaffAction, boolean> = {
  "user.role": true,
  "user.ban": true,
  "user.unban": true,
  "session.revoke_all": true,
  "mfa.reset": true,
  "user.create_staff": true,
  "impersonation.start": true,
  "session.revoke": false,
  "user.create": false,
  "user.invite_resend": false,
  "user.invite_revoke": false,
  "impersonation.force_end": false,
  "access.request": false,
};

describe("stepUpRequired", () => {
  it.each(STAFF_ACTIONS.map((action) => [action, EXPECTED[action]] as const))("%s needs a step-up: %s", (action, expected) => {
    expect(stepUpRequired(action)).toBe(expected);
  });

  it("covers every staff action and no other", () => {
    expect([...STAFF_ACTIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("asks for a step-up before every power that takes an account over or locks its owner out", () => {
    for (const action of ["user.role", "user.ban", "user.unban", "session.revoke_all", "mfa.reset", "user.create_staff"] as const) expect(stepUpRequired(action)).toBe(true);
  });

  it("does not ask for one before an action that only takes access away or grants none", () => {
    for (const action of ["session.revoke", "impersonation.force_end", "user.invite_revoke", "access.request", "user.create"] as const) expect(stepUpRequired(action)).toBe(false);
  });
});
