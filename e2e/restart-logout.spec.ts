/**
 * Sessions live in the database, not in the server process: a session survives a restart of the server.
 * Logout ends it for good (the old cookie is worthless afterwards), and the back button after logout does
 * not bring the private page back from any cache. Runs its own server so restarting it disturbs no other spec.
 */
import { expect, test, type Cookie } from "@playwright/test";
import { SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { signIn, whoAmI } from "./support/flows";
import { startE2EServer, type E2EServer } from "./support/servers";

const user = SAMPLE_USERS.ada;
let handle: E2EServer;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  handle = await startE2EServer({ name: "restart", env: { IMPERSONATION_REAUTH_WINDOW: "86400" } });
});

test.afterAll(async () => {
  await handle?.dispose();
});

function sessionCookie(cookies: Cookie[]): Cookie {
  const cookie = cookies.find((c) => c.name.endsWith("sid"));
  if (!cookie) throw new Error(`no session cookie among ${cookies.map((c) => c.name).join(", ")}`);
  return cookie;
}

test("a signed-in session survives a restart of the server", async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ baseURL: handle.url });
  try {
    const page = await context.newPage();
    await signIn(page, user.email, SAMPLE_PASSWORD);
    await page.goto("/account");
    await expect(page.getByText(user.email).first()).toBeVisible();
    const before = sessionCookie(await context.cookies());
    // Production cookie defaults, even over http://localhost: Secure, HttpOnly, __Host- prefixed.
    expect(before).toMatchObject({ name: "__Host-sid", secure: true, httpOnly: true, sameSite: "Lax", path: "/" });

    await handle.server.restart();

    await page.reload();
    await expect(page).toHaveURL(/\/account/);
    await expect(page.getByText(user.email).first()).toBeVisible();
    expect((await whoAmI(page)).body).toMatchObject({ user: { email: user.email } });
  } finally {
    await context.close();
  }
});

test("after sign out the old cookie is worthless and the back button shows no private data", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: handle.url });
  try {
    const page = await context.newPage();
    await signIn(page, user.email, SAMPLE_PASSWORD);
    await page.goto("/account");
    await expect(page.getByText(user.email).first()).toBeVisible();
    const cookie = sessionCookie(await context.cookies());

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    expect((await whoAmI(page)).status).toBe(401);

    // Back to where the private page was: it is fetched again (no session → /login), never shown from a cache.
    await page.goBack();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByLabel("Email")).toBeVisible();
    await expect(page.getByText(user.email)).toHaveCount(0);

    // The cookie from before the logout, replayed in a fresh browser, opens nothing: the session row is gone.
    const replay = await browser.newContext({ baseURL: handle.url });
    try {
      await replay.addCookies([{ ...cookie }]);
      const replayPage = await replay.newPage();
      expect((await whoAmI(replayPage)).status).toBe(401);
      await replayPage.goto("/account");
      await expect(replayPage).toHaveURL(/\/login/);
    } finally {
      await replay.close();
    }
  } finally {
    await context.close();
  }
});
