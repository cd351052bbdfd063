/**
 * Snooze (issue 16): a notification snoozed to a time in the user's time zone leaves the inbox, waits under
 * "Snoozed", and comes back live, unread and new, when its time comes: the server's durable step sleep,
 * reached by moving the executor's test clock (HERALD_TEST_CLOCK=1, the Playwright server only). Unsnooze
 * brings one back at once. Makes its own user (in Johannesburg) with prisma/factory.ts (a unique address:
 * nothing to clean up).
 */
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { createNotification, createUser } from "../prisma/factory";
import { advanceJobsClock, badge, badgeName, database, factoryDb, jobsClockNow, shot, signIn } from "./helpers";

let db: pg.Client;
let userId: string;
const EMAIL = `e2e-snooze-${Date.now()}@herald.test`;
const ZONE = "Africa/Johannesburg";
const TITLES = ["Bread is back tomorrow", "Soup of the day", "Welcome to Herald"]; // newest first

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  userId = (await createUser(fdb, { email: EMAIL, name: "Snooze Tester", timezone: ZONE })).id;
  for (const [i, title] of TITLES.entries()) {
    await createNotification(fdb, {
      userId, type: "system_announcement", category: "announcements", title, body: "From the Herald team", dedupeKey: `e2e-snooze:${userId}:${i}`,
      createdAt: new Date(Date.now() - (i + 1) * 10 * 60_000),
    });
  }
  await fdb.$disconnect();
});
test.afterAll(async () => {
  await db.end();
});

/** The wall-clock time in {@link ZONE} `ms` from now, as a datetime-local input takes it (with seconds). */
function wallTimeIn(ms: number): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(Date.now() + ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}`;
}

const row = (page: Page, title: string) => page.getByTestId("inbox-item").filter({ hasText: title });

test("snoozed, it waits under Snoozed (Unsnooze brings it back); at its time (the test clock) it comes back live, unread and new", async ({ page }) => {
  await signIn(page, EMAIL);
  await expect(badge(page)).toHaveAccessibleName(badgeName(3));
  const target = TITLES[1]!;

  // The menu: quick choices with their times in the user's zone, and a time to pick.
  await row(page, target).getByRole("button", { name: `Snooze: ${target}` }).click();
  const menu = page.getByRole("group", { name: new RegExp(`Snooze .*${target}.* until`) });
  await expect(menu.getByRole("button", { name: /Tomorrow morning/ })).toContainText(/\w{3},? \d{1,2} \w{3},? 08:00/);
  await expect(menu.getByRole("button").first()).toBeFocused();
  await expect(menu).toContainText("Africa/Johannesburg".replace(/_/g, " "));
  await shot(page, "snooze-menu-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, "snooze-menu-375", true);
  await page.setViewportSize({ width: 1280, height: 720 });

  // A time in the past is refused where it was picked, and nothing changes.
  await menu.getByLabel(/Pick a time/).fill(wallTimeIn(-3_600_000).slice(0, 16));
  await menu.getByRole("button", { name: "Snooze", exact: true }).click();
  await expect(menu.getByRole("alert")).toHaveText("Pick a time in the future");
  await expect(row(page, target)).toHaveCount(1);

  // The executor's clock is shared by the whole run and earlier specs moved it on (a day, for the
  // reminders): snooze to picked times after it, or the durable sleep would end at once. The quick choices
  // send the same request with a computed time (snooze.test.ts checks those times).
  const ahead = (await jobsClockNow()).getTime() - Date.now();
  const targetAt = wallTimeIn(ahead + 2 * 86_400_000).slice(0, 16);
  await menu.getByLabel(/Pick a time/).fill(targetAt);
  await menu.getByRole("button", { name: "Snooze", exact: true }).click();
  // It leaves the inbox and the badge, and waits under Snoozed with its time.
  await expect(row(page, target)).toHaveCount(0);
  await expect(badge(page)).toHaveAccessibleName(badgeName(2));
  await page.getByRole("button", { name: "Snoozed", exact: true }).click();
  await expect(row(page, target)).toContainText(new RegExp(`Snoozed until .*${targetAt.slice(11)}`));

  // Another one, snoozed a day later still, is brought back by hand with Unsnooze (seen, so not on the
  // badge again).
  await page.getByRole("button", { name: "All", exact: true }).click();
  const other = TITLES[2]!;
  await row(page, other).getByRole("button", { name: `Snooze: ${other}` }).click();
  await page.getByLabel(/Pick a time/).fill(wallTimeIn(ahead + 3 * 86_400_000).slice(0, 16));
  await page.getByRole("button", { name: "Snooze", exact: true }).click();
  await expect(row(page, other)).toHaveCount(0);
  await page.getByRole("button", { name: "Snoozed", exact: true }).click();
  await expect(page.getByTestId("inbox-item")).toHaveCount(2);
  await shot(page, "snooze-snoozed-view-desktop");
  await row(page, other).getByRole("button", { name: `Unsnooze: ${other}` }).click();
  await expect(row(page, other)).toHaveCount(0);
  await page.getByRole("button", { name: "All", exact: true }).click();
  await expect(page.getByTestId("inbox-item").first()).toContainText(other);
  await expect(badge(page)).toHaveAccessibleName(badgeName(1));

  // Its time comes (the executor's test clock jumps there; the snooze's step sleep is durable and on that
  // clock): back on top, unread and new, without a reload.
  const until = (await db.query<{ at: Date }>(`SELECT snoozed_until AS at FROM notifications WHERE user_id = $1 AND title = $2`, [userId, target])).rows[0]!.at;
  await advanceJobsClock(until.getTime() - (await jobsClockNow()).getTime() + 60_000);
  await expect(page.getByTestId("inbox-item").first()).toContainText(target, { timeout: 30_000 });
  await expect(row(page, target)).toHaveAttribute("data-unread", "true");
  await expect(badge(page)).toHaveAccessibleName(badgeName(2));
  const back = await db.query<{ snoozed_until: Date | null; read_at: Date | null }>(
    `SELECT snoozed_until, read_at FROM notifications WHERE user_id = $1 AND title = $2`,
    [userId, target],
  );
  expect(back.rows).toEqual([{ snoozed_until: null, read_at: null }]);
  await shot(page, "snooze-back-desktop");
});
