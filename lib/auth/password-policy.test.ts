import { describe, expect, it } from "vitest";
import { checkPassword, MAX_PASSWORD_LENGTH, MIN_STAFF_PASSWORD_LENGTH, MIN_USER_PASSWORD_LENGTH, minPasswordLength } from "./password-policy";

const user = { role: "user" as const, email: "ada.lovelace@example.com", name: "Ada Lovelace" };
const admin = { role: "admin" as const, email: "ops@example.com", name: "Ops Lead" };

describe("password policy", () => {
  it("asks staff for longer passwords than users", () => {
    expect(minPasswordLength("user")).toBe(MIN_USER_PASSWORD_LENGTH);
    expect(minPasswordLength("support")).toBe(MIN_STAFF_PASSWORD_LENGTH);
    expect(minPasswordLength("admin")).toBe(MIN_STAFF_PASSWORD_LENGTH);
    expect(MIN_STAFF_PASSWORD_LENGTH).toBeGreaterThan(MIN_USER_PASSWORD_LENGTH);
  });

  it.each([
    ["a user password one character short", "q".repeat(MIN_USER_PASSWORD_LENGTH - 2) + "z", user, "too_short"],
    ["a staff password that would do for a user", "violet tram 4 k", { ...admin }, null],
    ["a staff password one character short", "violet tram 4k", admin, "too_short"],
    ["a password over the maximum", "x".repeat(MAX_PASSWORD_LENGTH + 1), user, "too_long"],
  ] as const)("%s", (_label, password, context, problem) => {
    const verdict = checkPassword(password, context);
    if (problem === null) expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, problem });
  });

  it("counts characters as a person types them, not UTF-16 units", () => {
    // Ten emoji are twenty UTF-16 units but ten characters: long enough for a user, too short for staff.
    const tenEmoji = "🦊🐙🦉🐝🦋🐢🦀🐬🦜🐍";
    expect(checkPassword(tenEmoji, user)).toEqual({ ok: true });
    expect(checkPassword(tenEmoji, admin)).toMatchObject({ ok: false, problem: "too_short" });
  });

  it.each(["password123", "Password1234", "qwertyuiop", "1234567890", "iloveyou12!!", "PASSWORD12345678"])(
    "refuses the common or breached password %s whatever its case or trailing digits",
    (password) => {
      expect(checkPassword(password, user)).toMatchObject({ ok: false, problem: "common" });
    },
  );

  it("accepts a long passphrase of ordinary words (no composition rules)", () => {
    expect(checkPassword("copper kettle under the stairs", admin)).toEqual({ ok: true });
    expect(checkPassword("alllowercaseandnothingelse", admin)).toEqual({ ok: true });
  });

  it.each([
    ["the email address", "ada.lovelace@example.com"],
    ["the email's local part with digits after it", "ada.lovelace2024"],
    ["the name without spaces", "AdaLovelace!!"],
  ])("refuses %s as the password", (_label, password) => {
    expect(checkPassword(password, user)).toMatchObject({ ok: false, problem: "personal" });
  });

  it("accepts a password that merely contains the name among other words", () => {
    expect(checkPassword("ada lovelace rides the night bus", user)).toEqual({ ok: true });
  });

  it("gives a message that says what to do", () => {
    const short = checkPassword("short", admin);
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.message).toMatch(new RegExp(`${MIN_STAFF_PASSWORD_LENGTH} characters`));
  });
});
