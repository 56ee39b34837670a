import { test } from "@playwright/test";
import { writeFileSync, appendFileSync } from "node:fs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_USERS, SAMPLE_PASSWORD } from "./support/constants";
import { openSignInAs, searchUsers, signIn, startImpersonation } from "./support/flows";
test.use({ javaScriptEnabled: false });
test("debug imp", async ({ page }) => {
  writeFileSync("/tmp/dbg.txt", "");
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, SAMPLE_USERS.ada.email);
  const d = await openSignInAs(page, SAMPLE_USERS.ada.email);
  await startImpersonation(page, d, { reason: "dbg" });
  for (let i = 0; i < 6; i++) {
    const path = i % 2 ? "/admin/users" : "/admin/audit";
    const r = await page.goto(path);
    const body = await r!.text();
    appendFileSync("/tmp/dbg.txt", `imp ${path} ${r!.status()} ${body.length} denied=${(await page.locator("h1").allTextContents()).join("|")}\n`);
    if (r!.status() === 403) writeFileSync(`/tmp/f403-${i}.html`, body);
  }
});
test("debug user", async ({ page }) => {
  await signIn(page, SAMPLE_USERS.ada.email, SAMPLE_PASSWORD);
  for (let i = 0; i < 6; i++) {
    const path = i % 2 ? "/admin/users" : "/admin/audit";
    const r = await page.goto(path);
    const body = await r!.text();
    appendFileSync("/tmp/dbg.txt", `user ${path} ${r!.status()} ${body.length} denied=${(await page.locator("h1").allTextContents()).join("|")}\n`);
  }
});
