/**
 * The admins' delivery log (issue 6): filter every delivery by channel and a customer's email (filters in
 * the URL), page with keyset links, open a delivery's timeline (created → sent → delivered → clicked →
 * read, and a quiet-hours hold with its release time) and the captured email; bad filters get a message,
 * not a 500.
 *
 * The seed has no deliveries, so this spec makes its own with prisma/factory.ts (a customer's delivered
 * email with its captured copy, a held email, a failed SMS, another customer's email) and removes them at
 * the end: they belong to demo customers other specs see.
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { createCapturedEmail, createDelivery, createNotification } from "../prisma/factory";
import type { Channel, DeliveryStatus, PrismaClient } from "../server/generated/prisma/client";
import { database, factoryDb, shot, signedInPage } from "./helpers";

const CUSTOMER = "dumisani.van.der.merwe@herald.test";
const OTHER = "farai.pillay@herald.test";
const TAG = `dlog-e2e-${randomUUID().slice(0, 8)}`;

let db: pg.Client;
let fdb: PrismaClient;
/** Whole seconds, so the UTC text the page prints is predictable. */
const base = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000);
const plus = (ms: number) => new Date(base.getTime() + ms);
/** The next 05:00 UTC (07:00 in Johannesburg): when quiet hours would end. */
const release = (() => {
  const d = new Date(Date.now());
  d.setUTCHours(5, 0, 0, 0);
  if (d.getTime() <= Date.now() + 3_600_000) d.setUTCDate(d.getUTCDate() + 1);
  return d;
})();
const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

const TITLES = {
  delivered: `Sourdough loaf at Bread & Butter (${TAG})`,
  held: `Veggie box at Green Basket (${TAG})`,
  sms: `Pickup at 17:00 (${TAG})`,
  other: `Sushi platter at Sakura (${TAG})`,
};
let capturedId = "";

/** A notification of the seed's customer `email` and its delivery on one channel, at explicit times. */
async function make(o: {
  email: string; key: string; title: string; type: string; category: string; channel: Channel; status: DeliveryStatus;
  createdAt: Date; updatedAt?: Date; sentAt?: Date | null; providerMessageId?: string | null; reason?: string | null; releaseAt?: Date | null; readAt?: Date | null; clickedAt?: Date | null;
}): Promise<{ notificationId: string; deliveryId: string }> {
  const user = await fdb.user.findUniqueOrThrow({ where: { email: o.email } });
  const n = await createNotification(fdb, {
    userId: user.id, type: o.type, category: o.category, title: o.title, body: "Collect before closing.", dedupeKey: `${TAG}:${o.key}`, createdAt: o.createdAt, readAt: o.readAt ?? null,
  });
  const d = await createDelivery(fdb, {
    notificationId: n.id, userId: user.id, channel: o.channel, status: o.status, reason: o.reason ?? null, releaseAt: o.releaseAt ?? null, sentAt: o.sentAt ?? null,
    providerMessageId: o.providerMessageId ?? null, createdAt: o.createdAt, updatedAt: o.updatedAt ?? o.createdAt, attempts: o.sentAt ? 1 : 0, clickedAt: o.clickedAt ?? null,
  });
  return { notificationId: n.id, deliveryId: d.id };
}

test.beforeAll(async () => {
  db = await database();
  fdb = factoryDb();
  const delivered = await make({
    email: CUSTOMER, key: "delivered", title: TITLES.delivered, type: "new_listing", category: "listings", channel: "EMAIL", status: "DELIVERED",
    createdAt: base, sentAt: plus(3_000), providerMessageId: `re_${TAG}`, updatedAt: plus(60_000), clickedAt: plus(5 * 60_000), readAt: plus(10 * 60_000),
  });
  const mail = await createCapturedEmail(fdb, {
    to: CUSTOMER, from: "Herald <notifications@herald.local>", subject: TITLES.delivered, html: "<p>Fresh sourdough.</p>", text: "Fresh sourdough.",
    idempotencyKey: `email:${delivered.notificationId}`, createdAt: plus(3_000),
  });
  capturedId = mail.id;
  await make({
    email: CUSTOMER, key: "held", title: TITLES.held, type: "new_listing", category: "listings", channel: "EMAIL", status: "HELD",
    reason: "quiet_hours", releaseAt: release, createdAt: plus(30 * 60_000),
  });
  const sms = await make({
    email: CUSTOMER, key: "sms", title: TITLES.sms, type: "pickup_reminder", category: "pickups", channel: "SMS", status: "FAILED",
    reason: "carrier refused the message", createdAt: plus(40 * 60_000),
  });
  await fdb.capturedSms.create({ data: { to: "+27820000000", body: `Herald: ${TITLES.sms}`, segments: 1, idempotencyKey: `sms:${sms.notificationId}` } });
  await make({ email: OTHER, key: "other", title: TITLES.other, type: "new_listing", category: "listings", channel: "EMAIL", status: "SENT", createdAt: plus(50 * 60_000), sentAt: plus(50 * 60_000 + 2_000) });
});

test.afterAll(async () => {
  await db.query(`DELETE FROM captured_emails WHERE idempotency_key IN (SELECT 'email:' || id FROM notifications WHERE dedupe_key LIKE $1)`, [`${TAG}:%`]);
  await db.query(`DELETE FROM captured_sms WHERE idempotency_key IN (SELECT 'sms:' || id FROM notifications WHERE dedupe_key LIKE $1)`, [`${TAG}:%`]);
  await db.query(`DELETE FROM notifications WHERE dedupe_key LIKE $1`, [`${TAG}:%`]); // deliveries cascade
  const left = await db.query(`SELECT count(*)::int AS n FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.dedupe_key LIKE $1`, [`${TAG}:%`]);
  expect(left.rows[0].n).toBe(0);
  await fdb.$disconnect();
  await db.end();
});

/** The visible rows (Next keeps recently visited pages in the DOM, hidden, for back/forward). */
const rows = (page: Page) => page.getByTestId("delivery-row").filter({ visible: true });

test("admins filter the delivery log, page through it and open a timeline", async ({ browser }) => {
  const page = await signedInPage(browser, "admin", { timezoneId: "Africa/Johannesburg" }, "/admin/deliveries");
  await expect(page.getByRole("heading", { name: "Delivery log" })).toBeVisible();
  await expect(rows(page).first()).toBeVisible();
  // Every filter control has a label.
  for (const label of ["Recipient email", "Email match", "Notification type", "Channel", "Status", "From (UTC)", "To (UTC)"]) {
    await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  }

  // Channel EMAIL and the customer's email: their two emails, not their SMS, not anyone else's.
  await page.getByLabel("Recipient email").fill(CUSTOMER);
  await page.getByLabel("Channel").selectOption("EMAIL");
  // Keyboard focus is visible on the controls.
  await page.getByLabel("Channel").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Status")).toBeFocused();
  await shot(page, "deliveries-focus-desktop");
  // While the filtered page loads, a loading state shows (the server's answer is held back 1.5 s here).
  let delayed = false;
  await page.route(/\/admin\/deliveries\?/, async (route) => {
    const h = route.request().headers();
    if (!delayed && h.rsc === "1" && !h["next-router-prefetch"]) {
      delayed = true;
      await new Promise((r) => setTimeout(r, 1500));
    }
    await route.continue();
  });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Loading deliveries…" })).toBeVisible();
  await shot(page, "deliveries-loading-desktop");
  await page.unrouteAll({ behavior: "wait" });
  await expect(page).toHaveURL(/[?&]channel=EMAIL/);
  await expect(page).toHaveURL(new RegExp(`[?&]email=${encodeURIComponent(CUSTOMER).replace(/\./g, "\\.")}`));
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(0)).toContainText(TITLES.held);
  await expect(rows(page).nth(0)).toContainText("HELD");
  await expect(rows(page).nth(0)).toContainText("the recipient's quiet hours");
  await expect(rows(page).nth(1)).toContainText(TITLES.delivered);
  await expect(rows(page).nth(1)).toContainText("DELIVERED");
  await expect(page.getByRole("table")).not.toContainText(TITLES.sms);
  await expect(page.getByRole("table")).not.toContainText(TITLES.other);
  await expect(page.getByText(/Dumisani van der Merwe · dumisani\.van\.der\.merwe@herald\.test · customer/).filter({ visible: true })).toBeVisible();
  await expect(page.getByLabel("Channel")).toHaveValue("EMAIL");
  await shot(page, "deliveries-filtered-desktop", true);

  // The link is shareable: the same URL in a fresh page shows the same rows.
  const shared = page.url();
  const again = await page.context().newPage();
  await again.goto(shared);
  await expect(rows(again)).toHaveCount(2);
  await again.close();

  // Keyset pages of one row: the held email, then the delivered one, then the end. No repeats.
  await page.goto(`/admin/deliveries?email=${encodeURIComponent(CUSTOMER)}&channel=EMAIL&limit=1`);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toContainText(TITLES.held);
  await page.getByRole("link", { name: "Next page (older) →" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toContainText(TITLES.delivered);
  await expect(page.getByText("That’s all.").filter({ visible: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Next page (older) →" })).toHaveCount(0);

  // The delivered email's timeline: only what happened, in time order, with the provider's id.
  await page.goto(`/admin/deliveries?email=${encodeURIComponent(CUSTOMER)}&channel=EMAIL`);
  await page.getByRole("link", { name: TITLES.delivered }).click();
  await expect(page.getByRole("heading", { level: 1, name: TITLES.delivered })).toBeVisible();
  const timeline = page.getByRole("list", { name: "Timeline" });
  const steps = timeline.getByTestId("timeline-step").filter({ visible: true });
  await expect(steps).toHaveCount(5);
  expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))).toEqual(["created", "sent", "delivered", "clicked", "read"]);
  await expect(steps.nth(0)).toContainText("Created");
  await expect(steps.nth(0)).toContainText(utc(base));
  await expect(steps.nth(1)).toContainText("Sent");
  await expect(steps.nth(1)).toContainText(utc(plus(3_000)));
  await expect(steps.nth(1)).toContainText(`re_${TAG}`);
  await expect(steps.nth(2)).toContainText("Delivered");
  await expect(steps.nth(2)).toContainText(utc(plus(60_000)));
  await expect(steps.nth(3)).toContainText("Clicked");
  await expect(steps.nth(3)).toContainText(utc(plus(5 * 60_000)));
  await expect(steps.nth(4)).toContainText("Read");
  await expect(steps.nth(4)).toContainText(utc(plus(10 * 60_000)));
  // Times are in the browser's zone, named, with UTC beside them (Johannesburg is UTC+2 all year).
  await expect(page.getByText("Times in your browser’s time zone, Africa/Johannesburg").filter({ visible: true })).toBeVisible();
  await expect(steps.nth(0)).toContainText(/SAST|GMT\+2/); // en-ZA names the zone SAST where the ICU data has it
  await expect(page.getByText("New listing (new_listing)").filter({ visible: true })).toBeVisible();
  await expect(page.getByText("listings", { exact: true }).filter({ visible: true })).toBeVisible();
  await expect(page.getByRole("link", { name: CUSTOMER })).toBeVisible();
  await shot(page, "delivery-timeline-desktop", true);
  const timelineUrl = page.url();
  expect(timelineUrl).toContain("?back=");
  const mailLink = page.getByRole("link", { name: "Open in the dev mailbox" });
  await expect(mailLink).toHaveAttribute("href", `/dev/mailbox/${capturedId}`);
  await mailLink.click();
  await expect(page).toHaveURL(new RegExp(`/dev/mailbox/${capturedId}$`));
  await expect(page.getByRole("heading", { name: TITLES.delivered })).toBeVisible();
  await expect(page.getByTestId("mail-text")).toHaveText("Fresh sourdough.");

  // The held email's timeline: created, then held for quiet hours until the release time; nothing else.
  await page.goto(timelineUrl);
  await page.getByRole("link", { name: "← Delivery log" }).click();
  await expect(page).toHaveURL(/channel=EMAIL/);
  await page.getByRole("link", { name: TITLES.held }).click();
  const heldSteps = page.getByRole("list", { name: "Timeline" }).getByTestId("timeline-step").filter({ visible: true });
  await expect(heldSteps).toHaveCount(2);
  await expect(heldSteps.nth(1)).toContainText("Held");
  await expect(heldSteps.nth(1)).toContainText("Why: the recipient's quiet hours");
  await expect(heldSteps.nth(1)).toContainText(`Until`);
  await expect(heldSteps.nth(1)).toContainText(utc(release));
  await expect(page.getByText("No email for this notification in the dev mailbox.").filter({ visible: true })).toBeVisible();

  // Phone width: the table scrolls inside its own region, the page does not.
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "delivery-timeline-phone", true);
  await page.goto(`/admin/deliveries?email=${encodeURIComponent(CUSTOMER)}&channel=EMAIL`);
  await expect(rows(page)).toHaveCount(2);
  // Each row is a stacked card: the title, status and reason are on screen, and nothing scrolls sideways.
  const title = page.getByRole("link", { name: TITLES.held });
  await title.scrollIntoViewIfNeeded();
  await expect(title).toBeInViewport();
  const box = await title.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await expect(rows(page).nth(0).getByText("the recipient's quiet hours")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page repeats the sticky header
  await shot(page, "deliveries-filtered-phone", true);
  await page.setViewportSize({ width: 1280, height: 800 });

  // Nothing matches: a clear empty state.
  await page.goto(`/admin/deliveries?email=${encodeURIComponent(CUSTOMER)}&status=COMPLAINED`);
  await expect(page.getByText("No deliveries match these filters").filter({ visible: true })).toBeVisible();
  await shot(page, "deliveries-empty-desktop");
  // Prefix: the start of the address finds the same customer.
  await page.goto(`/admin/deliveries?email=dumisani.van&match=prefix&channel=SMS`);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toContainText(TITLES.sms);
  await expect(rows(page)).toContainText("carrier refused the message");
  // An SMS delivery shows its own captured text, not an email.
  await rows(page).getByRole("link", { name: TITLES.sms }).click();
  await expect(page.getByRole("heading", { name: "Text as captured" })).toBeVisible();
  await expect(page.getByTestId("captured-sms").filter({ visible: true })).toHaveText(`Herald: ${TITLES.sms}`);
  await expect(page.getByRole("heading", { name: "Email as captured" })).toHaveCount(0);
  await shot(page, "deliveries-sms-detail-desktop", true);

  // Bad filters: a message for people, with the page's usual status (never a 500), and no rows.
  for (const [query, message] of [
    ["channel=FAX", "Channel: one of IN_APP, EMAIL, PUSH, SMS."],
    ["from=2026-06-02&to=2026-06-01", "Dates: “To” must be on or after “From”."],
    ["from=June", "From: use a date like 2026-06-01 (YYYY-MM-DD)."],
    ["colour=red", "Unknown filter “colour”."],
    ["cursor=garbage", "This page link is damaged or out of date; start again from the first page."],
  ] as const) {
    const res = await page.goto(`/admin/deliveries?${query}`);
    expect(res?.status(), query).toBe(200);
    await expect(page.getByRole("alert").filter({ hasText: "These filters can’t be used" })).toContainText(message);
    await expect(rows(page)).toHaveCount(0);
  }
  await shot(page, "deliveries-bad-filter-desktop");
  // The old one-user link still works.
  await page.goto(`/admin/deliveries?email=${encodeURIComponent(OTHER)}`);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toContainText(TITLES.other);
  await page.goto(`/admin/deliveries?email=nobody-${TAG}@herald.test`);
  await expect(page.getByText(`No user has the email nobody-${TAG}@herald.test.`).filter({ visible: true })).toBeVisible();
});

test("the delivery log is for admins only; an unknown delivery is a 404", async ({ browser }) => {
  const customer = await signedInPage(browser, "customer");
  const list = await customer.goto(`/admin/deliveries?email=${encodeURIComponent(CUSTOMER)}`);
  expect(list?.status()).toBe(403);
  await expect(customer.getByText("403 · Forbidden")).toBeVisible();
  await expect(customer.getByRole("table")).toHaveCount(0);
  const one = await customer.goto(`/admin/deliveries/${randomUUID()}`);
  expect(one?.status()).toBe(403);

  const admin = await signedInPage(browser, "admin");
  expect((await admin.goto(`/admin/deliveries/${randomUUID()}`))?.status()).toBe(404);
  expect((await admin.goto(`/admin/deliveries/not-a-uuid`))?.status()).toBe(404);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/admin/deliveries");
  await expect(visitor).toHaveURL(/\/signin\?callbackUrl=%2Fadmin%2Fdeliveries/);
});
