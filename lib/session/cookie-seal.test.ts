import { describe, expect, it } from "vitest";
import { manualClock } from "../clock";
import { createCookieSealer, MAX_COOKIE_LENGTH } from "./cookie-seal";
import { generateSessionToken } from "./token";

const OLD = "old-secret-0123456789-0123456789-abcdef";
const NEW = "new-secret-0123456789-0123456789-abcdef";

describe("cookie sealer", () => {
  const clock = manualClock();

  it("round-trips a token through the seal", async () => {
    const sealer = createCookieSealer({ secrets: [NEW], ttlS: 3600, clock });
    const token = generateSessionToken();
    const sealed = await sealer.seal(token);
    expect(sealed).not.toContain(token);
    expect(await sealer.unseal(sealed)).toBe(token);
  });

  it("treats tampered, truncated, garbage and oversized values as no session", async () => {
    const sealer = createCookieSealer({ secrets: [NEW], ttlS: 3600, clock });
    const sealed = await sealer.seal(generateSessionToken());
    const flipped = sealed.slice(0, 40) + (sealed[40] === "a" ? "b" : "a") + sealed.slice(41);
    for (const bad of [flipped, sealed.slice(0, -5), "garbage", "Fe26.2**", "x".repeat(MAX_COOKIE_LENGTH + 1), "", undefined, null]) {
      expect(await sealer.unseal(bad)).toBeNull();
    }
  });

  it("unseals a cookie sealed with an older secret after rotation, and seals with the newest", async () => {
    const before = createCookieSealer({ secrets: [OLD], ttlS: 3600, clock });
    const token = generateSessionToken();
    const oldCookie = await before.seal(token);
    const rotated = createCookieSealer({ secrets: [NEW, OLD], ttlS: 3600, clock });
    expect(await rotated.unseal(oldCookie)).toBe(token);
    const newCookie = await rotated.seal(token);
    expect(await createCookieSealer({ secrets: [NEW], ttlS: 3600, clock }).unseal(newCookie)).toBe(token);
    expect(await before.unseal(newCookie)).toBeNull();
  });

  it("refuses a cookie once its secret is removed", async () => {
    const token = generateSessionToken();
    const oldCookie = await createCookieSealer({ secrets: [OLD], ttlS: 3600, clock }).seal(token);
    expect(await createCookieSealer({ secrets: [NEW], ttlS: 3600, clock }).unseal(oldCookie)).toBeNull();
  });

  it("does not serve a cached unseal past the seal's own expiry", async () => {
    const local = manualClock(Date.now());
    const sealer = createCookieSealer({ secrets: [NEW], ttlS: 60, clock: local });
    const token = generateSessionToken();
    const sealed = await sealer.seal(token);
    expect(await sealer.unseal(sealed)).toBe(token);
    local.advance(61_000 + 60_000);
    expect(await sealer.unseal(sealed)).toBeNull();
  });

  it("answers at once only what needs no work: a seal unsealed before (until it expires), a value refused on sight", async () => {
    const local = manualClock(Date.now());
    const sealer = createCookieSealer({ secrets: [NEW], ttlS: 60, clock: local });
    const token = generateSessionToken();
    const sealed = await sealer.seal(token);
    expect(sealer.unsealKnown(sealed)).toBeUndefined();
    for (const refused of ["", undefined, null, "x".repeat(MAX_COOKIE_LENGTH + 1)]) expect(sealer.unsealKnown(refused)).toBeNull();
    expect(await sealer.unseal(sealed)).toBe(token);
    expect(sealer.unsealKnown(sealed)).toBe(token);
    // A tampered value is never cached: only the full unseal can tell, every time.
    const flipped = sealed.slice(0, 40) + (sealed[40] === "a" ? "b" : "a") + sealed.slice(41);
    expect(await sealer.unseal(flipped)).toBeNull();
    expect(sealer.unsealKnown(flipped)).toBeUndefined();
    local.advance(61_000 + 60_000);
    expect(sealer.unsealKnown(sealed)).toBeNull();
    expect(await sealer.unseal(sealed)).toBeNull();
  });
});
