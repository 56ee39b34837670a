/**
 * Reasons that mean something: the dialog shows the limits with a counter, a reason shorter than
 * IMPERSONATION_REASON_MIN (10 by default) or longer than 500 characters, and a ticket over 100, are
 * refused with a message that says why, the text kept as typed (never cut). Long unbroken text wraps on
 * every page that shows it instead of widening the page.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SAMPLE_PASSWORD, SAMPLE_USERS } from "./support/constants";
import { auditRow, banner, expectNoPageOverflow, openSignInAs, searchUsers, signIn, startImpersonation, stopImpersonation } from "./support/flows";

const target = SAMPLE_USERS.linus;

test("a reason too short or too long and a ticket too long are refused with their codes, the text kept whole", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  const dialog = await openSignInAs(page, target.email);
  await expect(dialog).toContainText("At least 10, at most 500 characters");

  await dialog.getByLabel("Reason").fill("too short");
  await expect(dialog).toContainText("9 of 500 characters, at least 10");
  await dialog.getByRole("button", { name: "Start impersonation" }).click();
  const refusal = page.getByRole("dialog").locator('[role="alert"]');
  await expect(refusal).toHaveAttribute("data-code", "REASON_TOO_SHORT");
  await expect(refusal).toContainText("at least 10 characters");
  await expect(page.getByRole("dialog").getByLabel("Reason")).toHaveValue("too short");
  await expect(banner(page)).toHaveCount(0);

  const long = `${"A long reason. ".repeat(33)}and its end`; // 495 + 11 = 506 characters, spaces inside
  expect(long.length).toBe(506);
  await page.getByRole("dialog").getByLabel("Reason").fill(long);
  await expect(page.getByRole("dialog")).toContainText("506 of 500 characters");
  await page.getByRole("dialog").getByRole("button", { name: "Start impersonation" }).click();
  await expect(refusal).toHaveAttribute("data-code", "REASON_TOO_LONG");
  // Nothing was cut off: every character typed is still in the field.
  await expect(page.getByRole("dialog").getByLabel("Reason")).toHaveValue(long);

  await page.getByRole("dialog").getByLabel("Reason").fill("A reason of the right length");
  await page.getByRole("dialog").getByLabel("Ticket").fill(`T-${"9".repeat(99)}`);
  await page.getByRole("dialog").getByRole("button", { name: "Start impersonation" }).click();
  await expect(refusal).toHaveAttribute("data-code", "TICKET_TOO_LONG");
  await expect(page.getByRole("dialog").getByLabel("Ticket")).toHaveValue(`T-${"9".repeat(99)}`);
  await expect(banner(page)).toHaveCount(0);
});

test("a 500-character reason without a space wraps on the home page, the audit log and the user's account page", async ({ page, browser }) => {
  await page.setViewportSize({ width: 800, height: 900 });
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const reason = `${unique}${"x".repeat(500 - unique.length)}`;
  const ticket = `SUP-${"7".repeat(96)}`;
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/admin/users");
  await searchUsers(page, target.email);
  await startImpersonation(page, await openSignInAs(page, target.email), { reason, ticket });
  await page.goto("/");
  await expect(page.getByText(unique)).toBeVisible();
  await expectNoPageOverflow(page);
  await stopImpersonation(page);

  await page.goto(`/admin/audit?subject=${encodeURIComponent(target.email)}`);
  const row = auditRow(page, "impersonation.start", unique);
  await expect(row).toHaveCount(1);
  await expectNoPageOverflow(page);
  // The reason wraps inside its cell instead of making the table thousands of pixels wide.
  const cell = row.getByRole("cell").filter({ hasText: unique });
  expect((await cell.boundingBox())!.width).toBeLessThan(400);

  const userContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const userPage = await userContext.newPage();
  await signIn(userPage, target.email, SAMPLE_PASSWORD);
  await userPage.goto("/account");
  await expect(userPage.getByText(unique).first()).toBeVisible();
  await expectNoPageOverflow(userPage);
  await userContext.close();
});
