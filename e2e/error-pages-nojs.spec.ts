/**
 * Every error page of the console reads right with JavaScript off: a user id that is malformed or names
 * nobody is a real 404 page (status and message in the HTML), /admin is the console's landing, and a
 * dialog link naming an unknown user says so.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/constants";
import { signIn, siteHeader } from "./support/flows";

test.use({ javaScriptEnabled: false });

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

for (const [label, id] of [
  ["a malformed user id", "not-a-user-id"],
  ["a user id that names nobody", randomUUID()],
] as const) {
  test(`${label} is a 404 page with its message in the HTML`, async ({ page }) => {
    const response = await page.goto(`/admin/users/${id}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(page.getByText("There is nothing at this address.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Go to the home page" })).toBeVisible();
    // The rest of the site is there too: the header says who is signed in.
    await expect(siteHeader(page).getByRole("button", { name: "Sign out" })).toBeVisible();
  });
}

test("/admin is the console's landing page with a way to each part of it", async ({ page }) => {
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Admin console" })).toBeVisible();
  for (const name of ["Users", "Audit log", "Live impersonations"]) {
    await expect(page.getByRole("main").getByRole("listitem").getByRole("link", { name: new RegExp(`^${name}`) })).toBeVisible();
  }
  await page.getByRole("main").getByRole("listitem").getByRole("link", { name: /^Users/ }).click();
  await expect(page.getByLabel("Search")).toBeVisible();
});

test("a Sign In As link naming an unknown or malformed user id opens a dialog that says so", async ({ page }) => {
  await page.goto(`/admin/users?impersonate=${randomUUID()}`);
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "No such user" })).toBeVisible();
  await expect(dialog).toContainText("There is no user with the id in this link");
  await expect(dialog.getByRole("button", { name: "Start impersonation" })).toHaveCount(0);

  await page.goto("/admin/users?impersonate=..%2F..%2Fetc");
  await expect(dialog.getByRole("heading", { name: "No such user" })).toBeVisible();
  await expect(dialog).toContainText("not valid");
  await dialog.getByRole("link", { name: "Back to users" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("dialog")).toHaveCount(0);
});
