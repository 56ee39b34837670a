/**
 * nginx terminating TLS in front of two `next start` instances sharing a private PostgreSQL cluster and a
 * private Redis (TRUST_PROXY=1): forwarded headers, Secure __Host- cookies, same-origin checks, absolute
 * redirects, the recorded client address and the rate-limit key behind the proxy; then a rolling restart
 * (SIGTERM one instance at a time) under steady load.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import https from "node:https";
import { startNextServer, type NextServer } from "../support/next-server";
import { PrivatePostgres } from "../support/private-postgres";
import { PrivateRedis } from "../support/services";
import { login, request, sessionCookieFrom, errorCode, type RequestOptions } from "../faults/support/http";
import { runLoad, sleep, summarize } from "../faults/support/load";
import { recordRow } from "../faults/support/results";
import { ADMIN_EMAIL, ADMIN_PASSWORD, COOKIE_NAME, FAULTS_DIST_DIR, faultServicesAvailable, SAMPLE_PASSWORD } from "../faults/support/stack";
import { probeNginx, PrivateNginx } from "./support/nginx";

const available = faultServicesAvailable({ redis: true }) && probeNginx().ok;
const IP_LIMIT = 4;

describe.skipIf(!available)("topology: nginx (TLS) in front of two instances", () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let a: NextServer;
  let b: NextServer;
  let nginx: PrivateNginx;
  let agent: https.Agent;
  const via = (path: string, options: RequestOptions = {}) => request(nginx.url, path, { agent, timeoutMs: 15_000, ...options });
  let emails: string[] = [];

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    redis = await PrivateRedis.start();
    const databaseUrl = await pg.createDatabase("app");
    const env = () => ({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: "topo:",
      TRUST_PROXY: "1",
      SESSION_L1_ENABLED: "true",
      LOGIN_MAX_PER_IP_PER_MINUTE: String(IP_LIMIT),
      LOG_LEVEL: "info",
    });
    // The accounts are written before the first starts; the second starts on the same database (as a deploy does).
    a = await startNextServer({
      distDir: FAULTS_DIST_DIR,
      env: env(),
      fixtures: { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, users: 60 },
      readyPath: "/api/health/ready",
      timeoutMs: 120_000,
    });
    b = await startNextServer({ distDir: FAULTS_DIST_DIR, env: env(), readyPath: "/api/health/ready", timeoutMs: 120_000 });
    nginx = await PrivateNginx.start([a.port, b.port]);
    agent = nginx.agent();
    const users = await request(a.url, "/api/admin/users?role=user&status=active&pageSize=50", { cookie: await login(a.url, ADMIN_EMAIL, ADMIN_PASSWORD, COOKIE_NAME) });
    emails = (users.json as { users: { email: string }[] }).users.map((u) => u.email);
  });

  afterAll(async () => {
    agent?.destroy();
    await nginx?.stop();
    await a?.stop();
    await b?.stop();
    await redis?.stop();
    await pg?.destroy();
  });

  it("through TLS the session cookie is Secure, __Host- prefixed, host-only, and the app sees https", async () => {
    const answer = await via("/api/auth/login", { method: "POST", body: { email: emails[0], password: SAMPLE_PASSWORD } });
    expect(answer.status).toBe(200);
    const header = answer.setCookies.find((c) => c.startsWith(`${COOKIE_NAME}=`))!;
    expect(header).toMatch(/;\s*Secure/i);
    expect(header).toMatch(/;\s*Path=\//i);
    expect(header).not.toMatch(/Domain=/i);
    expect(header).toMatch(/HttpOnly/i);
  });

  it("a page redirect behind the proxy is absolute to the public https origin, not the instance's http address", async () => {
    const answer = await via("/account");
    expect([302, 307]).toContain(answer.status);
    expect(answer.headers.location).toMatch(new RegExp(`^(https://127\\.0\\.0\\.1:${nginx.port})?/login\\?next=%2Faccount$`));
  });

  it("same-origin check behind the proxy: the public https Origin is accepted, another origin is refused", async () => {
    const admin = sessionCookieFrom((await via("/api/auth/login", { method: "POST", body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).setCookies, COOKIE_NAME)!;
    const target = (await via("/api/admin/users?role=user&status=active&pageSize=1", { cookie: admin })).json as { users: { id: string }[] };
    const id = target.users[0]!.id;
    const body = { reason: "Proxy topology check", ticket: "OPS-2" };
    const evil = await via(`/api/admin/impersonate/${id}`, { method: "POST", cookie: admin, body, headers: { origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(errorCode(evil.json)).toBe("CSRF_REJECTED");
    // The instance's own http address is not the origin the browser used either.
    const plain = await via(`/api/admin/impersonate/${id}`, { method: "POST", cookie: admin, body, headers: { origin: `http://127.0.0.1:${nginx.port}` } });
    expect(plain.status).toBe(403);
    const ok = await via(`/api/admin/impersonate/${id}`, { method: "POST", cookie: admin, body, headers: { origin: nginx.url } });
    expect(ok.status).toBe(200);
    const back = await via("/api/admin/impersonate", { method: "DELETE", cookie: sessionCookieFrom(ok.setCookies, COOKIE_NAME)!, headers: { origin: nginx.url } });
    expect(back.status).toBe(200);
  });

  it("a session created on one instance is valid on the other at once, and a logout on one is seen by the other's L1", async () => {
    const cookie = await login(a.url, emails[30]!, SAMPLE_PASSWORD, COOKIE_NAME);
    expect((await request(b.url, "/api/auth/user", { cookie })).status).toBe(200);
    expect((await request(b.url, "/api/auth/user", { cookie })).status).toBe(200); // now in b's L1
    expect((await request(a.url, "/api/auth/logout", { method: "POST", cookie })).status).toBe(200);
    await sleep(100);
    expect((await request(b.url, "/api/auth/user", { cookie })).status).toBe(401);
  });

  it("rolling restart (SIGTERM one instance at a time) under steady load: 0 failed requests, 0 logouts", async () => {
    const cookies: string[] = [];
    for (let i = 0; i < 24; i++) cookies.push(await login(a.url, emails[i % 24]!, SAMPLE_PASSWORD, COOKIE_NAME));
    let done = false;
    const load = runLoad({
      baseUrl: nginx.url,
      agent: nginx.agent(16),
      retryConnectionResets: new https.Agent({ ca: nginx.ca, keepAlive: false }),
      connections: 16,
      durationMs: 280_000,
      maxRequests: 200_000,
      shouldStop: () => done,
      next: (_worker, seq) => ({ path: "/api/auth/user", cookie: cookies[seq % cookies.length], tag: String(seq % cookies.length) }),
    });
    const restarts: string[] = [];
    try {
      await sleep(2000);
      for (const [name, server] of [["a", a], ["b", b]] as const) {
        const started = Date.now();
        // SIGTERM while nginx still routes to it: in-flight requests finish, new connections are refused
        // and nginx retries them on the other instance. Back in the upstream only once ready.
        await server.restart({}, () => nginx.setDown(server.port, true));
        await nginx.setDown(server.port, false);
        restarts.push(`${name} ${Date.now() - started} ms`);
        await sleep(2000);
      }
    } finally {
      done = true;
    }
    const samples = await load;
    const summary = summarize(samples, (s) => s.status !== 200);
    const logouts = samples.filter((s) => s.status === 401).length;
    const resent = samples.filter((s) => s.retried).length;
    const pass = summary.failures === 0 && logouts === 0;
    recordRow({
      fault: "rolling restart behind nginx",
      requests: summary.requests,
      failures: summary.failures,
      dataLost: `${logouts} logouts`,
      verdict: pass ? "pass" : "fail",
      notes: `nginx TLS, 2 instances, 16 connections; restarts ${restarts.join(", ")}; ${resent} resent after a keep-alive reset at an nginx reload; p99 ${summary.p99Ms} ms; ${JSON.stringify(summary.byStatus)}`,
    });
    console.log(`[topology] rolling restart: ${summary.requests} requests, ${summary.failures} failed, ${logouts} logouts, ${resent} resent after a connection reset, p99 ${summary.p99Ms} ms`);
    expect(summary.byStatus).toEqual({ "200": summary.requests });
    expect(logouts).toBe(0);
    expect(summary.requests).toBeGreaterThan(500);
  }, 300_000);

  // Last: it uses up the per-address login budget of 127.0.0.1, which every other login here shares.
  it("a spoofed X-Forwarded-For from the client changes neither the audited address nor the rate-limit key", async () => {
    const spoofed = { "x-forwarded-for": "6.6.6.6" };
    const admin = sessionCookieFrom((await via("/api/auth/login", { method: "POST", body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, headers: spoofed })).setCookies, COOKIE_NAME)!;
    const target = ((await via("/api/admin/users?role=user&status=active&pageSize=3", { cookie: admin })).json as { users: { id: string }[] }).users[2]!.id;
    const started = await via(`/api/admin/impersonate/${target}`, { method: "POST", cookie: admin, body: { reason: "Spoofed address check" }, headers: { ...spoofed, origin: nginx.url } });
    expect(started.status).toBe(200);
    const stopped = await via("/api/admin/impersonate", { method: "DELETE", cookie: sessionCookieFrom(started.setCookies, COOKIE_NAME)!, headers: { origin: nginx.url } });
    // Stopping rotates the admin's token: the audit is read with the fresh cookie.
    const audit = await via(`/api/admin/audit?action=impersonation.start&subjectId=${target}`, { cookie: sessionCookieFrom(stopped.setCookies, COOKIE_NAME)! });
    expect(audit.status).toBe(200);
    const events = (audit.json as { events: { ip: string | null }[] }).events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.map((e) => e.ip)).toEqual(events.map(() => "127.0.0.1"));

    // Failed logins, each claiming another address and another account: one key, the proxy's view of the client.
    for (let i = 0; i < IP_LIMIT; i++) {
      const wrong = await via("/api/auth/login", { method: "POST", body: { email: emails[10 + i], password: "wrong-password-x" }, headers: { "x-forwarded-for": `6.6.6.${i}` } });
      expect(wrong.status).toBe(401);
    }
    const limited = await via("/api/auth/login", { method: "POST", body: { email: emails[20], password: SAMPLE_PASSWORD }, headers: { "x-forwarded-for": "7.7.7.7" } });
    expect(limited.status).toBe(429);
    // The refused twin: the entry the trusted hop writes is believed (here the test plays that hop by
    // talking to an instance directly), so another address is another key.
    const otherClient = await request(a.url, "/api/auth/login", { method: "POST", body: { email: emails[20], password: SAMPLE_PASSWORD }, headers: { "x-forwarded-for": "198.51.100.9" } });
    expect(otherClient.status).toBe(200);
  });
});
