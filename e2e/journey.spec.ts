/**
 * The foundation journey (issue "Herald runs end to end on one machine"): a customer follows a business,
 * the business posts a listing, and the customer's badge and inbox update live, without a reload.
 */
import { expect, test, type Browser } from "@playwright/test";
import type pg from "pg";
import { createNotification } from "../prisma/factory";
import type { PrismaClient } from "../server/generated/prisma/client";
import { authFile, badge, badgeName, database, DEMO, expectBadgeMatchesDb, factoryDb, shot, signedInPage, signIn, unreadInDb, unseenInDb } from "./helpers";

const CUSTOMER = DEMO.customer;
const OWNER = DEMO.business;

let db: pg.Client;
let fdb: PrismaClient;
test.beforeAll(async () => {
  db = await database();
  fdb = factoryDb();
});
test.afterAll(async () => {
  await fdb.$disconnect();
  await db.end();
});

async function newPage(browser: Browser, width = 1280, height = 860) {
  const context = await browser.newContext({ viewport: { width, height } });
  return context.newPage();
}

test("follow, post, and the follower's badge and inbox update live", async ({ browser }) => {
  const customer = await signedInPage(browser, "customer", { viewport: { width: 1280, height: 860 } });

  // 2. Browse businesses, open one, follow it, see it in the following list.
  await customer.getByRole("link", { name: "Businesses" }).click();
  await expect(customer.getByRole("heading", { name: "Businesses" })).toBeVisible();
  await shot(customer, "businesses-desktop");
  await customer.getByLabel("Search businesses").fill("Mario");
  await customer.getByRole("button", { name: "Search" }).click();
  await customer.getByRole("link", { name: "Mario's Trattoria" }).click();
  await expect(customer.getByRole("heading", { name: "Mario's Trattoria" })).toBeVisible();
  const followers = Number(await customer.getByTestId("followers-count").textContent());
  await customer.getByRole("button", { name: "Follow Mario's Trattoria" }).click();
  await expect(customer.getByRole("button", { name: "Unfollow Mario's Trattoria" })).toBeVisible();
  await expect(customer.getByTestId("followers-count")).toHaveText(String(followers + 1));
  await customer.getByRole("link", { name: "Following" }).click();
  await expect(customer.getByTestId("following-list")).toContainText("Mario's Trattoria");

  // The inbox, before the post.
  await customer.getByRole("link", { name: "Inbox" }).click();
  await expect(customer.getByTestId("inbox-list")).toBeVisible();
  const before = await unreadInDb(db, CUSTOMER);
  const unseenBefore = await unseenInDb(db, CUSTOMER);
  await expect(badge(customer)).toHaveAccessibleName(badgeName(unseenBefore));

  // 3. The owner posts a listing from the composer, in another browser context.
  const owner = await signedInPage(browser, "business", { viewport: { width: 1280, height: 860 } });
  await owner.getByRole("link", { name: "New listing" }).click();
  await expect(owner.getByRole("heading", { name: "New listing" })).toBeVisible();
  await shot(owner, "composer-desktop");
  const title = `Lasagne tray ${Date.now()}`;
  await owner.getByLabel("Title").fill(title);
  await owner.getByLabel("Description").fill("Six portions of beef lasagne, baked today.");
  // A price that is not a number, or none, is named for what it is, and nothing is posted.
  for (const [typed, message] of [["abc", "Enter the price as a number, e.g. 45.00"], ["", "Enter a price, or 0 if it is free"]]) {
    await owner.getByLabel("Price (ZAR)").fill(typed!);
    await owner.getByRole("button", { name: "Post listing" }).click();
    await expect(owner.locator("#price-error")).toHaveText(message!);
    await expect(owner.getByLabel("Price (ZAR)")).toBeFocused();
  }
  await owner.getByLabel("Price (ZAR)").fill("55");
  await owner.getByRole("button", { name: "Post listing" }).click();
  await expect(owner.getByRole("status")).toContainText(`Posted “${title}”`);

  // 4. Without reloading, the customer's badge goes up and the notification is first in the inbox.
  await expect(badge(customer)).toHaveAccessibleName(badgeName(unseenBefore + 1));
  const first = customer.getByTestId("inbox-item").first();
  await expect(first).toContainText(title);
  await expect(first).toHaveAttribute("data-unread", "true");
  await shot(customer, "inbox-desktop");

  // The bell's dropdown shows it too.
  await badge(customer).click();
  const dropdown = customer.getByRole("region", { name: "Latest notifications" });
  await expect(dropdown).toContainText(title);
  await shot(customer, "bell-desktop");
  await customer.keyboard.press("Escape");
  await expect(dropdown).toBeHidden();

  // Clicking it marks it read and opens its target.
  await first.getByRole("button").first().click(); // the title opens the notification
  await expect(customer).toHaveURL(/\/listings\/[0-9a-f-]{36}$/);
  await expect(customer.getByRole("heading", { name: title })).toBeVisible();
  await expectBadgeMatchesDb(customer, db, CUSTOMER);
  expect(await unreadInDb(db, CUSTOMER)).toBe(before);

  await owner.context().close();
  await customer.context().close();
});

test("inbox: filters, read/unread, mark all read, archive, delete, load more; badge equals the database", async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, storageState: authFile("customer") })).newPage();
  // Test instrumentation (not the app's): remember the page's WebSockets so the test can drop them.
  await page.addInitScript(() => {
    const sockets: WebSocket[] = [];
    (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
  await page.goto("/notifications");
  await expect(page).toHaveURL(/\/notifications$/);
  // Enough rows for a second page (the page size is 20).
  const customerId = (await fdb.user.findUniqueOrThrow({ where: { email: CUSTOMER } })).id;
  for (let g = 1; g <= 25; g++) {
    await createNotification(fdb, {
      userId: customerId, type: "business_update", category: "business", title: `Opening hours update #${g}`, body: "We now open at 7am.",
      dedupeKey: `e2e-load-more:${g}`, createdAt: new Date(Date.now() - 40 * 86_400_000 - g * 60_000),
    });
  }
  // "Load more" while the realtime subscription confirms (which refetches the inbox) must not lose the
  // second page. Made deterministic: channel authorization waits until the next page is requested, and
  // that request is answered only after the subscription has had time to confirm.
  let releaseAuth = () => {};
  const authHeld = new Promise<void>((resolve) => (releaseAuth = resolve));
  await page.route("**/api/pusher/auth", async (route) => {
    await authHeld;
    await route.continue();
  });
  const isNextPage = (url: URL) => url.pathname.includes("notifications.list") && decodeURIComponent(url.search).includes('"cursor":"');
  await page.route(isNextPage, async (route) => {
    releaseAuth();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await route.continue();
  });
  await page.reload();
  const items = page.getByTestId("inbox-item");
  await expect(items).toHaveCount(20);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(items.nth(20)).toBeVisible();
  expect(await items.count()).toBeGreaterThan(20);
  await page.unrouteAll({ behavior: "wait" });

  // Type filter.
  await page.getByLabel("Type").selectOption({ label: "Business update" });
  await expect(items.first()).toContainText("Business update");
  await page.getByLabel("Type").selectOption({ label: "All types" });

  // Unread filter, mark one read and back to unread.
  await page.getByRole("button", { name: "Unread", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unread", exact: true })).toHaveAttribute("aria-pressed", "true");
  const unreadBefore = await unreadInDb(db, CUSTOMER);
  const target = items.first();
  const targetTitle = (await target.getByRole("button").first().textContent())!.replace(/^Unread: /, "");
  await target.getByRole("button", { name: "Mark read" }).click();
  await expect(page.getByText(`${unreadBefore - 1} unread`, { exact: true })).toBeVisible();
  await expectBadgeMatchesDb(page, db, CUSTOMER);
  await page.getByRole("button", { name: "All", exact: true }).click();
  await page.getByTestId("inbox-item").filter({ hasText: targetTitle }).getByRole("button", { name: "Mark unread" }).click();
  await expect(page.getByText(`${unreadBefore} unread`, { exact: true })).toBeVisible();

  // Archive moves it to Archived; delete removes it everywhere.
  const row = page.getByTestId("inbox-item").filter({ hasText: targetTitle });
  await row.getByRole("button", { name: "Archive" }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole("button", { name: "Archived" }).click();
  await expect(page.getByTestId("inbox-item").filter({ hasText: targetTitle })).toHaveCount(1);
  await page.getByTestId("inbox-item").filter({ hasText: targetTitle }).getByRole("button", { name: /^Delete/ }).click();
  await expect(page.getByText("Nothing archived")).toBeVisible();

  // Mark all read, and the badge equals the server's count (0).
  await page.getByRole("button", { name: "All", exact: true }).click();
  await page.getByRole("button", { name: "Mark all read" }).click();
  await expect(badge(page)).toHaveAccessibleName("Notifications");
  expect(await unreadInDb(db, CUSTOMER)).toBe(0);

  // After reconnects the badge still matches the server. Rows written behind the UI's back send no
  // realtime signal, so only the refetch on reconnect can bring the badge up to date.
  const writeBehind = (tag: string) =>
    createNotification(fdb, { userId: customerId, type: "business_update", category: "business", title: `Written while away (${tag})`, body: "", dedupeKey: `e2e-away:${tag}` });
  // 1. The browser goes offline and back online.
  await writeBehind("network");
  await page.context().setOffline(true);
  await page.context().setOffline(false);
  await expect(badge(page)).toHaveAccessibleName(badgeName(await unseenInDb(db, CUSTOMER)));
  // 2. The realtime connection drops (the sockets are closed under pusher-js) and reconnects.
  await writeBehind("socket");
  await page.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.forEach((s) => s.close()));
  await expect(badge(page)).toHaveAccessibleName(badgeName(await unseenInDb(db, CUSTOMER)));
  expect(await unreadInDb(db, CUSTOMER)).toBe(2);
  expect(await unseenInDb(db, CUSTOMER)).toBe(2);
  await page.context().close();
});

test("access rules: sign-in redirect, channel authorization, and customers cannot open the composer", async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto("/notifications");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fnotifications/);
  await expect(page.getByRole("heading", { name: "Demo accounts" })).toBeVisible();
  await shot(page, "signin-desktop");
  // Channel authorization for pusher-js: signed out → 401.
  const form = (socketId: string, channel: string) => ({ form: { socket_id: socketId, channel_name: channel } });
  expect((await page.request.post("/api/pusher/auth", form("123.456", "private-user-x"))).status()).toBe(401);
  await signIn(page, CUSTOMER);
  const ids = await db.query<{ email: string; id: string }>("SELECT email, id FROM users WHERE email = ANY($1)", [[CUSTOMER, OWNER]]);
  const idOf = (email: string) => ids.rows.find((r) => r.email === email)!.id;
  const own = await page.request.post("/api/pusher/auth", form("123.456", `private-user-${idOf(CUSTOMER)}`));
  expect(own.status()).toBe(200);
  expect((await own.json()).auth).toMatch(/^[^:]+:[0-9a-f]{64}$/);
  // Someone else's channel, and a crafted socket id that smuggles a channel in: refused, nothing signed.
  expect((await page.request.post("/api/pusher/auth", form("123.456", `private-user-${idOf(OWNER)}`))).status()).toBe(403);
  expect((await page.request.post("/api/pusher/auth", form(`1.1:private-user-${idOf(OWNER)}`, `private-user-${idOf(CUSTOMER)}`))).status()).toBe(400);

  const res = await page.goto("/business/listings/new");
  expect(res?.status()).toBe(403);
  await expect(page.getByText("403 · Forbidden")).toBeVisible();
  await page.context().close();
});

test("phone width: inbox, bell, businesses and composer", async ({ browser }) => {
  const customer = await signedInPage(browser, "customer", { viewport: { width: 390, height: 844 } });
  await expect(customer.getByTestId("inbox-item").first()).toBeVisible();
  await shot(customer, "inbox-phone");
  await badge(customer).click();
  await expect(customer.getByRole("region", { name: "Latest notifications" })).toBeVisible();
  await shot(customer, "bell-phone");
  await customer.goto("/businesses");
  await shot(customer, "businesses-phone");
  const owner = await signedInPage(browser, "business", { viewport: { width: 390, height: 844 } });
  await owner.goto("/business/listings/new");
  await expect(owner.getByRole("heading", { name: "New listing" })).toBeVisible();
  await shot(owner, "composer-phone");
  await customer.context().close();
  await owner.context().close();
});
