/**
 * Following (issue "Following and business tools"): follow, unfollow with undo, the 100-follow limit
 * message, and a business seeing a new follower appear live on its dashboard.
 */
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { database, shot, signIn } from "./helpers";

let db: pg.Client;
test.beforeAll(async () => {
  db = await database();
});
test.afterAll(async () => {
  await db.end();
});

test("a new follower appears live on the business dashboard; unfollow and undo", async ({ browser }) => {
  // Start from "Ben does not follow Noodle Bar 88" (the seed's follows are random).
  await db.query(
    `UPDATE follows SET deleted_at = now() WHERE user_id = (SELECT id FROM users WHERE email = $1)
       AND business_id = (SELECT id FROM businesses WHERE slug = 'noodle-bar-88')`,
    ["ben.mahlangu@herald.test"],
  );
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, "owner@noodle-bar-88.herald.test");
  await owner.getByRole("link", { name: "Dashboard" }).click();
  await expect(owner.getByRole("heading", { name: "Noodle Bar 88" })).toBeVisible();
  const total = owner.getByTestId("followers-total");
  await expect(total).not.toHaveText("…");
  await expect(owner.getByTestId("live")).toBeVisible(); // subscribed to the business's private channel

  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, "ben.mahlangu@herald.test");
  await customer.goto("/businesses/noodle-bar-88");
  const follow = customer.getByRole("button", { name: "Follow Noodle Bar 88" });
  const baseline = Number((await total.textContent())!.replace(/\D/g, ""));
  await follow.click();

  // Live, without a reload.
  await expect(owner.getByTestId("new-follower")).toHaveText("Ben Mahlangu started following you");
  await expect(total).toHaveText(String(baseline + 1));
  await expect(owner.getByTestId("followers-list").getByText("Ben Mahlangu")).toBeVisible();
  await shot(owner, "business-dashboard-desktop", true);

  // Unfollow with undo on /following.
  await customer.getByRole("link", { name: "Following" }).click();
  const row = customer.getByTestId("following-list").getByRole("listitem").filter({ hasText: "Noodle Bar 88" });
  await row.getByRole("button", { name: "Unfollow Noodle Bar 88" }).click();
  await expect(row.getByRole("status")).toContainText("Unfollowed");
  const active = async () =>
    (await db.query(`SELECT f.deleted_at FROM follows f JOIN users u ON u.id = f.user_id JOIN businesses b ON b.id = f.business_id WHERE u.email = $1 AND b.slug = 'noodle-bar-88'`, ["ben.mahlangu@herald.test"])).rows[0]?.deleted_at === null;
  expect(await active()).toBe(false);
  await shot(customer, "following-undo-desktop");
  await row.getByRole("button", { name: "Undo: follow Noodle Bar 88" }).click();
  await expect(row.getByRole("button", { name: "Unfollow Noodle Bar 88" })).toBeVisible();
  expect(await active()).toBe(true);
  await owner.context().close();
  await customer.context().close();
});

test("the 100-follow limit is explained where you follow", async ({ browser }) => {
  const email = "karabo.dlamini@herald.test";
  // Bring this customer to 100 active follows with extra businesses (test data), then try one more.
  await db.query(
    `WITH owners AS (
       INSERT INTO users (email, name, password_hash, role)
       SELECT 'limit-owner-' || g || '@herald.test', 'Limit Owner ' || g, 'x', 'BUSINESS' FROM generate_series(1, 100) g
       ON CONFLICT (email) DO NOTHING RETURNING id, email),
     biz AS (
       INSERT INTO businesses (owner_id, slug, name) SELECT id, 'limit-biz-' || split_part(split_part(email, '@', 1), '-', 3), 'Limit Biz' FROM owners RETURNING id)
     INSERT INTO follows (user_id, business_id)
     SELECT u.id, biz.id FROM biz, users u WHERE u.email = $1
       AND (SELECT count(*) FROM follows f WHERE f.user_id = u.id AND f.deleted_at IS NULL) < 100
     ON CONFLICT DO NOTHING`,
    [email],
  );
  await db.query(
    `DELETE FROM follows WHERE id IN (
       SELECT f.id FROM follows f JOIN users u ON u.id = f.user_id WHERE u.email = $1 AND f.deleted_at IS NULL
       ORDER BY f.created_at DESC OFFSET 100)`,
    [email],
  );
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  await page.goto("/businesses");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("button", { name: /^Follow / }) }).first();
  await card.getByRole("button", { name: /^Follow / }).click();
  await expect(card.getByRole("alert")).toHaveText("You can follow at most 100 businesses. Unfollow one to follow another.");
  await shot(page, "follow-limit-desktop");
  await page.context().close();
  // Leave the shared demo data as it was for the other specs.
  await db.query(`DELETE FROM users WHERE email LIKE 'limit-owner-%@herald.test'`);
});
