/**
 * Session fixation: whatever cookie a browser carries into a login (a valid seal of a token the attacker
 * chose, or the attacker's own live session), the login answers with a fresh cookie, and a planted live
 * session is revoked in the database, through the API and through the login form (server action) alike.
 * (test/http/auth.test.ts covers the API basics; this file adds the database view and the form path.)
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/clock";
import { createCookieSealer } from "@/lib/session/cookie-seal";
import { generateSessionToken, hashSessionToken } from "@/lib/session/token";
import { TEST_SERVER_SECRET } from "../../support/next-server";
import { parseSetCookie, SESSION_COOKIE, type HttpClient, type HttpResponse } from "../support/client";
import { sampleUser, startTestServer, type TestServer } from "../support/server";
import { discoverServerActions, postForm } from "./support";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

/** The server's own sealer (same secret): plants cookies exactly as valid as the ones it issues. */
const sealer = createCookieSealer({ secrets: [TEST_SERVER_SECRET], ttlS: 30 * 24 * 3600, clock: systemClock });

async function sessionRowExists(token: string): Promise<boolean | null> {
  if (!t.db) return null; // PGlite: the server holds the database; the API checks below still apply
  const rows = (await t.db.db.execute(sql`select 1 from sessions where id = ${hashSessionToken(token)}`)) as unknown as unknown[];
  return (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).length > 0;
}

function issuedCookie(res: HttpResponse): string {
  const line = res.setCookies.map(parseSetCookie).find((c) => c.name === SESSION_COOKIE && c.value !== "");
  expect(line, "the login sets a session cookie").toBeDefined();
  return line!.value;
}

async function signedInAs(cookie: string): Promise<string | null> {
  return (await t.client().setCookie(cookie).whoami())?.user.email ?? null;
}

const loginAction = discoverServerActions().find((a) => a.exportedName === "loginAction");

/** The two ways to sign in: the JSON API and the login form (a server action posted without JavaScript). */
const loginPaths: [name: string, skip: boolean, login: (c: HttpClient, email: string, password: string) => Promise<HttpResponse>][] = [
  ["POST /api/auth/login", false, (c, email, password) => c.post("/api/auth/login", { email, password })],
  ["the login form", !loginAction, (c, email, password) => postForm(c, "/login", loginAction!.id, { email, password }, { origin: t.url, "sec-fetch-site": "same-origin" })],
];

describe.each(loginPaths)("fixation through %s", (_name, skip, login) => {
  it.skipIf(skip)("replaces a planted seal of an attacker-chosen token with a fresh cookie; no session ever exists for the planted token", async () => {
    const token = generateSessionToken();
    const planted = await sealer.seal(token);
    const user = sampleUser(2);
    const res = await login(t.client().setCookie(planted), user.email, user.password);
    expect(res.status, res.text.slice(0, 200)).toBeLessThan(400);
    const issued = issuedCookie(res);
    expect(issued).not.toBe(planted);
    expect(await sealer.unseal(issued)).not.toBe(token);
    expect(await signedInAs(issued)).toBe(user.email);
    expect(await signedInAs(planted)).toBeNull();
    expect(await sessionRowExists(token)).not.toBe(true);
  });

  it.skipIf(skip)("revokes another user's live session planted before the login, in the database too", async () => {
    const attacker = sampleUser(4);
    const victim = sampleUser(6);
    const attackerBrowser = t.client();
    await attackerBrowser.loginAs(attacker.email, attacker.password);
    const planted = attackerBrowser.sessionCookie!;
    const plantedToken = (await sealer.unseal(planted))!;
    expect(await sessionRowExists(plantedToken)).not.toBe(false);

    const res = await login(t.client().setCookie(planted), victim.email, victim.password);
    const issued = issuedCookie(res);
    expect(issued).not.toBe(planted);
    expect(await signedInAs(issued)).toBe(victim.email);
    expect(await signedInAs(planted)).toBeNull();
    expect(await sessionRowExists(plantedToken)).not.toBe(true);
  });

  it.skipIf(skip)("keeps a live session of a browser that does not log in (the twin: only the login revokes the planted one)", async () => {
    const owner = sampleUser(8);
    const browser = t.client();
    await browser.loginAs(owner.email, owner.password);
    const failed = await login(t.client().setCookie(browser.sessionCookie), owner.email, "wrong-password");
    expect(failed.setCookies.filter((c) => parseSetCookie(c).name === SESSION_COOKIE && parseSetCookie(c).value !== "")).toEqual([]);
    expect(await signedInAs(browser.sessionCookie!)).toBe(owner.email);
  });
});

describe("the planted seals are well-formed", () => {
  it("a seal made by this sealer for a live session's token is accepted by the server (so the refusals above are not about the seal)", async () => {
    const user = sampleUser(9);
    const browser = t.client();
    await browser.loginAs(user.email, user.password);
    const token = (await sealer.unseal(browser.sessionCookie))!;
    expect(token).toBeTruthy();
    const resealed = await sealer.seal(token);
    expect(resealed).not.toBe(browser.sessionCookie);
    expect(await signedInAs(resealed)).toBe(user.email);
  });
});

describe("the session token travels only in Set-Cookie (ASVS 3.3.4, 3.3.5)", () => {
  it.each(loginPaths.filter(([, skip]) => !skip))("through %s: neither the seal nor the token is in any response body, and the cookie stays under 4096 bytes", async (_name, _skip, login) => {
    const user = sampleUser(10);
    const browser = t.client();
    const res = await login(browser, user.email, user.password);
    const issued = issuedCookie(res);
    const token = (await sealer.unseal(issued))!;
    expect(token).toBeTruthy();
    const who = await browser.get("/api/auth/user");
    const sessions = await browser.get("/api/auth/sessions");
    for (const body of [res.text, who.text, sessions.text]) {
      expect(body).not.toContain(issued);
      expect(body).not.toContain(token);
    }
    expect(`${SESSION_COOKIE}=${issued}`.length).toBeLessThan(4096);
  });
});
