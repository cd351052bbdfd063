/**
 * Grouped notifications (issue 5; docs/requirements.md R5.4): unread notifications of one type from
 * one business show as one row with a count; it expands inline; "Mark all N read" marks exactly those and
 * the badge drops by N. The same in the bell's dropdown, at phone width. The rows are made with
 * prisma/factory.ts with unique dedupe keys and deleted afterwards (they are in the demo customer's inbox),
 * so other specs see nothing of them.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import type pg from "pg";
import { createNotification } from "../prisma/factory";
import type { PrismaClient } from "../server/generated/prisma/client";
import { badge, badgeName, database, DEMO, expectBadgeMatchesDb, factoryDb, shot, signedInPage, unreadInDb, unseenInDb } from "./helpers";

const CUSTOMER = DEMO.customer;
const RUN = `e2e-grouping:${Date.now()}`;
let db: pg.Client;
let fdb: PrismaClient;

test.beforeAll(async () => {
  db = await database();
  fdb = factoryDb();
});
test.afterAll(async () => {
  await db.query("DELETE FROM notifications WHERE dedupe_key LIKE $1", [`${RUN}:%`]);
  await fdb.$disconnect();
  await db.end();
});

/** `n` unread new-listing notifications from Mario's Trattoria for the customer, newest first by title #1. */
async function insertListings(tag: string, n: number): Promise<string[]> {
  const titles = Array.from({ length: n }, (_, i) => `New at Mario's Trattoria: ${tag} bag #${i + 1}`);
  const user = await fdb.user.findUniqueOrThrow({ where: { email: CUSTOMER } });
  const mario = await fdb.business.findUniqueOrThrow({ where: { slug: "mario-s-trattoria" } });
  const now = Date.now();
  for (const [i, title] of titles.entries()) {
    await createNotification(fdb, {
      userId: user.id, type: "new_listing", category: "listings", title, body: "ZAR 45.00 · collect from 123 Church Street, Pretoria", businessId: mario.id,
      dedupeKey: `${RUN}:${tag}:${i + 1}`, createdAt: new Date(now - (i + 1) * 1000),
    });
  }
  return titles;
}

/** The customer's unread new listings from Mario's Trattoria: the group's size, straight from the database. */
async function groupSize(): Promise<number> {
  const r = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id JOIN businesses b ON b.id = n.business_id
     WHERE u.email = $1 AND b.slug = 'mario-s-trattoria' AND n.type = 'new_listing'
       AND n.read_at IS NULL AND n.deleted_at IS NULL AND n.archived_at IS NULL`,
    [CUSTOMER],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** A page of the demo customer (its saved session) at `width` × `height`, on the inbox. */
function newPage(browser: Browser, width: number, height: number): Promise<Page> {
  return signedInPage(browser, "customer", { viewport: { width, height } });
}

test("a group of unread listings: count, expand, mark all read, badge drops by the count", async ({ browser }) => {
  const page = await newPage(browser, 1280, 860);
  const titles = await insertListings("desktop", 4);
  const n = await groupSize(); // 4, unless other specs left unread listings from Mario's
  await page.reload();

  const before = await unreadInDb(db, CUSTOMER);
  const unseen = await unseenInDb(db, CUSTOMER);
  await expect(badge(page)).toHaveAccessibleName(badgeName(unseen));
  const summary = `${n} new listings from Mario's Trattoria`;
  const group = page.getByTestId("inbox-item").filter({ hasText: summary });
  await expect(group).toHaveCount(1);
  // It is the newest entry, previewing the newest member; the others are not separate rows.
  await expect(page.getByTestId("inbox-item").first()).toContainText(summary);
  await expect(group).toContainText(titles[0]!);
  for (const t of titles.slice(1)) await expect(page.getByTestId("inbox-item").filter({ hasText: t })).toHaveCount(0);
  await shot(page, "grouping-inbox-desktop");

  // Expand: every member inline, each with its own actions.
  const toggle = group.getByRole("button", { name: `Show all ${n}` });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  const less = group.getByRole("button", { name: "Show less" });
  await expect(less).toHaveAttribute("aria-expanded", "true");
  const members = group.getByTestId("inbox-group-member");
  await expect(members).toHaveCount(n);
  for (const [i, t] of titles.entries()) await expect(members.nth(i)).toContainText(t);
  await expect(members.first().getByRole("button", { name: "Mark read" })).toBeVisible();

  // The unread filter groups too.
  await page.getByRole("button", { name: "Unread", exact: true }).click();
  await expect(page.getByTestId("inbox-item").first()).toContainText(summary);
  await page.getByRole("button", { name: "All", exact: true }).click();
  await group.getByRole("button", { name: `Show all ${n}` }).click();
  await expect(members).toHaveCount(n);

  // Keyboard: Tab from the toggle reaches "Mark all N read" (screenshot of its focus ring), Enter marks them.
  await group.getByRole("button", { name: "Show less" }).focus();
  await page.keyboard.press("Tab");
  const markAll = group.getByRole("button", { name: `Mark all ${n} read` });
  await expect(markAll).toBeFocused();
  await shot(page, "grouping-inbox-expanded-desktop");
  await page.keyboard.press("Enter");

  // The members were new (unseen) and reading sees them: the badge drops by the group's size.
  await expect(badge(page)).toHaveAccessibleName(badgeName(unseen - n));
  expect(await unreadInDb(db, CUSTOMER)).toBe(before - n);
  await expect(group).toHaveCount(0);
  // Now read, they are plain entries again, each once; focus went to the newest one.
  for (const t of titles) {
    const row = page.getByTestId("inbox-item").filter({ hasText: t });
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute("data-unread", "false");
  }
  await expect(page.getByTestId("inbox-item").filter({ hasText: titles[0]! }).getByRole("button").first()).toBeFocused();
  await shot(page, "grouping-inbox-after-desktop");
  await page.context().close();
});

test("phone width: the group in the inbox and in the bell's dropdown", async ({ browser }) => {
  const page = await newPage(browser, 390, 844);
  const titles = await insertListings("phone", 3);
  const n = await groupSize();
  const summary = `${n} new listings from Mario's Trattoria`;
  await page.reload();
  const before = await unreadInDb(db, CUSTOMER);

  const group = page.getByTestId("inbox-item").filter({ hasText: summary });
  await expect(group).toContainText(titles[0]!);
  await shot(page, "grouping-inbox-phone");
  await group.getByRole("button", { name: `Show all ${n}` }).click();
  await expect(group.getByTestId("inbox-group-member")).toHaveCount(n);
  await shot(page, "grouping-inbox-expanded-phone", true);

  // The bell shows the same group; expanding and marking it read there works the same.
  await badge(page).click();
  const dropdown = page.getByRole("region", { name: "Latest notifications" });
  const bellGroup = dropdown.getByTestId("bell-group").filter({ hasText: summary });
  await expect(bellGroup).toContainText(titles[0]!);
  await shot(page, "grouping-bell-phone");
  await bellGroup.getByRole("button", { name: `Show all ${n}` }).click();
  await expect(bellGroup.getByRole("button", { name: "Show less" })).toHaveAttribute("aria-expanded", "true");
  for (const t of titles) await expect(bellGroup).toContainText(t);
  await shot(page, "grouping-bell-expanded-phone");
  await bellGroup.getByRole("button", { name: `Mark all ${n} read` }).click();
  // Opening the bell already saw them (the badge may be right before this lands): wait for the read.
  await expect.poll(() => unreadInDb(db, CUSTOMER)).toBe(before - n);
  await expectBadgeMatchesDb(page, db, CUSTOMER);
  await expect(bellGroup).toHaveCount(0);
  await page.keyboard.press("Escape");
  // The inbox follows: the group is gone there too.
  await expect(page.getByTestId("inbox-item").filter({ hasText: summary })).toHaveCount(0);
  await page.context().close();
});

test("desktop bell: the group with its count", async ({ browser }) => {
  const page = await newPage(browser, 1280, 860);
  const titles = await insertListings("bell", 2);
  const n = await groupSize();
  await page.reload();
  await badge(page).click();
  const bellGroup = page.getByRole("region", { name: "Latest notifications" }).getByTestId("bell-group");
  await expect(bellGroup.filter({ hasText: `${n} new listings from Mario's Trattoria` })).toContainText(titles[0]!);
  await shot(page, "grouping-bell-desktop");
  await page.context().close();
});
