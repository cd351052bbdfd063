/**
 * Following (issue "Following and business tools"): follow, unfollow with undo, the 100-follow limit
 * message, and a business seeing a new follower appear live on its dashboard.
 */
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { createBusiness, createUser, follow } from "../prisma/factory";
import { database, factoryDb, shot, signIn } from "./helpers";

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
  // A customer of this spec's own at 100 active follows, of extra businesses (test data); then one more.
  const fdb = factoryDb();
  const customer = await createUser(fdb, { name: "Limit Tester" });
  const owners: string[] = [];
  for (let i = 1; i <= 100; i++) {
    const { owner, business } = await createBusiness(fdb, { name: `Limit Biz ${i}` });
    owners.push(owner.id);
    await follow(fdb, customer.id, business.id);
  }
  await fdb.$disconnect();
  const page = await (await browser.newContext()).newPage();
  await signIn(page, customer.email);
  await page.goto("/businesses");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("button", { name: /^Follow / }) }).first();
  await card.getByRole("button", { name: /^Follow / }).click();
  await expect(card.getByRole("alert")).toHaveText("You can follow at most 100 businesses. Unfollow one to follow another.");
  await shot(page, "follow-limit-desktop");
  await page.context().close();
  // The business directory is shared by every spec: leave it as the demo has it (businesses go with their owners).
  await db.query(`DELETE FROM users WHERE id = ANY($1::uuid[])`, [owners]);
});
