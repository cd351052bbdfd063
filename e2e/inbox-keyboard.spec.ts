/**
 * The inbox by keyboard: after each row action focus stays where a keyboard user left it (on the button,
 * or on the next row when the row leaves the list), a delete can be undone for a few seconds with focus on
 * the Undo, and Escape on the bell gives focus back to the bell. Makes its own user (prisma/factory.ts, a
 * unique address: nothing to clean up).
 */
import { expect, test, type Locator, type Page, type WebSocketRoute } from "@playwright/test";
import type pg from "pg";
import { createNotification, createUser } from "../prisma/factory";
import type { PrismaClient } from "../server/generated/prisma/client";
import { badge, badgeName, database, factoryDb, shot, signIn } from "./helpers";

let db: pg.Client;
let fdb: PrismaClient;
let userId: string;
const EMAIL = `e2e-keyboard-${Date.now()}@herald.test`;
const TITLES = ["Fourth", "Third", "Second", "First"].map((t) => `${t} announcement`); // newest first

/** One of the user's announcements, `minutesAgo` old (now by default). */
const announce = (title: string, key: string, o: { minutesAgo?: number; body?: string } = {}) =>
  createNotification(fdb, {
    userId, type: "system_announcement", category: "announcements", title, body: o.body ?? "", dedupeKey: `e2e-keyboard:${userId}:${key}`,
    createdAt: new Date(Date.now() - (o.minutesAgo ?? 0) * 60_000),
  });

test.beforeAll(async () => {
  db = await database();
  fdb = factoryDb();
  userId = (await createUser(fdb, { email: EMAIL, name: "Keyboard Tester" })).id;
  for (const [i, title] of [...TITLES].reverse().entries()) await announce(title, String(i), { minutesAgo: 10 - i, body: "From the Herald team" });
});
test.afterAll(async () => {
  await fdb.$disconnect();
  await db.end();
});

/** Focuses a row action and presses Enter once no other change is running (buttons are aria-disabled meanwhile). */
async function press(button: Locator) {
  await expect(button).not.toHaveAttribute("aria-disabled", "true");
  await button.focus();
  await button.press("Enter");
}

const row = (page: Page, title: string) => page.getByTestId("inbox-item").filter({ hasText: title });
const titleButton = (page: Page, title: string) => row(page, title).getByRole("button", { name: new RegExp(title) }).first();

test("focus stays on the action or moves to the next row; delete can be undone; Escape returns to the bell", async ({ page }) => {
  await signIn(page, EMAIL);
  await expect(page.getByTestId("inbox-item")).toHaveCount(4);

  // Mark read: the row stays, and so does focus, on the same button (now "Mark unread").
  await press(row(page, TITLES[0]!).getByRole("button", { name: "Mark read" }));
  await expect(row(page, TITLES[0]!).getByRole("button", { name: "Mark unread" })).toBeFocused();

  // Archive: the row leaves "All"; focus goes to the next row's title.
  await press(row(page, TITLES[1]!).getByRole("button", { name: "Archive" }));
  await expect(row(page, TITLES[1]!)).toHaveCount(0);
  await expect(titleButton(page, TITLES[2]!)).toBeFocused();

  // Delete: "Deleted · Undo" in its place, with focus on Undo; Undo brings it back, focused.
  await press(page.getByRole("button", { name: `Delete: ${TITLES[2]}` }));
  const undo = page.getByRole("button", { name: `Undo delete: ${TITLES[2]}` });
  await expect(undo).toBeFocused();
  await expect(row(page, TITLES[2]!)).toHaveCount(0);
  await shot(page, "inbox-undo-delete-desktop");
  await press(undo); // Undo waits for the delete to be saved (aria-disabled until then)
  await expect(titleButton(page, TITLES[2]!)).toBeFocused();
  const restored = await db.query<{ deleted_at: Date | null }>(`SELECT deleted_at FROM notifications WHERE user_id = $1 AND title = $2`, [userId, TITLES[2]]);
  expect(restored.rows[0]!.deleted_at).toBeNull();

  // Delete again and let the offer run out: the row stays gone, and focus moves on to the next row.
  await press(page.getByRole("button", { name: `Delete: ${TITLES[2]}` }));
  await expect(undo).toBeFocused();
  await expect(undo).toHaveCount(0, { timeout: 15_000 });
  await expect(titleButton(page, TITLES[3]!)).toBeFocused();
  const gone = await db.query<{ deleted_at: Date | null }>(`SELECT deleted_at FROM notifications WHERE user_id = $1 AND title = $2`, [userId, TITLES[2]]);
  expect(gone.rows[0]!.deleted_at).not.toBeNull();

  // The bell: Escape closes the panel and focus is back on the bell.
  await badge(page).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("region", { name: "Latest notifications" })).toBeVisible();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("region", { name: "Latest notifications" })).toHaveCount(0);
  await expect(badge(page)).toBeFocused();
});

test("a calm 'Reconnecting…' while the live connection is down, gone once it is back, with the badge refetched", async ({ page }) => {
  // The realtime socket goes through the test: it can be dropped, and refused while "down".
  let down = false;
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/app\//, (ws) => {
    if (down) return void ws.close({ code: 4200, reason: "down for the test" });
    sockets.push(ws);
    ws.connectToServer();
  });
  await signIn(page, EMAIL);
  const hint = page.getByRole("status").filter({ hasText: "Reconnecting…" });
  await expect.poll(() => sockets.length).toBeGreaterThan(0);
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/api/pusher/auth")));
  await expect(hint).toHaveCount(0);
  down = true;
  for (const ws of sockets) await ws.close({ code: 4200, reason: "down for the test" });
  await expect(hint).toBeVisible({ timeout: 15_000 });
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, "reconnecting-375");
  // What changed meanwhile shows once the connection is back: the badge is the server's count again.
  await announce("While offline", "offline");
  const unseen = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL AND seen_at IS NULL AND deleted_at IS NULL AND archived_at IS NULL`,
    [userId],
  );
  down = false;
  await expect(hint).toHaveCount(0, { timeout: 30_000 });
  await expect(badge(page)).toHaveAccessibleName(badgeName(Number(unseen.rows[0]!.n)));
});
