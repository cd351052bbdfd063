/**
 * The newsletter end to end (issue 6; docs/requirements.md R14.7), signed out throughout: sign up on /newsletter, get the
 * confirmation email (captured), open its link — the GET alone confirms nothing — click "Confirm",
 * then leave again through the one-click unsubscribe page.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { database, shot } from "./helpers";

let db: pg.Client;
// This run's own address: nothing to clean up.
const email = `e2e-newsletter-${Date.now()}@example.org`;
test.beforeAll(async () => {
  db = await database();
});
test.afterAll(async () => {
  await db.end();
});

const status = async () => (await db.query<{ status: string }>(`SELECT status FROM newsletter_subscribers WHERE email = $1`, [email])).rows[0]?.status;

test("sign up, confirm by email, unsubscribe in one click — no account needed", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Get the Herald newsletter" }).click();
  await expect(page.getByRole("heading", { name: "The Herald newsletter" })).toBeVisible();

  // Bad input is explained next to the field.
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/First name/).fill("Naledi");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expect(page.getByRole("status")).toContainText("Check your inbox");
  await shot(page, "newsletter-signup-done");
  expect(await status()).toBe("PENDING");

  // The confirmation email (captured in the dev mailbox's table).
  let html = "";
  await expect
    .poll(async () => {
      const r = await db.query<{ html: string }>(`SELECT html FROM captured_emails WHERE "to" = $1`, [email]);
      html = r.rows[0]?.html ?? "";
      return html.length > 0;
    })
    .toBe(true);
  const link = /href="([^"]*\/newsletter\/confirm\/[^"]+)"/.exec(html)![1]!.replaceAll("&amp;", "&");
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole("heading", { name: "Confirm your subscription" })).toBeVisible();
  await expect(page.getByText(/e2…@example\.org/)).toBeVisible();
  expect(await status()).toBe("PENDING"); // opening the link (what a mail scanner does) confirms nothing
  await shot(page, "newsletter-confirm");
  await page.getByRole("button", { name: "Confirm my subscription" }).click();
  await expect(page.getByRole("status").filter({ hasText: /\w/ })).toContainText("You are subscribed");
  expect(await status()).toBe("CONFIRMED");

  // Every newsletter carries a one-click unsubscribe link; sign one the way the server does (its key is in
  // the e2e data dir's secrets.json) and use it signed out.
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM newsletter_subscribers WHERE email = $1`, [email]);
  const secret = (JSON.parse(readFileSync(".data/e2e/secrets.json", "utf8")) as { nextauthSecret: string }).nextauthSecret;
  const payload = `${rows[0]!.id}~-`;
  const key = createHmac("sha256", secret).update("herald/newsletter-unsubscribe/v1").digest();
  const token = `${payload}.${createHmac("sha256", key).update(payload).digest("base64url")}`;
  await page.goto(`/unsubscribe/${token}`);
  await expect(page.getByRole("heading", { name: "Newsletter" })).toBeVisible();
  await page.getByRole("button", { name: "Unsubscribe from the newsletter" }).click();
  await expect(page.getByRole("status").filter({ hasText: /\w/ })).toContainText("You are unsubscribed");
  expect(await status()).toBe("UNSUBSCRIBED");
  await shot(page, "newsletter-unsubscribed");
  await page.getByRole("button", { name: "Resubscribe to the newsletter" }).click();
  await expect.poll(status).toBe("CONFIRMED");
});
