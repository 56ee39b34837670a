/**
 * No user enumeration through the login API: an unknown email, a wrong password and a banned account give
 * the same answer (status, body, headers) and the same timing shape (each runs one Argon2 verification;
 * lib/auth/password.ts burnVerification does it for unknown emails).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpResponse } from "../support/client";
import { sampleUser, startTestServer, type TestServer } from "../support/server";
import { median } from "./support";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

let address = 0;
/** Each attempt from its own address, so no throttle budget is shared between the cases compared. */
function attempt(email: string, password: string): Promise<HttpResponse> {
  address++;
  return t.client().post("/api/auth/login", { email, password }, { headers: { "x-forwarded-for": `10.20.${address >> 8}.${address & 255}` } });
}

/** What a client can observe, minus what differs on every response anyway. */
function observable(res: HttpResponse) {
  const headers = [...res.headers].filter(([name]) => !["date", "x-request-id"].includes(name)).sort(([a], [b]) => a.localeCompare(b));
  return { status: res.status, body: res.text, headers };
}

const known = sampleUser(0);
const banned = sampleUser(7);

describe("login answers", () => {
  it("are identical for an unknown email and a wrong password (status, body, headers)", async () => {
    const unknown = await attempt("nobody-here@example.com", "wrong-password-1");
    const wrong = await attempt(known.email, "wrong-password-1");
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe("INVALID_CREDENTIALS");
    expect(observable(unknown)).toEqual(observable(wrong));
  });

  it("are identical for a banned account with the right password and a wrong password", async () => {
    expect(banned.status).toBe("banned");
    const bannedRight = await attempt(banned.email, banned.password);
    const wrong = await attempt(known.email, "wrong-password-2");
    expect(observable(bannedRight)).toEqual(observable(wrong));
  });

  it("differ for the right password (the twin: the comparison above can tell answers apart)", async () => {
    const right = await attempt(known.email, known.password);
    const wrong = await attempt(known.email, "wrong-password-3");
    expect(right.status).toBe(200);
    expect(right.setCookies).toHaveLength(1);
    expect(observable(right)).not.toEqual(observable(wrong));
  });
});

/**
 * A security property, not a speed assertion: if one path skipped the Argon2 verification, its median would
 * be a fraction of the other's (a verification costs far more than the rest of the request). The factor is
 * generous (0.5×–2×) because the machine is shared; samples are interleaved so load drifts hit both alike.
 */
describe("login timing shape", () => {
  const SAMPLES = 20;

  async function timed(run: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await run();
    return performance.now() - start;
  }

  let unknownMs: number;
  let wrongMs: number;
  let bannedMs: number;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      await attempt("warm-up@example.com", "x");
      await attempt(known.email, "x");
    }
    const unknown: number[] = [];
    const wrong: number[] = [];
    const bannedRight: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      unknown.push(await timed(() => attempt(`unknown-${i}@example.com`, "wrong-password")));
      wrong.push(await timed(() => attempt(known.email, "wrong-password")));
      bannedRight.push(await timed(() => attempt(banned.email, banned.password)));
    }
    [unknownMs, wrongMs, bannedMs] = [median(unknown), median(wrong), median(bannedRight)];
    console.log(`login medians over ${SAMPLES}: unknown email ${unknownMs.toFixed(1)} ms, wrong password ${wrongMs.toFixed(1)} ms, banned ${bannedMs.toFixed(1)} ms`);
  });

  it("is the same for an unknown email and a wrong password (medians within 0.5×–2×)", () => {
    expect(unknownMs / wrongMs).toBeGreaterThan(0.5);
    expect(unknownMs / wrongMs).toBeLessThan(2);
  });

  it("is the same for a banned account and a wrong password (medians within 0.5×–2×)", () => {
    expect(bannedMs / wrongMs).toBeGreaterThan(0.5);
    expect(bannedMs / wrongMs).toBeLessThan(2);
  });

  it("resolves a request without Argon2 as clearly faster (the twin: a skipped verification would show)", async () => {
    const plain: number[] = [];
    for (let i = 0; i < SAMPLES; i++) plain.push(await timed(() => t.client().get("/api/auth/user")));
    console.log(`GET /api/auth/user median: ${median(plain).toFixed(1)} ms`);
    expect(median(plain)).toBeLessThan(0.5 * Math.min(unknownMs, wrongMs));
  });
});
