import { describe, expect, it } from "vitest";
import { USER_ROLES } from "../../db/schema";
import { isStepUpFresh, mfaRequirement, type StaffMfaPolicy } from "./policy";

describe("mfaRequirement", () => {
  const table: [StaffMfaPolicy, (typeof USER_ROLES)[number], string][] = [
    ["required", "admin", "required"],
    ["required", "support", "required"],
    ["required", "user", "optional"],
    ["optional", "admin", "optional"],
    ["optional", "support", "optional"],
    ["optional", "user", "optional"],
    ["off", "admin", "off"],
    ["off", "support", "off"],
    ["off", "user", "off"],
  ];
  it("covers every role under every policy", () => {
    expect(table.length).toBe(USER_ROLES.length * 3);
  });
  it.each(table)("under %s, a %s is %s", (policy, role, expected) => {
    expect(mfaRequirement(role, policy)).toBe(expected);
  });
});

describe("isStepUpFresh", () => {
  const now = 1_000_000_000;
  const window = 900;
  it("takes the password's time for someone without a second factor", () => {
    expect(isStepUpFresh({ hasSecondFactor: false, lastAuthenticatedAt: now - 899_000, mfaVerifiedAt: null }, now, window)).toBe(true);
    expect(isStepUpFresh({ hasSecondFactor: false, lastAuthenticatedAt: now - 901_000, mfaVerifiedAt: null }, now, window)).toBe(false);
  });
  it("ignores a fresh password when the person has a second factor", () => {
    expect(isStepUpFresh({ hasSecondFactor: true, lastAuthenticatedAt: now, mfaVerifiedAt: now - 901_000 }, now, window)).toBe(false);
    expect(isStepUpFresh({ hasSecondFactor: true, lastAuthenticatedAt: now, mfaVerifiedAt: null }, now, window)).toBe(false);
  });
  it("accepts a second factor verified within the window", () => {
    expect(isStepUpFresh({ hasSecondFactor: true, lastAuthenticatedAt: now - 10_000_000, mfaVerifiedAt: now - 60_000 }, now, window)).toBe(true);
  });
});

describe("isStepUpFresh at the edges of the window (password only)", () => {
  const window = 900;
  const password = (at: number) => ({ hasSecondFactor: false, lastAuthenticatedAt: at, mfaVerifiedAt: null });
  it("accepts a sign-in exactly at the edge of the window", () => {
    expect(isStepUpFresh(password(0), window * 1000, window)).toBe(true);
  });
  it("asks again one millisecond past the window", () => {
    expect(isStepUpFresh(password(0), window * 1000 + 1, window)).toBe(false);
  });
  it("with a zero window, asks again for any sign-in in the past", () => {
    expect(isStepUpFresh(password(1000), 1000, 0)).toBe(true);
    expect(isStepUpFresh(password(1000), 1001, 0)).toBe(false);
  });
});
