/**
 * Issue 5 "Retention and erasure": a customer downloads their data, then deletes their account; afterwards
 * they are signed out, cannot sign in, and only a hashed suppression entry remains. The customer is made
 * for this spec (prisma/factory.ts) and signs in through the form: the deletion ends their session.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createUser } from "../prisma/factory";
import { database, factoryDb, shot, signIn } from "./helpers";

test("download your data, then delete the account", async ({ page }) => {
  const db = await database();
  const fdb = factoryDb();
  try {
    const user = await createUser(fdb, { name: "Erasure Tester" });
    await signIn(page, user.email);
    await page.goto("/settings/account");
    await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download your data (JSON)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^herald-export-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as Record<string, unknown>;
    expect(JSON.stringify(exported)).toContain(user.email);
    expect(JSON.stringify(exported)).not.toContain("password");

    const field = page.getByLabel("Type your email address to confirm");
    await field.fill("someone.else@herald.test");
    await page.getByRole("button", { name: "Delete my account permanently" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toBeVisible();
    await shot(page, "account-delete-error");
    expect((await db.query(`SELECT 1 FROM users WHERE id = $1`, [user.id])).rowCount).toBe(1);

    await field.fill(user.email);
    await page.getByRole("button", { name: "Delete my account permanently" }).click();
    await expect(page).toHaveURL(/\/signin/);
    expect((await db.query(`SELECT 1 FROM users WHERE id = $1`, [user.id])).rowCount).toBe(0);
    expect((await db.query(`SELECT 1 FROM notifications WHERE user_id = $1`, [user.id])).rowCount).toBe(0);
    const hash = createHash("sha256").update(user.email.toLowerCase()).digest("hex");
    expect((await db.query(`SELECT reason FROM email_suppressions WHERE email_hash = $1`, [hash])).rows).toEqual([{ reason: "erased" }]);

    // The old session signs in no one, and the password no longer works.
    await page.goto("/notifications");
    await expect(page).toHaveURL(/\/signin/);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("herald-demo");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toBeVisible();
  } finally {
    await fdb.$disconnect();
    await db.end();
  }
});
