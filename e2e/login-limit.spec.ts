/**
 * Issue 12 "Login attempts are limited": six wrong passwords on /signin end in a clear, focused alert
 * ("Too many attempts. Try again in N seconds."), the callback answers 429 with Retry-After while the lock
 * runs, and the attempts are counted for the account and for the socket address (the e2e server has no
 * proxy in front, so a forged X-Forwarded-For must not pick the bucket).
 * Uses its own throwaway account (prisma/factory.ts, a unique address) and clears the throttle rows
 * afterwards, so no other spec is locked out.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { createUser } from "../prisma/factory";
import { database, factoryDb, shot } from "./helpers";

const tag = randomBytes(4).toString("hex");
const email = `login-limit-${tag}@herald.test`;
const accountKey = `account:${createHash("sha256").update(email).digest("hex")}`;
let db: pg.Client;

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  await createUser(fdb, { email, name: `Login limit ${tag}`, password: `right-${tag}-password` });
  await fdb.$disconnect();
});
test.afterAll(async () => {
  // The e2e server's clients all share one address: leave no address failures behind for later specs.
  await db.query(`DELETE FROM login_throttles WHERE key = $1 OR key LIKE 'ip:%'`, [accountKey]);
  await db.end();
});

test("six wrong passwords show a clear lock message; the callback answers 429 with Retry-After", async ({ page }) => {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": "203.0.113.99" }); // forged: must be ignored
  const statuses: number[] = [];
  const retryAfters: string[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/auth/callback/credentials")) {
      statuses.push(r.status());
      if (r.status() === 429) retryAfters.push(r.headers()["retry-after"] ?? "");
    }
  });
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  const alert = page.locator("form").getByRole("alert"); // (Next's route announcer is an alert too)
  const submit = page.getByRole("button", { name: "Sign in", exact: true });
  for (let i = 1; i <= 6; i++) {
    await page.getByLabel("Password").fill(`wrong-${i}`);
    const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
    await submit.click();
    await answered;
    await expect(submit).toBeEnabled();
    await expect(alert).toBeVisible();
    if (i <= 4) await expect(alert).toHaveText("That email and password do not match an account.");
  }
  await expect(alert).toHaveText(/^Too many attempts\. Try again in \d+ seconds?\.$/);
  await expect(alert).toBeFocused();
  // Straight away again (the lock grows with each failure, so one of these lands inside it): refused by
  // the callback route before next-auth runs.
  for (let i = 7; i <= 10 && !statuses.includes(429); i++) {
    await page.getByLabel("Password").fill(`wrong-${i}`);
    const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
    await submit.click();
    await answered;
    await expect(submit).toBeEnabled();
  }
  expect(statuses).toContain(429);
  await expect(alert).toHaveText(/^Too many attempts\. Try again in \d+ seconds?\.$/);
  expect(Number(retryAfters.at(-1))).toBeGreaterThanOrEqual(1);
  expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
  await shot(page, "login-limit");

  // Counted for the account and for the socket address, never for the forged header.
  const rows = (await db.query<{ key: string; failures: number }>(`SELECT key, failures FROM login_throttles WHERE key = $1 OR key LIKE 'ip:%'`, [accountKey])).rows;
  expect(rows.find((r) => r.key === accountKey)?.failures).toBeGreaterThanOrEqual(5);
  expect(rows.map((r) => r.key)).not.toContain("ip:203.0.113.99");
  expect(rows.some((r) => /^ip:(127\.0\.0\.1|::1)$/.test(r.key))).toBe(true);
  const audit = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_type = 'login' AND target_id = $1`, [accountKey.slice("account:".length)]);
  expect(audit.rows.filter((r) => r.action === "auth.sign_in_failed").length).toBeGreaterThanOrEqual(5);
  expect(audit.rows.some((r) => r.action === "auth.locked")).toBe(true);
});
