/**
 * Sign-in, sign-out, password change and own-session management over HTTP against a real `next start`:
 * every token a browser held before a privilege change is dead afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/clock";
import { createCookieSealer } from "@/lib/session/cookie-seal";
import { generateSessionToken } from "@/lib/session/token";
import { TEST_SERVER_SECRET } from "../support/next-server";
import { HttpClient } from "./support/client";
import { sampleUser, startTestServer, type TestServer } from "./support/server";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

const anonymous = async (cookie: string | undefined) => {
  const res = await t.client().setCookie(cookie).get("/api/auth/user");
  return res.status === 401 && res.body?.error?.code === "UNAUTHENTICATED";
};

describe("login", () => {
  it("signs in with the right password and answers the user", async () => {
    const u = sampleUser(0);
    const c = t.client();
    const user = await c.loginAs(u.email, u.password);
    expect(user.email).toBe(u.email);
    expect((await c.whoami())?.user.email).toBe(u.email);
  });

  it("refuses a wrong password with 401 INVALID_CREDENTIALS and sets no session", async () => {
    const u = sampleUser(0);
    const c = t.client();
    const res = await c.post("/api/auth/login", { email: u.email, password: "not-the-password" });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("INVALID_CREDENTIALS");
    expect(c.sessionCookie).toBeUndefined();
  });

  it("refuses a banned user exactly like a wrong password", async () => {
    const banned = sampleUser(7);
    expect(banned.status).toBe("banned");
    const res = await t.client().post("/api/auth/login", { email: banned.email, password: banned.password });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("INVALID_CREDENTIALS");
  });

  it("issues a new token on every login and kills the one the browser came with", async () => {
    const u = sampleUser(1);
    const c = t.client();
    await c.loginAs(u.email, u.password);
    const first = c.sessionCookie;
    await c.loginAs(u.email, u.password);
    expect(c.sessionCookie).toBeDefined();
    expect(c.sessionCookie).not.toBe(first);
    expect(await anonymous(first)).toBe(true);
    expect(await anonymous(c.sessionCookie)).toBe(false);
  });

  it("never adopts a planted, valid-looking seal as the session (fixation)", async () => {
    const sealer = createCookieSealer({ secrets: [TEST_SERVER_SECRET], ttlS: 3600, clock: systemClock });
    const planted = await sealer.seal(generateSessionToken());
    const u = sampleUser(2);
    const c = t.client().setCookie(planted);
    await c.loginAs(u.email, u.password);
    expect(c.sessionCookie).not.toBe(planted);
    expect(await anonymous(planted)).toBe(true);
    expect((await c.whoami())?.user.email).toBe(u.email);
  });

  it("never adopts another user's planted cookie: the victim gets a fresh session of their own", async () => {
    const attacker = t.client();
    await attacker.loginAs(sampleUser(4).email, sampleUser(4).password);
    const planted = attacker.sessionCookie!;
    const victim = t.client().setCookie(planted);
    await victim.loginAs(sampleUser(6).email, sampleUser(6).password);
    expect(victim.sessionCookie).not.toBe(planted);
    expect((await victim.whoami())?.user.email).toBe(sampleUser(6).email);
    // The planted cookie never becomes the victim's session (it was the attacker's, and is now revoked).
    const replay = await t.client().setCookie(planted).whoami();
    expect(replay?.user.email ?? null).not.toBe(sampleUser(6).email);
  });
});

describe("logout", () => {
  it("makes a replay of the old cookie anonymous (401 JSON)", async () => {
    const c = t.client();
    await c.loginAs(sampleUser(8).email, sampleUser(8).password);
    const old = c.sessionCookie;
    const res = await c.post("/api/auth/logout");
    expect(res.status).toBe(200);
    expect(c.sessionCookie).toBeUndefined();
    expect(await anonymous(old)).toBe(true);
  });

  it("leaves the user's other browsers signed in", async () => {
    const u = sampleUser(9);
    const a = t.client();
    const b = t.client();
    await a.loginAs(u.email, u.password);
    await b.loginAs(u.email, u.password);
    await a.post("/api/auth/logout");
    expect((await b.whoami())?.user.email).toBe(u.email);
  });
});

describe("password change", () => {
  it("revokes the user's other sessions and keeps this browser signed in on a fresh token", async () => {
    const u = sampleUser(10);
    const here = t.client();
    const elsewhere = t.client();
    await here.loginAs(u.email, u.password);
    await elsewhere.loginAs(u.email, u.password);
    const before = here.sessionCookie;
    const res = await here.post("/api/auth/password", { currentPassword: u.password, newPassword: "a-brand-new-password-42" });
    expect(res.status).toBe(200);
    expect(here.sessionCookie).not.toBe(before);
    expect((await here.whoami())?.user.email).toBe(u.email);
    expect(await elsewhere.whoami()).toBeNull();
    expect(await anonymous(before)).toBe(true);
    // The new password signs in; the old one no longer does.
    await t.client().loginAs(u.email, "a-brand-new-password-42");
    expect((await t.client().post("/api/auth/login", { email: u.email, password: u.password })).status).toBe(401);
  });

  it("refuses a wrong current password (401) and revokes nothing", async () => {
    const u = sampleUser(12);
    const here = t.client();
    const elsewhere = t.client();
    await here.loginAs(u.email, u.password);
    await elsewhere.loginAs(u.email, u.password);
    const before = here.sessionCookie;
    const res = await here.post("/api/auth/password", { currentPassword: "wrong-password", newPassword: "a-brand-new-password-42" });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("INVALID_CREDENTIALS");
    expect(here.sessionCookie).toBe(before);
    expect(await elsewhere.whoami()).not.toBeNull();
  });

  it("refuses a short new password with 400 WEAK_PASSWORD", async () => {
    const u = sampleUser(13);
    const c = t.client();
    await c.loginAs(u.email, u.password);
    const res = await c.post("/api/auth/password", { currentPassword: u.password, newPassword: "short" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("WEAK_PASSWORD");
  });

  it("refuses an anonymous caller with 401", async () => {
    const res = await t.client().post("/api/auth/password", { currentPassword: "x", newPassword: "y".repeat(12) });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });
});

describe("own sessions", () => {
  async function twoBrowsers(index: number): Promise<[HttpClient, HttpClient]> {
    const u = sampleUser(index);
    const a = t.client("browser-a");
    const b = t.client("browser-b");
    await a.loginAs(u.email, u.password);
    await b.loginAs(u.email, u.password);
    return [a, b];
  }

  it("lists the caller's sessions and marks the current one", async () => {
    const [a] = await twoBrowsers(14);
    const res = await a.get("/api/auth/sessions");
    expect(res.status).toBe(200);
    expect(res.body.sessions).toHaveLength(2);
    expect(res.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(res.body.sessions.map((s: { userAgent: string }) => s.userAgent).sort()).toEqual(["browser-a", "browser-b"]);
  });

  it("refuses the list to an anonymous caller with 401", async () => {
    const res = await t.client().get("/api/auth/sessions");
    expect(res.status).toBe(401);
  });

  it("DELETE /api/auth/sessions signs out every other browser and keeps this one", async () => {
    const [a, b] = await twoBrowsers(15);
    const res = await a.delete("/api/auth/sessions");
    expect(res.status).toBe(200);
    expect(res.body.revoked).toBe(1);
    expect(await b.whoami()).toBeNull();
    expect(await a.whoami()).not.toBeNull();
  });

  it("DELETE /api/auth/sessions/[id] revokes one of the caller's own sessions", async () => {
    const [a, b] = await twoBrowsers(16);
    const list = (await a.get("/api/auth/sessions")).body.sessions as { id: string; current: boolean }[];
    const other = list.find((s) => !s.current)!;
    const res = await a.delete(`/api/auth/sessions/${other.id}`);
    expect(res.status).toBe(200);
    expect(await b.whoami()).toBeNull();
    expect(await a.whoami()).not.toBeNull();
  });

  it("answers 404 for someone else's session and leaves it alone", async () => {
    const [a] = await twoBrowsers(18);
    const [stranger] = await twoBrowsers(19);
    const theirs = (await stranger.get("/api/auth/sessions")).body.sessions[0].id as string;
    const res = await a.delete(`/api/auth/sessions/${theirs}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("SESSION_NOT_FOUND");
    expect(await stranger.whoami()).not.toBeNull();
  });

  it("answers 400 INVALID_ID for a malformed session id", async () => {
    const [a] = await twoBrowsers(20);
    const res = await a.delete("/api/auth/sessions/not-a-session-id");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_ID");
  });

  it("revoking the current session signs this browser out", async () => {
    const [a] = await twoBrowsers(21);
    const mine = ((await a.get("/api/auth/sessions")).body.sessions as { id: string; current: boolean }[]).find((s) => s.current)!;
    const res = await a.delete(`/api/auth/sessions/${mine.id}`);
    expect(res.status).toBe(200);
    expect(res.body.signedOut).toBe(true);
    expect(a.sessionCookie).toBeUndefined();
  });
});
