/**
 * A signed-in plain user is refused every admin page (the 403 page) and admin API (403 JSON with a code),
 * while the pages meant for them still open: the refusals come from the role, not from a broken session.
 */
import { expect, test } from "@playwright/test";
import { SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { accessDenied, signIn, whoAmI } from "./support/flows";

const user = SAMPLE_USERS.ada;

// The 403 page is asserted by its content: see admin-impersonation.spec.ts on why not by its HTTP status.
test("a plain user reaches their own pages but gets the 403 page for every admin page", async ({ page }) => {
  await signIn(page, user.email, SAMPLE_PASSWORD);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(user.name);
  const me = await whoAmI(page);
  expect(me.body).toMatchObject({ user: { email: user.email, role: "user" }, isImpersonating: false });

  // The user detail page of their own id: even a real id does not open the console.
  const adminPages = ["/admin/users", "/admin/audit", "/admin/impersonations", `/admin/users/${me.body!.user.id}`];
  for (const path of adminPages) {
    await page.goto(path);
    await expect(accessDenied(page), path).toBeVisible();
    // Nothing of the console leaks onto the refusal: no tables, no Sign In As.
    await expect(page.getByRole("table"), path).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Sign In As" }).or(page.getByRole("link", { name: "Sign In As" }))).toHaveCount(0);
  }

  // The twin: their own account page opens.
  const account = await page.goto("/account");
  expect(account?.status()).toBe(200);
  await expect(page.getByRole("button", { name: "Change password" })).toBeVisible();
});

test("a plain user is refused the admin API with a 403 JSON error code", async ({ page }) => {
  await signIn(page, user.email, SAMPLE_PASSWORD);
  for (const path of ["/api/admin/impersonations", "/api/admin/users", "/api/admin/audit"]) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(403);
    expect(res.headers()["content-type"], path).toContain("application/json");
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    expect(body.error?.code, path).toBe("FORBIDDEN");
    expect(typeof body.error?.message, path).toBe("string");
  }
  // The twin: the same cookie is good for the user's own API.
  const own = await page.request.get("/api/auth/user");
  expect(own.status()).toBe(200);
});
