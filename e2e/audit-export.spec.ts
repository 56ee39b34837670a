/**
 * Exporting the audit log from /admin/audit in Chromium: the chain status shows it verifies, "Download CSV"
 * fires a download whose file a real CSV parser reads (with this admin's sign-in in it), a filtered NDJSON
 * download holds only the filtered action, and the export URL refuses anonymous callers and bad formats.
 */
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/constants";
import { signIn, snap } from "./support/flows";

test("an admin downloads the audit log as CSV and as filtered NDJSON from /admin/audit", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  await expect(page.getByTestId("audit-chain")).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("audit-chain")).toContainText("verifies up to the latest row");
  await snap(page, "audit-export");

  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const records = parse(await readFile((await csvDownload.path())!), { bom: true, columns: true }) as Record<string, string>[];
  expect(records.length).toBeGreaterThan(0);
  expect(records.some((r) => r.action === "auth.login" && r.actor_email === ADMIN_EMAIL)).toBe(true);
  expect(records.every((r) => /^[0-9a-f]{64}$/.test(r.hash!))).toBe(true);

  await page.getByLabel("Action").selectOption("auth.login");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=auth\.login/);
  const [ndjsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download NDJSON" }).click()]);
  const lines = (await readFile((await ndjsonDownload.path())!, "utf8")).trimEnd().split("\n");
  const rows = lines.map((l) => JSON.parse(l) as { action: string });
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.action === "auth.login")).toBe(true);

  // Bad input is the usual JSON error, not a broken download.
  const bad = await page.request.get("/api/admin/audit?format=xlsx");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("INVALID_INPUT");
});

test("the export URL refuses an anonymous caller with 401 and no rows", async ({ request }) => {
  const res = await request.get("/api/admin/audit?format=csv");
  expect(res.status()).toBe(401);
  expect((await res.json()).error.code).toBe("UNAUTHENTICATED");
});
