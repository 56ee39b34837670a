import { describe, expect, it } from "vitest";
import { bearerAllows } from "./bearer";

const TOKEN = "metrics-token-0123456789abcdef";

describe("bearerAllows", () => {
  it("lets everyone in when no token is configured", () => {
    expect(bearerAllows(null, undefined)).toBe(true);
    expect(bearerAllows("Bearer anything", undefined)).toBe(true);
  });

  it("accepts exactly the configured token", () => {
    expect(bearerAllows(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerAllows(`bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it("refuses a missing, empty, wrong, longer, shorter or non-bearer credential", () => {
    for (const header of [null, undefined, "", "Bearer", "Bearer ", "Bearer wrong", `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      expect(bearerAllows(header, TOKEN), String(header)).toBe(false);
    }
  });
});
