/** The preference center: changes save at once, survive a reload, and are keyboard-operable. */
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { database, DEMO, shot, signedInPage, saveStatus } from "./helpers";

const USER = DEMO.ngo;
let db: pg.Client;
test.beforeAll(async () => {
  db = await database();
});
test.afterAll(async () => {
  await db.end();
});

test("preference center: matrix, digest, quiet hours, unsubscribe state; saved and kept", async ({ browser }) => {
  const page = await signedInPage(browser, "ngo", { viewport: { width: 1280, height: 1100 } });
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Notification settings" })).toBeVisible();
  const listingsEmail = page.getByRole("checkbox", { name: "Email: Listings" });
  await expect(listingsEmail).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Email: Account and security \(locked/ })).toBeDisabled();
  await expect(page.getByRole("checkbox", { name: "Push: Listings" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "SMS: Listings" })).toBeDisabled(); // no listing goes by SMS
  await shot(page, "preferences-desktop");

  // Keyboard: focus the box and press space.
  await listingsEmail.focus();
  await page.keyboard.press("Space");
  await expect(saveStatus(page)).toHaveText("Saved ✓");
  await expect(listingsEmail).not.toBeChecked();
  const row = await db.query(
    `SELECT p.enabled FROM notification_preferences p JOIN users u ON u.id = p.user_id WHERE u.email = $1 AND p.category = 'listings' AND p.channel = 'EMAIL'`,
    [USER],
  );
  expect(row.rows).toEqual([{ enabled: false }]);

  await page.getByRole("radio", { name: /Weekly/ }).click();
  await expect(page.getByRole("radio", { name: /Weekly/ })).toBeChecked();
  await expect(saveStatus(page)).toHaveText("Saved ✓");
  await page.getByLabel("From").fill("21:30");
  await page.getByRole("button", { name: "Save times" }).click();
  await expect(saveStatus(page)).toHaveText("Saved ✓");
  await page.getByRole("button", { name: "Unsubscribe from all non-essential email" }).click();
  await expect(page.getByText(/You unsubscribed from non-essential email/)).toBeVisible();

  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Email: Listings" })).not.toBeChecked();
  await expect(page.getByRole("radio", { name: /Weekly/ })).toBeChecked();
  await expect(page.getByLabel("From")).toHaveValue("21:30");
  await page.getByRole("button", { name: "Resubscribe" }).click();
  await expect(page.getByRole("button", { name: "Unsubscribe from all non-essential email" })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("heading", { name: "What you hear about" }).scrollIntoViewIfNeeded();
  await shot(page, "preferences-phone");
  await page.context().close();
});
