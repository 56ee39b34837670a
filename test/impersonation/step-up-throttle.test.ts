/**
 * Step-up is throttled like login (PGlite, the real rate limiter): a wrong step-up password is a failed
 * login for the same account and address, so after the per-account limit even the right password waits,
 * the refusal is audited with the throttle code, and a login from that address is throttled too.
 */
import { beforeEach, afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit/audit";
import { login } from "@/lib/auth/login";
import { createLoginThrottle, type LoginThrottle } from "@/lib/auth/rate-limit";
import { startImpersonation, type ImpersonationDeps } from "@/lib/impersonation/service";
import { createUser, TEST_PASSWORD } from "../support/fixtures";
import { createTestRuntime, type TestRuntime } from "../support/runtime";
import { signedIn } from "./setup";

const LIMIT = 10;
const metadata = { ip: "203.0.113.7", userAgent: "vitest" };

describe("step-up throttling on PGlite", () => {
  let rt: TestRuntime;
  let throttle: LoginThrottle;
  let deps: ImpersonationDeps;
  beforeAll(async () => {
    rt = await createTestRuntime({ backend: "pglite" });
  });
  beforeEach(() => {
    throttle = createLoginThrottle(null, { maxPerIpPerMinute: 1000, maxPerAccountPer15Min: LIMIT });
    deps = { ...rt.impersonation, throttle };
  });
  afterAll(async () => rt?.dispose());

  async function stepUpAttempts(wrong: number) {
    const admin = await signedIn(rt, "admin");
    // Last password entry long ago: every start asks for it again.
    const context = { ...admin.context, lastAuthenticatedAt: 0 };
    const target = await createUser(rt.database.db, { role: "user" });
    const attempt = (password: string) =>
      startImpersonation(deps, { context, targetId: target.id, reason: "Step-up throttle check", password, metadata });
    for (let i = 0; i < wrong; i++) {
      expect(await attempt(`wrong-password-${i}`)).toMatchObject({ ok: false, code: "REAUTH_REQUIRED", details: { wrongPassword: true } });
    }
    return { admin, target, attempt };
  }

  it("refuses the 11th attempt in 15 minutes with RATE_LIMITED even with the right password, and audits it", async () => {
    const { admin, target, attempt } = await stepUpAttempts(LIMIT);
    const refused = await attempt(TEST_PASSWORD);
    expect(refused).toMatchObject({ ok: false, code: "RATE_LIMITED", details: { stepUp: true } });
    expect(!refused.ok && Number(refused.details?.retryAfter)).toBeGreaterThan(0);
    expect(!refused.ok && refused.message).toMatch(/Too many wrong passwords/);

    const denials = (await listAuditEvents(rt.database.db, { actorId: admin.user.id, subjectId: target.id, action: "impersonation.denied", pageSize: 50 })).items;
    expect(denials.map((d) => d.metadata?.code)).toEqual(["RATE_LIMITED", ...Array(LIMIT).fill("REAUTH_REQUIRED")]);
    const starts = await listAuditEvents(rt.database.db, { actorId: admin.user.id, action: "impersonation.start" });
    expect(starts.total).toBe(0);
  });

  it("lets the right password through after fewer wrong ones than the limit", async () => {
    const { attempt } = await stepUpAttempts(LIMIT - 1);
    expect((await attempt(TEST_PASSWORD)).ok).toBe(true);
  });

  it("counts step-up failures toward the same account's login limit", async () => {
    const { admin } = await stepUpAttempts(LIMIT);
    const loginDeps = { ...rt.login, throttle };
    expect(await login(loginDeps, { email: admin.user.email, password: TEST_PASSWORD, metadata })).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    // Another address has its own budget: the real owner elsewhere is not locked out.
    expect((await login(loginDeps, { email: admin.user.email, password: TEST_PASSWORD, metadata: { ...metadata, ip: "198.51.100.9" } })).ok).toBe(true);
  });
});
