/**
 * Issue 12 "Nobody in", the parts a browser sees: callbackUrl spellings that browsers read as another host
 * never leave the site; per-user answers are `private, no-store` (pages too); a cross-site tRPC mutation
 * is refused; and the unsubscribe page offers an undo only for what its own link just turned off, else a
 * way to settings. Screenshots go to e2e/screenshots/unsubscribe-undo-* (looked at, not compared).
 * Makes its own user (prisma/factory.ts, a unique address), who signs in through the form: a forged
 * "sign out everywhere" must not reach a session other specs share.
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { createUser } from "../prisma/factory";
import { database, factoryDb, sectionShots, signIn } from "./helpers";

let db: pg.Client;
let userId: string;
const EMAIL = `e2e-hygiene-${Date.now()}@herald.test`;

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  userId = (await createUser(fdb, { email: EMAIL, name: "Hygiene Tester" })).id;
  await fdb.$disconnect();
});
test.afterAll(async () => {
  await db.end();
});

/** An account unsubscribe token, signed the way server/services/email/unsubscribe.ts does (key from secrets.json). */
function unsubscribeToken(category: string | null, notificationId?: string): string {
  const secret = (JSON.parse(readFileSync(".data/e2e/secrets.json", "utf8")) as { nextauthSecret: string }).nextauthSecret;
  const payload = Buffer.from(JSON.stringify({ v: 1, u: userId, c: category, ...(notificationId ? { n: notificationId } : {}) })).toString("base64url");
  const key = createHmac("sha256", secret).update("herald/unsubscribe/v1").digest();
  return `${payload}.${createHmac("sha256", key).update(payload).digest("base64url")}`;
}

test("callbackUrl spellings that browsers read as another host land on /notifications", async ({ page }) => {
  await signIn(page, EMAIL);
  for (const cb of ["//evil.example", "/\\evil.example", "/\t/evil.example", "https:evil.example", "javascript:alert(1)"]) {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(cb)}`);
    await expect(page, cb).toHaveURL(/^http:\/\/localhost:3100\/notifications$/);
  }
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/settings/account")}`);
  await expect(page).toHaveURL(/\/settings\/account$/);
});

test("per-user answers are private, no-store; cross-site tRPC mutations answer 403", async ({ page }) => {
  await signIn(page, EMAIL);
  const inbox = await page.request.get("/notifications");
  expect(inbox.headers()["cache-control"]).toMatch(/private/);
  expect(inbox.headers()["cache-control"]).toMatch(/no-store/);
  const pusher = await page.request.post("/api/pusher/auth", { form: { socket_id: "1.1", channel_name: `private-user-${userId}` } });
  expect(pusher.headers()["cache-control"]).toBe("private, no-store");
  const trpc = await page.request.get("/api/trpc/notifications.unreadCount");
  expect(trpc.headers()["cache-control"]).toBe("private, no-store");
  const openapi = await page.request.get("/api/v1/openapi.json");
  expect(openapi.headers()["cache-control"]).toMatch(/public/);
  // The session cookie goes along, as a browser would send it from a form on another site.
  const forged = await page.request.post("/api/trpc/account.signOutEverywhere", {
    headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "application/json" },
    data: JSON.stringify({ json: null }),
  });
  expect(forged.status()).toBe(403);
  await page.goto("/notifications");
  await expect(page).toHaveURL(/\/notifications$/); // still signed in
});

test("the unsubscribe page undoes only what its own link just turned off", async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  const token = unsubscribeToken("listings", randomUUID());
  await visitor.goto(`/unsubscribe/${token}`);
  await expect(visitor.getByRole("heading", { name: "Email preferences" })).toBeVisible();
  await visitor.getByRole("button", { name: /Unsubscribe from these emails/ }).click();
  await expect(visitor.getByRole("status")).toHaveText("Done. You are unsubscribed.");
  await expect(visitor.getByText("This link can undo it for 10 minutes")).toBeVisible();
  const card = visitor.locator("div.max-w-lg");
  await sectionShots(visitor, card, "unsubscribe-undo-available");

  // Another link of the same user (another email) shows the topic off, with no undo: settings instead.
  const other = unsubscribeToken("listings", randomUUID());
  await visitor.goto(`/unsubscribe/${other}`);
  await expect(visitor.getByText(/You are unsubscribed from new listings/)).toBeVisible();
  await expect(visitor.getByRole("button", { name: /Resubscribe/ })).toHaveCount(0);
  await expect(visitor.getByRole("link", { name: "sign in to your notification settings" })).toHaveAttribute("href", "/settings/notifications");
  await sectionShots(visitor, card, "unsubscribe-undo-expired");
  const refused = await visitor.request.post(`/api/unsubscribe/${other}`, { data: { action: "resubscribe", scope: "token" } });
  expect(refused.status()).toBe(403);
  expect(refused.headers()["cache-control"]).toBe("private, no-store");

  // The first link can still undo it.
  await visitor.goto(`/unsubscribe/${token}`);
  await visitor.getByRole("button", { name: /Resubscribe/ }).click();
  await expect(visitor.getByRole("status")).toHaveText(/subscribed again/);
  const rows = await db.query(`SELECT enabled FROM notification_preferences WHERE user_id = $1 AND category = 'listings' AND channel = 'EMAIL'`, [userId]);
  expect(rows.rows).toEqual([]);
});

test("the site's icons answer: /favicon.ico, the SVG icon and the home-screen icon the pages link to", async ({ page }) => {
  const favicon = await page.request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/x-icon");
  await page.goto("/signin");
  for (const rel of ["icon", "apple-touch-icon"]) {
    const hrefs = await page.locator(`head link[rel="${rel}"]`).evaluateAll((links) => links.map((l) => l.getAttribute("href")!));
    expect(hrefs.length, rel).toBeGreaterThan(0);
    for (const href of hrefs) {
      const answer = await page.request.get(href);
      expect(answer.status(), href).toBe(200);
      expect(answer.headers()["content-type"], href).toMatch(/^image\//);
    }
  }
});
