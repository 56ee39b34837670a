/**
 * CSRF for server actions: every action in the build under test (from Next's server-reference manifest),
 * called cross-site on its page, is refused with 403 CSRF_REJECTED before it runs (proxy.ts with
 * lib/next/request-guards.ts; Next's own Origin check stays behind it), both as a script call (`Next-Action`
 * header) and as a plain form post without JavaScript. Login CSRF (signing a victim's browser in as the
 * attacker) is the case SameSite=Lax cannot stop, because it needs no cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVIL_ORIGIN, type HttpClient, type HttpResponse } from "../support/client";
import { sampleUser, startTestServer, type TestServer } from "../support/server";
import { discoverServerActions, fillTemplate, postForm, unusedId, visibleState, type ServerAction } from "./support";

let t: TestServer;
let admin: HttpClient;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.admin();
});
afterAll(async () => t?.stop());

const actions = discoverServerActions();
/** How a page with JavaScript calls an action: a POST with the action id in a header and the arguments as JSON. */
function callByScript(c: HttpClient, path: string, action: ServerAction, headers: Record<string, string>): Promise<HttpResponse> {
  return c.request("POST", path, {
    site: "none",
    body: "[]",
    headers: { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", ...headers },
  });
}

function expectRefused(res: HttpResponse): void {
  expect(res.status, res.text.slice(0, 200)).toBe(403);
  expect(res.body?.error?.code).toBe("CSRF_REJECTED");
  expect(res.setCookies).toEqual([]);
}

const crossSite: { name: string; headers: Record<string, string> }[] = [
  { name: "Origin: https://evil.example", headers: { origin: EVIL_ORIGIN } },
  { name: "Sec-Fetch-Site: cross-site", headers: { "sec-fetch-site": "cross-site" } },
];

describe.skipIf(actions.length === 0)("server actions refuse cross-site calls", () => {
  let before: Awaited<ReturnType<typeof visibleState>>;
  beforeAll(async () => {
    before = await visibleState(admin);
  });

  for (const action of actions) {
    const page = action.pages[0] ?? "/";
    it(`${action.exportedName} (${action.filename}) called cross-site on ${page} is refused with 403 CSRF_REJECTED`, async () => {
      const path = fillTemplate(page, unusedId);
      for (const variant of crossSite) {
        expectRefused(await callByScript(admin, path, action, variant.headers));
        expectRefused(await postForm(admin, path, action.id, {}, variant.headers));
      }
    });
  }

  it("left every user, session and impersonation as it was, and the admin signed in", async () => {
    const after = await visibleState(admin);
    expect(after.users).toEqual(before.users);
    expect(after.sessions).toEqual(before.sessions);
    expect(after.impersonations).toEqual(before.impersonations);
    expect((await admin.whoami())?.user.role).toBe("admin");
  });
});

const signOut = actions.find((a) => a.exportedName === "signOutAction");
const loginAction = actions.find((a) => a.exportedName === "loginAction");

describe.skipIf(!signOut)("the sign-out action", () => {
  it("called cross-site leaves the user signed in", async () => {
    const c = t.client();
    await c.loginAs(sampleUser(0).email, sampleUser(0).password);
    expectRefused(await callByScript(c, "/", signOut!, { origin: EVIL_ORIGIN }));
    expect(await c.whoami()).not.toBeNull();
  });

  it("called from its own origin signs the user out (the twin: the call reaches the action)", async () => {
    const c = t.client();
    await c.loginAs(sampleUser(0).email, sampleUser(0).password);
    const res = await callByScript(c, "/", signOut!, { origin: t.url, "sec-fetch-site": "same-origin" });
    expect(res.status, res.text.slice(0, 200)).toBeLessThan(400);
    expect(await c.whoami()).toBeNull();
  });
});

describe.skipIf(!loginAction)("login CSRF through the login form", () => {
  const victim = sampleUser(1);
  const fields = { email: victim.email, password: victim.password };

  for (const variant of crossSite) {
    it(`a cross-site form post with valid credentials (${variant.name}) sets no session cookie`, async () => {
      const browser = t.client();
      expectRefused(await postForm(browser, "/login", loginAction!.id, fields, variant.headers));
      expect(browser.sessionCookie).toBeUndefined();
    });
  }

  it("the same form post from the site itself signs in (the twin: the form is well-formed)", async () => {
    const browser = t.client();
    const res = await postForm(browser, "/login", loginAction!.id, fields, { origin: t.url, "sec-fetch-site": "same-origin" });
    expect(res.status, res.text.slice(0, 200)).toBe(303);
    expect((await browser.whoami())?.user.email).toBe(victim.email);
  });
});
