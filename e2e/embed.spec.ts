/**
 * The embeddable inbox (docs/requirements.md R21; issue 17 "Embeddable inbox"): the example platform
 * (examples/embed/server.mjs) serves its own page from another origin (127.0.0.1:3195, in
 * HERALD_EMBED_ORIGINS of the Herald under test) with `<herald-inbox>` and a user token it signs itself.
 * Thandi, a demo customer, sees her unseen count on the bell; Mario posts a listing and the embedded bell
 * and list update live without a reload; opening, reading and Escape work from the keyboard; screenshots
 * of the host page with the open inbox at desktop and 375 px width.
 *
 * Thandi follows Mario's Trattoria only for this spec (the demo journey follows it later), and her
 * notifications of these listings go at the end, so other specs see the demo as it was.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import type pg from "pg";
import { startExampleServer } from "../examples/embed/server.mjs";
import { EMBED_E2E } from "./embed-env";
import { badgeName, database, postListing, shot, signIn, unreadInDb, unseenInDb } from "./helpers";

const CUSTOMER = "thandi@herald.test";
const OWNER = "mario@herald.test";
const HERALD = "http://localhost:3100";
const RUN = `Embed ${Date.now()}`;

let db: pg.Client;
let example: { url: string; close: () => Promise<void> };
let follow: { userId: string; businessId: string; created: boolean; wasDeleted: boolean };

test.beforeAll(async () => {
  db = await database();
  const r = await db.query<{ user_id: string; business_id: string; follow_deleted: boolean | null }>(
    `SELECT u.id AS user_id, b.id AS business_id, (SELECT f.deleted_at IS NOT NULL FROM follows f WHERE f.user_id = u.id AND f.business_id = b.id) AS follow_deleted
     FROM users u, businesses b JOIN users o ON o.id = b.owner_id WHERE u.email = $1 AND o.email = $2`,
    [CUSTOMER, OWNER],
  );
  const row = r.rows[0]!;
  follow = { userId: row.user_id, businessId: row.business_id, created: row.follow_deleted === null, wasDeleted: row.follow_deleted === true };
  await db.query(
    `INSERT INTO follows (user_id, business_id, created_at) VALUES ($1, $2, now() - interval '1 minute')
     ON CONFLICT (user_id, business_id) DO UPDATE SET deleted_at = NULL`,
    [follow.userId, follow.businessId],
  );
  example = await startExampleServer({ heraldUrl: HERALD, secret: EMBED_E2E.secret, userId: follow.userId, host: EMBED_E2E.host, port: EMBED_E2E.port });
  expect(example.url).toBe(EMBED_E2E.origin);
});

test.afterAll(async () => {
  await example?.close();
  await db.query(`DELETE FROM notifications WHERE user_id = $1 AND title LIKE $2`, [follow.userId, `%${RUN}%`]);
  if (follow.created) await db.query(`DELETE FROM follows WHERE user_id = $1 AND business_id = $2`, [follow.userId, follow.businessId]);
  else if (follow.wasDeleted) await db.query(`UPDATE follows SET deleted_at = now() WHERE user_id = $1 AND business_id = $2`, [follow.userId, follow.businessId]);
  await db.end();
});

async function hostPage(browser: Browser, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(example.url);
  return page;
}

const bellOf = (page: Page) => page.getByRole("button", { name: /^Notifications/ });
const dialogOf = (page: Page) => page.getByRole("dialog", { name: "Notifications" });
/** A notification's row in the panel by its title (its accessible name starts "Unread: " while unread). */
const rowOf = (page: Page, title: string) => dialogOf(page).getByRole("button", { name: new RegExp(title) });

test("the platform's page shows Herald's bell and inbox, live, from another origin", async ({ browser }) => {
  const page = await hostPage(browser, 1280, 860);
  expect(new URL(page.url()).origin).not.toBe(HERALD);
  const bell = bellOf(page);
  // The demo customer's unseen count, as the server has it.
  await expect(bell).toHaveAccessibleName(badgeName(await unseenInDb(db, CUSTOMER)));
  // A marker that survives only as long as the page is not reloaded.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 17));

  // Keyboard: the bell opens with Enter, focus moves into the dialog; Escape closes and returns focus.
  await bell.focus();
  await page.keyboard.press("Enter");
  const dialog = dialogOf(page);
  await expect(dialog).toBeVisible();
  await expect(bell).toHaveAttribute("aria-expanded", "true");
  await expect(dialog).toBeFocused();
  // What the panel shows is seen: the badge follows the server.
  await expect(async () => expect(await bell.getAttribute("aria-label")).toBe(badgeName(await unseenInDb(db, CUSTOMER)))).toPass({ timeout: 10_000 });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(bell).toBeFocused();
  await expect(bell).toHaveAttribute("aria-expanded", "false");

  // A business posts: the closed bell's count goes up without a reload.
  const unseenBefore = await unseenInDb(db, CUSTOMER);
  const owner = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await signIn(owner, OWNER);
  const first = `Bunny chow tray ${RUN}`;
  await postListing(owner, first);
  await expect(bell).toHaveAccessibleName(badgeName(unseenBefore + 1), { timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(17);

  // Opened again: the new listing is on top, unread; showing it clears the badge.
  await page.keyboard.press("Enter");
  await expect(dialog).toBeFocused();
  const firstRow = rowOf(page, first);
  await expect(firstRow).toHaveAccessibleName(new RegExp(`^Unread: New at Mario's Trattoria: ${first}`));
  await expect(dialog.getByRole("listitem").first()).toContainText(first);
  await expect(bell).toHaveAccessibleName(badgeName(0));

  // While it is open, another post lands in the list live.
  const second = `Vetkoek dozen ${RUN}`;
  await postListing(owner, second);
  await expect(dialog.getByRole("listitem").first()).toContainText(second, { timeout: 20_000 });
  await expect(rowOf(page, second)).toHaveAccessibleName(/^Unread: /);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(17);

  // Arrow keys move between notifications; Enter on one marks it read, and the unread count follows.
  const unread = await unreadInDb(db, CUSTOMER);
  await expect(dialog.getByText(`${unread} unread`, { exact: true })).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await expect(rowOf(page, second)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(rowOf(page, first)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(rowOf(page, first)).not.toHaveAccessibleName(/^Unread: /);
  await expect(rowOf(page, first)).toBeFocused();
  await expect(dialog.getByText(`${unread - 1} unread`, { exact: true })).toBeVisible();
  await expect.poll(() => unreadInDb(db, CUSTOMER)).toBe(unread - 1);
  // The host hears which one was opened (herald-notification-click).
  await expect(page.locator("#last-click")).toHaveText(new RegExp(`^Opened: New at Mario's Trattoria: ${first}`));
  // A click reads the other.
  await rowOf(page, second).click();
  await expect(rowOf(page, second)).not.toHaveAccessibleName(/^Unread: /);
  await expect.poll(() => unreadInDb(db, CUSTOMER)).toBe(unread - 2);

  // Accessible as the host page shows it (axe looks inside the shadow root).
  const axe = await new AxeBuilder({ page }).include("herald-inbox").withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  await shot(page, "embed-host-open-desktop");

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(bell).toBeFocused();
  await owner.context().close();
  await page.context().close();
});

test("at 375 px the open inbox spans the screen under the bell; Escape returns focus", async ({ browser }) => {
  const page = await hostPage(browser, 375, 812);
  const bell = bellOf(page);
  await expect(bell).toHaveAccessibleName(badgeName(await unseenInDb(db, CUSTOMER)));
  await bell.click();
  const dialog = dialogOf(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("listitem").first()).toBeVisible();
  const box = (await dialog.boundingBox())!;
  const bellBox = (await bell.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  expect(box.width).toBeGreaterThan(340);
  expect(box.y).toBeGreaterThanOrEqual(bellBox.y + bellBox.height);
  await shot(page, "embed-host-open-375");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(bell).toBeFocused();
  // A tap outside (below the panel) closes it too, leaving focus where the tap put it.
  await bell.click();
  await expect(dialog).toBeVisible();
  const panel = (await dialog.boundingBox())!;
  expect(panel.y + panel.height).toBeLessThan(800);
  await page.mouse.click(20, 800);
  await expect(dialog).toBeHidden();
  await expect(bell).toHaveAttribute("aria-expanded", "false");

  // A refused token: the component tells the host (herald-inbox-unauthorized), whose server signs a fresh
  // one (POST /embed-token on the example), and the inbox starts again with it.
  const refused = page.waitForResponse((r) => r.url() === `${HERALD}/api/embed/v1/session` && r.status() === 401);
  const refreshed = page.waitForRequest((r) => r.url() === `${example.url}/embed-token` && r.method() === "POST");
  const restarted = page.waitForResponse((r) => r.url() === `${HERALD}/api/embed/v1/session` && r.status() === 200);
  await page.evaluate(() => document.querySelector("herald-inbox")!.setAttribute("user-token", "not-a-token"));
  await refused;
  await refreshed;
  await restarted;
  await bell.click();
  await expect(dialog.getByRole("listitem").first()).toBeVisible();
  await page.context().close();
});

test("the API refuses another origin and a forged token; /embed.js is served to anyone", async ({ request }) => {
  const script = await request.get(`${HERALD}/embed.js`);
  expect(script.status()).toBe(200);
  expect(script.headers()["content-type"]).toBe("text/javascript; charset=utf-8");
  expect(script.headers()["access-control-allow-origin"]).toBe("*");
  const refused = await request.get(`${HERALD}/api/embed/v1/notifications/counts`, { headers: { origin: "https://evil.example", authorization: "Bearer x" } });
  expect(refused.status()).toBe(403);
  expect(refused.headers()["access-control-allow-origin"]).toBeUndefined();
  const forged = await request.get(`${HERALD}/api/embed/v1/notifications/counts`, {
    headers: { origin: EMBED_E2E.origin, authorization: `Bearer ${follow.userId}.${Math.floor(Date.now() / 1000) + 600}.${"A".repeat(43)}` },
  });
  expect(forged.status()).toBe(401);
  expect(forged.headers()["access-control-allow-origin"]).toBe(EMBED_E2E.origin);
  expect(forged.headers()["vary"]).toMatch(/\bOrigin\b/);
});
