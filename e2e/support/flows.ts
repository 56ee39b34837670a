/**
 * Browser steps the specs share, written against the UI contract (labels, roles and button names), never
 * against CSS classes or markup details.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";

/**
 * Keeps a named full-page screenshot of a key screen as an attachment: in the HTML report, and as
 * test-results/<test>/attachments/<name>-<hash>.png. (Explicit rather than `screenshot: "on"`, which in
 * Playwright 1.56 logs a spurious "Internal error: step id not found" for specs that close their own contexts.)
 */
export async function snap(page: Page, name: string): Promise<void> {
  await test.info().attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
}

/** Signs in through the login form and waits until the browser has left /login. */
export async function signIn(page: Page, email: string, password: string, next?: string): Promise<void> {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login(\?|$)/);
}

export function banner(page: Page): Locator {
  // Exact: a user page has regions such as "Impersonations of Ada Lovelace".
  return page.getByRole("region", { name: "Impersonation", exact: true });
}

/** The banner's countdown in seconds, read from its mm:ss text. */
export async function bannerSecondsLeft(page: Page): Promise<number> {
  const text = (await banner(page).textContent()) ?? "";
  const match = /(\d{1,3}):([0-5]\d)/.exec(text);
  if (!match) throw new Error(`no mm:ss countdown in the banner: "${text}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Filters /admin/users (already open) with the search box, submitted by its "Search" button (works without JS). */
export async function searchUsers(page: Page, query: string): Promise<void> {
  await page.getByLabel("Search").fill(query);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(userRow(page, query)).toBeVisible();
}

/** The users-table row that mentions `text` (an email is unique). */
export function userRow(page: Page, text: string): Locator {
  return page.getByRole("row").filter({ hasText: text });
}

/** Opens the Sign In As dialog from the user's row; returns the dialog. */
export async function openSignInAs(page: Page, email: string): Promise<Locator> {
  await userRow(page, email).getByRole("link", { name: "Sign In As", exact: true }).or(
    userRow(page, email).getByRole("button", { name: "Sign In As", exact: true }),
  ).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Reason")).toBeVisible();
  return dialog;
}

export interface StartOptions {
  reason: string;
  ticket?: string;
  /** Entered when the dialog asks for it (step-up); without it a step-up request stays refused. */
  password?: string;
}

async function submitDialog(dialog: Locator, options: StartOptions): Promise<void> {
  await dialog.getByLabel("Reason").fill(options.reason);
  if (options.ticket) await dialog.getByLabel("Ticket").fill(options.ticket);
  const password = dialog.getByLabel("Password");
  if (options.password && (await password.isVisible())) await password.fill(options.password);
  await dialog.getByRole("button", { name: "Start impersonation" }).click();
}

/**
 * Fills and submits the dialog. When the server answers that it wants the password again (the dialog comes
 * back with an alert and a Password field), enters it and submits once more.
 */
export async function startImpersonation(page: Page, dialog: Locator, options: StartOptions): Promise<void> {
  await submitDialog(dialog, options);
  // Either the redirect to the impersonated home page (banner) or the dialog again with the server's refusal.
  const refusal = page.getByRole("dialog").locator('[role="alert"]');
  await expect(banner(page).or(refusal)).toBeVisible();
  if (options.password && (await refusal.isVisible())) {
    await expect(page.getByRole("dialog").getByLabel("Password")).toBeVisible();
    await submitDialog(page.getByRole("dialog"), options);
  }
  await expect(banner(page)).toBeVisible();
}

export async function stopImpersonation(page: Page): Promise<void> {
  await banner(page).getByRole("button", { name: "Stop Impersonation" }).click();
  await expect(banner(page)).toHaveCount(0);
}

/**
 * The page's error message (role="alert"), leaving out Next's own route announcer, which also has
 * role="alert" (inside a shadow root that Playwright's locators pierce).
 */
export function errorAlert(page: Page): Locator {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}

/** The heading of the 403 page. */
export function accessDenied(page: Page): Locator {
  return page.getByRole("heading", { name: /403|Access denied/i });
}

/** Who the browser is, according to the API (the same cookie as the page). */
export async function whoAmI(page: Page): Promise<{ status: number; body: WhoAmI | null }> {
  const res = await page.request.get("/api/auth/user");
  return { status: res.status(), body: res.ok() ? ((await res.json()) as WhoAmI) : null };
}

export interface WhoAmI {
  user: { id: string; email: string; name: string; role: string };
  isImpersonating: boolean;
  originalUser: { id: string; email: string; name: string } | null;
  impersonation: { reason: string; ticket: string | null; expiresAt: string } | null;
  session: { expiresAt: string; aal: 1 | 2; mfaVerifiedAt: string | null };
}

/** An audit-table row with this action and this reason (a reason unique to the test finds its own rows). */
export function auditRow(page: Page, action: string, reason: string): Locator {
  return page
    .getByRole("row")
    .filter({ has: page.getByRole("cell", { name: action, exact: true }) })
    .filter({ hasText: reason });
}

/** A reason no other test (or earlier run on the same database) uses. */
export function uniqueReason(label: string): string {
  return `${label} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** The user's id, read from their name link in the users table (searches for them first). */
export async function userIdOf(page: Page, email: string): Promise<string> {
  await page.goto("/admin/users");
  await searchUsers(page, email);
  const href = await userRow(page, email).getByRole("link").first().getAttribute("href");
  const id = /\/admin\/users\/([0-9a-f-]{36})$/.exec(href ?? "")?.[1];
  if (!id) throw new Error(`no user link for ${email}: ${href}`);
  return id;
}

/** The site header (the page's banner landmark), where it says who you are. */
export function siteHeader(page: Page): Locator {
  return page.getByRole("banner");
}

/** Fails unless the box of `locator` lies wholly inside the viewport (nothing cut off, nothing off-screen). */
export async function expectInsideViewport(page: Page, locator: Locator): Promise<void> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error("no viewport");
  const box = await locator.boundingBox();
  expect(box, "element has a box").not.toBeNull();
  expect(box!.x, "left edge on screen").toBeGreaterThanOrEqual(0);
  expect(box!.y, "top edge on screen").toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, "right edge on screen").toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box!.y + box!.height, "bottom edge on screen").toBeLessThanOrEqual(viewport.height + 0.5);
}

/** Fails when anything makes the page wider than the viewport (a horizontal scrollbar on the whole page). */
export async function expectNoPageOverflow(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px viewport`).toBeLessThanOrEqual(innerWidth);
}

/**
 * On a destructive action's confirmation page: checks it says what will happen, gives the reason the audit
 * needs and confirms with `button`.
 */
export async function confirmWithReason(page: Page, button: string, reason = "Confirmed in the e2e suite: requested by the account owner"): Promise<void> {
  await expect(page.getByRole("heading", { name: "What will happen" })).toBeVisible();
  await page.getByLabel("Reason").fill(reason);
  await page.getByRole("button", { name: button, exact: true }).click();
  await expect(page.getByRole("heading", { name: "What will happen" })).toHaveCount(0);
}
