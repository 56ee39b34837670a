/**
 * SESSION_SECRET rotation across restarts: the newest secret seals, every listed secret unseals.
 * A -> "B,A": cookies sealed with A keep working and new logins are sealed with B; -> "B": A's cookies
 * are anonymous while B's keep working. Sessions themselves live in Postgres and survive every restart.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, request } from "./support/http";
import { recordRow } from "./support/results";
import { COOKIE_NAME, faultServicesAvailable, SAMPLE_PASSWORD, startFaultStack, type FaultStack } from "./support/stack";

const available = faultServicesAvailable({ redis: false });
const SECRET_A = "rotation-secret-A-0123456789-abcdefghijklmnop";
const SECRET_B = "rotation-secret-B-9876543210-zyxwvutsrqponmlk";

/** The password id iron-session writes into a seal (lib/session/cookie-seal derives it from the secret). */
const passwordId = (secret: string) => String(parseInt(createHash("sha256").update(secret).digest("hex").slice(0, 8), 16));
const sealIdOf = (cookiePair: string) => decodeURIComponent(cookiePair.slice(cookiePair.indexOf("=") + 1)).split("*")[1];

describe.skipIf(!available)("fault: secret rotation", () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ redis: false, env: { SESSION_SECRET: SECRET_A } });
  });
  afterAll(async () => stack?.dispose());

  it("secret rotation: an old cookie survives A -> B,A, new logins are sealed with B, and B alone makes the old cookie anonymous", async () => {
    const email = stack.userEmails[0]!;
    const user = (cookie: string) => request(stack.server.url, "/api/auth/user", { cookie }).then((a) => a.status);
    const observed: Record<string, unknown> = {};

    const cookieA = await login(stack.server.url, email, SAMPLE_PASSWORD, COOKIE_NAME);
    observed.aSealedWithA = sealIdOf(cookieA) === passwordId(SECRET_A);
    observed.aUnderA = await user(cookieA);

    await stack.server.restart({ SESSION_SECRET: `${SECRET_B},${SECRET_A}` });
    observed.aUnderBA = await user(cookieA);
    const cookieB = await login(stack.server.url, email, SAMPLE_PASSWORD, COOKIE_NAME);
    observed.bSealedWithB = sealIdOf(cookieB) === passwordId(SECRET_B);
    observed.bUnderBA = await user(cookieB);

    await stack.server.restart({ SESSION_SECRET: SECRET_B });
    observed.aUnderB = await user(cookieA);
    observed.bUnderB = await user(cookieB);

    const expected = { aSealedWithA: true, aUnderA: 200, aUnderBA: 200, bSealedWithB: true, bUnderBA: 200, aUnderB: 401, bUnderB: 200 };
    const mismatches = Object.keys(expected).filter((k) => observed[k] !== expected[k as keyof typeof expected]);
    recordRow({
      fault: "secret rotation",
      requests: 7,
      failures: mismatches.length,
      dataLost: observed.bUnderB === 200 ? "0 sessions lost" : "B session lost",
      verdict: mismatches.length === 0 ? "pass" : "fail",
      notes: `A: old cookie ${observed.aUnderA}; B,A: old ${observed.aUnderBA}, new (sealed with B: ${observed.bSealedWithB}) ${observed.bUnderBA}; B: old ${observed.aUnderB}, new ${observed.bUnderB}`,
    });
    expect(observed).toEqual(expected);
  });
});
