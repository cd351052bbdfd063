/**
 * Seen and read are different (issue 16): the bell's badge counts what is new (unseen); opening the bell
 * marks what it shows as seen, in every tab of the user at once, while the inbox still shows it unread.
 * Makes its own user with prisma/factory.ts (a unique address: nothing to clean up).
 */
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { createNotification, createUser } from "../prisma/factory";
import type { PrismaClient } from "../server/generated/prisma/client";
import { badge, badgeName, database, factoryDb, shot, signIn } from "./helpers";

let db: pg.Client;
let fdb: PrismaClient;
let userId: string;
const EMAIL = `e2e-seen-${Date.now()}@herald.test`;
const TITLES = ["Market day moved to Saturday", "New recipes this week", "Welcome to Herald"]; // newest first

test.beforeAll(async () => {
  db = await database();
  fdb = factoryDb();
  userId = (await createUser(fdb, { email: EMAIL, name: "Seen Tester" })).id;
  for (const [i, title] of TITLES.entries()) {
    await createNotification(fdb, {
      userId, type: "system_announcement", category: "announcements", title, body: "From the Herald team", dedupeKey: `e2e-seen:${userId}:${i}`,
      createdAt: new Date(Date.now() - (i + 1) * 60_000),
    });
  }
});
test.afterAll(async () => {
  await fdb.$disconnect();
  await db.end();
});

test("opening the bell in one tab clears the badge in both; the inbox keeps them unread", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const first = await context.newPage();
  await signIn(first, EMAIL);
  const second = await context.newPage();
  await second.goto("/notifications");
  for (const tab of [first, second]) await expect(badge(tab)).toHaveAccessibleName(badgeName(3));
  await expect(second.getByTestId("inbox-item").filter({ hasText: TITLES[0]! })).toHaveAttribute("data-unread", "true");

  // The first tab opens the bell: what it shows is seen, in the database and in both tabs' badges.
  await badge(first).click();
  const dropdown = first.getByRole("region", { name: "Latest notifications" });
  for (const t of TITLES) await expect(dropdown).toContainText(t);
  await expect(badge(first)).toHaveAccessibleName(badgeName(0));
  await expect(badge(second)).toHaveAccessibleName(badgeName(0));
  const states = await db.query<{ seen: boolean; read: boolean }>(
    `SELECT seen_at IS NOT NULL AS seen, read_at IS NOT NULL AS read FROM notifications WHERE user_id = $1`,
    [userId],
  );
  expect(states.rows).toEqual(TITLES.map(() => ({ seen: true, read: false })));
  await shot(first, "seen-bell-opened-desktop");

  // Seen is not read: the second tab's inbox still shows all three unread, and says so.
  await expect(second.getByText("3 unread", { exact: true })).toBeVisible();
  for (const t of TITLES) await expect(second.getByTestId("inbox-item").filter({ hasText: t })).toHaveAttribute("data-unread", "true");
  await second.getByRole("button", { name: "Unread", exact: true }).click();
  await expect(second.getByTestId("inbox-item")).toHaveCount(3);

  // Something new after that is new again, and the unread count grows past the badge.
  await createNotification(fdb, { userId, type: "system_announcement", category: "announcements", title: "One more thing", body: "", dedupeKey: `e2e-seen:${userId}:late` });
  await first.keyboard.press("Escape");
  await second.reload();
  await expect(badge(second)).toHaveAccessibleName(badgeName(1));
  await expect(second.getByText("4 unread", { exact: true })).toBeVisible();
  await context.close();
});
