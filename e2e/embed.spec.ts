/**
 * The embeddable inbox (docs/requirements.md R21; issue 17 "Embeddable inbox"): the example platform
 * (examples/embed/server.mjs) serves its own page from another origin (127.0.0.1:3195, in
 * HERALD_EMBED_ORIGINS of the Herald under test) with `<herald-inbox>` and a user token it signs itself.
 * A customer of the platform sees their unseen count on the bell; Mario posts a listing and the embedded
 * bell and list update live without a reload; opening, reading and Escape work from the keyboard;
 * screenshots of the host page with the open inbox at desktop and 375 px width.
 *
 * The customer is this spec's own (prisma/factory.ts), following Mario's Trattoria, with two older
 * notifications: the demo's customers stay as they were for the other specs, with nothing to clean up.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import type pg from "pg";
import { startExampleServer } from "../examples/embed/server.mjs";
import { createNotification, createUser, follow } from "../prisma/factory";
import { EMBED_E2E } from "./embed-env";
import { badgeName, database, factoryDb, postListing, shot, signedInPage, unreadInDb, unseenInDb } from "./helpers";

const HERALD = "http://localhost:3100";
const RUN = `Embed ${Date.now()}`;

let db: pg.Client;
let example: { url: string; close: () => Promise<void> };
/** The platform's signed-in customer (this spec's own). */
let customer: { id: string; email: string };

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  customer = await createUser(fdb, { name: "Embed Customer" });
  const mario = await fdb.business.findUniqueOrThrow({ where: { slug: "mario-s-trattoria" } });
  await follow(fdb, customer.id, mario.id, new Date(Date.now() - 60_000));
  for (const title of ["Welcome to Herald", "Soup of the day"]) {
    await createNotification(fdb, { userId: customer.id, type: "system_announcement", category: "announcements", title, createdAt: new Date(Date.now() - 3_600_000) });
  }
  await fdb.$disconnect();
  example = await startExampleServer({ heraldUrl: HERALD, secret: EMBED_E2E.secret, userId: customer.id, host: EMBED_E2E.host, port: EMBED_E2E.port });
  expect(example.url).toBe(EMBED_E2E.origin);
});

test.afterAll(async () => {
  await example?.close();
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
  // The customer's unseen count, as the server has it.
  await expect(bell).toHaveAccessibleName(badgeName(await unseenInDb(db, customer.email)));
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
  await expect(async () => expect(await bell.getAttribute("aria-label")).toBe(badgeName(await unseenInDb(db, customer.email)))).toPass({ timeout: 10_000 });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(bell).toBeFocused();
  await expect(bell).toHaveAttribute("aria-expanded", "false");

  // A business posts: the closed bell's count goes up without a reload.
  const unseenBefore = await unseenInDb(db, customer.email);
  const owner = await signedInPage(browser, "business", { viewport: { width: 1280, height: 860 } });
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
  const unread = await unreadInDb(db, customer.email);
  await expect(dialog.getByText(`${unread} unread`, { exact: true })).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await expect(rowOf(page, second)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(rowOf(page, first)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(rowOf(page, first)).not.toHaveAccessibleName(/^Unread: /);
  await expect(rowOf(page, first)).toBeFocused();
  await expect(dialog.getByText(`${unread - 1} unread`, { exact: true })).toBeVisible();
  await expect.poll(() => unreadInDb(db, customer.email)).toBe(unread - 1);
  // The host hears which one was opened (herald-notification-click).
  await expect(page.locator("#last-click")).toHaveText(new RegExp(`^Opened: New at Mario's Trattoria: ${first}`));
  // A click reads the other.
  await rowOf(page, second).click();
  await expect(rowOf(page, second)).not.toHaveAccessibleName(/^Unread: /);
  await expect.poll(() => unreadInDb(db, customer.email)).toBe(unread - 2);

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
  await expect(bell).toHaveAccessibleName(badgeName(await unseenInDb(db, customer.email)));
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
    headers: { origin: EMBED_E2E.origin, authorization: `Bearer ${customer.id}.${Math.floor(Date.now() / 1000) + 600}.${"A".repeat(43)}` },
  });
  expect(forged.status()).toBe(401);
  expect(forged.headers()["access-control-allow-origin"]).toBe(EMBED_E2E.origin);
  expect(forged.headers()["vary"]).toMatch(/\bOrigin\b/);
});
