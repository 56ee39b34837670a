/** Login compares the password exactly as received (ASVS 6.2.8): nothing is cut short or case-folded. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { login } from "@/lib/auth/login";
import { MAX_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { createLoginThrottle } from "@/lib/auth/rate-limit";
import { users } from "@/lib/db/schema";
import { createTestRuntime, type TestRuntime } from "./support/runtime";

const throttle = createLoginThrottle(null, { maxPerIpPerMinute: 1000, maxPerAccountPer15Min: 1000 });
const metadata = { ip: "127.0.0.1", userAgent: "login-password-test" };
const longest = "correct-horse-".repeat(40).slice(0, MAX_PASSWORD_LENGTH);

describe("login compares the password as received", () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await createTestRuntime({ backend: "pglite" });
    await runtime.database.db.insert(users).values({ email: "max@example.com", name: "Max Length", passwordHash: await hashPassword(longest) });
  });
  afterAll(async () => {
    await runtime.dispose();
  });
  const attempt = (password: string) =>
    login({ db: runtime.database.db, sessions: runtime.sessions, throttle, refuseSampleAccounts: true }, { email: "max@example.com", password, metadata });

  it("accepts a password of the maximum length", async () => {
    expect((await attempt(longest)).ok).toBe(true);
  });

  it("refuses that password with characters appended, instead of comparing only its first part", async () => {
    expect(await attempt(`${longest}x`)).toMatchObject({ ok: false, code: "INVALID_CREDENTIALS" });
  });

  it("refuses the password in another case", async () => {
    expect(await attempt(longest.toUpperCase())).toMatchObject({ ok: false, code: "INVALID_CREDENTIALS" });
  });
});
