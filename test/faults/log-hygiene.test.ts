/**
 * Logs never carry secrets: a server at LOG_LEVEL=debug goes through login (good and bad), impersonation
 * start and stop, a Redis outage (warnings, outbox), a Postgres outage (logged query failures) and logout;
 * its whole output must contain no session token, cookie value, password, SESSION_SECRET or METRICS_TOKEN. Also: the operator endpoints refuse a
 * missing or wrong bearer token when METRICS_TOKEN is set, and answer with the right one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SERVER_SECRET } from "../support/next-server";
import { eventually } from "../support/services";
import { errorCode, login, request, sessionCookieFrom } from "./support/http";
import { recordRow } from "./support/results";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  COOKIE_NAME,
  faultServicesAvailable,
  leakedSecrets,
  SAMPLE_PASSWORD,
  startFaultStack,
  tokenOfCookie,
  type FaultStack,
} from "./support/stack";

const available = faultServicesAvailable({ redis: true });
const METRICS_TOKEN = "metrics-token-for-the-fault-suite-0123456789";
const WRONG_PASSWORD = "not-the-password-4711";

describe.skipIf(!available)("log hygiene", () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ redis: true, env: { LOG_LEVEL: "debug", METRICS_TOKEN } });
    await stack.waitForBreakerClosed();
  });
  afterAll(async () => stack?.dispose());

  it("log hygiene: no log line contains a token, cookie value, password or secret across login, impersonation, Redis and Postgres outages and logout", async () => {
    const url = stack.server.url;
    // Startup output (before this point) holds the seed banner, which names the published sample password.
    const startupLength = stack.server.output().length;
    const cookies: string[] = [];
    const admin = await login(url, ADMIN_EMAIL, ADMIN_PASSWORD, COOKIE_NAME);
    const email = stack.userEmails[0]!;
    const user = await login(url, email, SAMPLE_PASSWORD, COOKIE_NAME);
    cookies.push(admin, user);
    expect((await request(url, "/api/auth/login", { method: "POST", body: { email, password: WRONG_PASSWORD } })).status).toBe(401);

    const userId = ((await request(url, "/api/auth/user", { cookie: user })).json as { user: { id: string } }).user.id;
    const started = await request(url, `/api/admin/impersonate/${userId}`, { method: "POST", cookie: admin, body: { reason: "fault suite: log hygiene", ticket: "FS-1" } });
    expect(started.status).toBe(200);
    const impersonating = sessionCookieFrom(started.setCookies, COOKIE_NAME)!;
    cookies.push(impersonating);
    expect(((await request(url, "/api/auth/user", { cookie: impersonating })).json as { isImpersonating: boolean }).isImpersonating).toBe(true);
    // The live-impersonation gauge is counted on scrape.
    const scrape = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(await scrape.text()).toMatch(/nsi_impersonations_active 1\n/);

    // A Redis outage in the middle: warnings and the outbox path get logged too.
    await stack.redis!.kill();
    expect((await request(url, "/api/auth/user", { cookie: user })).status).toBe(200);
    expect((await request(url, "/api/auth/logout", { method: "POST", cookie: user })).status).toBe(200);
    await stack.redis!.start();
    await stack.waitForBreakerClosed();

    // A Postgres outage too: failed queries are logged (as 503s), and must not carry credentials either.
    await stack.pg.stop();
    expect((await request(url, "/api/auth/login", { method: "POST", body: { email, password: SAMPLE_PASSWORD } })).status).toBe(503);
    expect((await request(url, "/api/auth/login", { method: "POST", body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).status).toBe(503);
    await stack.pg.start();
    await eventually(async () => (await request(url, "/api/health/ready")).status === 200, 30_000, 200);

    const stopped = await request(url, "/api/admin/impersonate", { method: "DELETE", cookie: impersonating });
    expect(stopped.status).toBe(200);
    const adminAgain = sessionCookieFrom(stopped.setCookies, COOKIE_NAME)!;
    cookies.push(adminAgain);
    expect((await request(url, "/api/auth/logout", { method: "POST", cookie: adminAgain })).status).toBe(200);

    const tokens = (await Promise.all(cookies.map((c) => tokenOfCookie(c, TEST_SERVER_SECRET)))).filter((t): t is string => t !== null);
    expect(tokens).toHaveLength(cookies.length);
    const secrets = [
      ...cookies.map((c) => decodeURIComponent(c.slice(c.indexOf("=") + 1))),
      ...cookies.map((c) => c.slice(c.indexOf("=") + 1)),
      ...tokens,
      ADMIN_PASSWORD,
      WRONG_PASSWORD,
      TEST_SERVER_SECRET,
      METRICS_TOKEN,
    ];
    const output = stack.server.output();
    // SAMPLE_PASSWORD is public (source, README, the seed banner at startup); requests must not log it either.
    const leaks = [...leakedSecrets(output, secrets), ...leakedSecrets(output.slice(startupLength), [SAMPLE_PASSWORD])];
    const logLines = output.split("\n").filter((l) => l.startsWith("{")).length;
    recordRow({
      fault: "log hygiene",
      requests: 13,
      failures: leaks.length,
      dataLost: `${leaks.length} secrets in logs`,
      verdict: leaks.length === 0 && logLines > 0 ? "pass" : "fail",
      notes: `${logLines} JSON log lines at debug, ${secrets.length + 1} secret values searched`,
    });
    expect(logLines).toBeGreaterThan(0);
    expect(output).toContain("redis");
    expect(leaks).toEqual([]);
  });

  it("operator endpoints: with METRICS_TOKEN set, a missing or wrong bearer token is refused with 401 and the right one is answered", async () => {
    const url = stack.server.url;
    for (const path of ["/api/metrics", "/api/health/detailed"]) {
      const missing = await request(url, path);
      expect(missing.status).toBe(401);
      expect(errorCode(missing.json)).toBe("UNAUTHENTICATED");
      expect((await request(url, path, { headers: { authorization: "Bearer wrong-token" } })).status).toBe(401);
      expect((await request(url, path, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
      expect((await request(url, path, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    }
    const metrics = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/nsi_http_requests_total\{route="\/api\/auth\/user",method="GET",status="200"\} \d+/);
    expect(text).toMatch(/nsi_session_validation_seconds_bucket\{[^}]*tier="(redis|postgres)"[^}]*\}/);
    expect(text).toMatch(/nsi_impersonations_active 0/);
    expect(text).toMatch(/nsi_login_failures_total\{reason="bad_password"\} 1/);
    expect(text).toMatch(/nsi_redis_breaker_state 0/);
  });
});
