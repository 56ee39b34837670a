import { describe, expect, it } from "vitest";
import { isDead, retryDelayMs } from "./backoff";

const policy = { retryBaseMs: 1000, retryMaxMs: 60_000 };

describe("mail retry backoff", () => {
  it("doubles after each failed attempt, starting from the base", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("never waits longer than the cap, however many attempts failed", () => {
    expect(retryDelayMs(7, policy)).toBe(60_000);
    expect(retryDelayMs(1000, policy)).toBe(60_000);
  });

  it("a message is dead once its attempts reach the maximum, and alive before", () => {
    expect(isDead(9, 10)).toBe(false);
    expect(isDead(10, 10)).toBe(true);
  });
});
