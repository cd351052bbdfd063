/**
 * Issue 6 "analytics": an admin opens /admin/analytics, finds a campaign's row with its rates and the
 * complaint warning, looks at the per-type charts' data, and downloads the CSV. A customer is refused.
 * The campaign, its recipients (customers of their own), notifications and deliveries are made with
 * prisma/factory.ts under a unique name. The campaign and its notifications are deleted at the end: its
 * complaint (1 in 8 emails) would otherwise hold back every later campaign send (the 0.3 % limit, issue 6).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import type { DeliveryStatus } from "../server/generated/prisma/client";
import { createCampaign, createDelivery, createNotification, createUser } from "../prisma/factory";
import { database, factoryDb, shot, signedInPage } from "./helpers";

let db: pg.Client;
const name = `E2E analytics ${Date.now()}`;
let campaignId = "";

/** 10 recipients: 8 emails sent (5 delivered, 1 bounced, 1 complaint, 1 sent), 1 held, 1 in-app only. */
const OUTCOMES: { status: DeliveryStatus | null; read?: boolean; clicked?: boolean; unsubscribed?: boolean }[] = [
  { status: "DELIVERED", read: true, clicked: true },
  { status: "DELIVERED", read: true, clicked: true },
  { status: "DELIVERED", read: true },
  { status: "DELIVERED", unsubscribed: true },
  { status: "DELIVERED" },
  { status: "BOUNCED" },
  { status: "COMPLAINED", unsubscribed: true },
  { status: "SENT" },
  { status: "HELD" },
  { status: null, read: true },
];

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  const started = new Date(Date.now() - 3_600_000);
  const campaign = await createCampaign(fdb, {
    name, inAppTitle: "Winter drive", emailSubject: "Winter drive", emailBody: "Help us", status: "SENT", startedAt: started, finishedAt: started,
  });
  campaignId = campaign.id;
  for (const o of OUTCOMES) {
    const user = await createUser(fdb, { name: "Analytics Recipient" });
    const n = await createNotification(fdb, {
      userId: user.id, type: "system_announcement", category: "announcements", title: "Winter drive", campaignId, dedupeKey: `campaign:${campaignId}`, createdAt: started,
      // Archived by the "user" a minute after reading (so the rows stay out of inboxes while the test runs); a
      // read that was archived later still counts as read.
      readAt: o.read ? new Date(started.getTime() + 60_000) : null, archivedAt: new Date(started.getTime() + 120_000),
    });
    if (o.status) {
      await createDelivery(fdb, {
        notificationId: n.id, userId: user.id, channel: "EMAIL", status: o.status,
        sentAt: o.status === "HELD" ? null : started, clickedAt: o.clicked ? started : null, unsubscribedAt: o.unsubscribed ? started : null,
      });
    }
  }
  await fdb.$disconnect();
});

test.afterAll(async () => {
  if (campaignId) {
    await db.query(`DELETE FROM notifications WHERE campaign_id = $1`, [campaignId]); // deliveries cascade
    await db.query(`DELETE FROM campaigns WHERE id = $1`, [campaignId]);
  }
  await db.end();
});

test("an admin sees a campaign's analytics and downloads the CSV", async ({ browser }) => {
  const page = await signedInPage(browser, "admin", { viewport: { width: 1280, height: 900 } }, "/admin/analytics");
  await expect(page.getByRole("heading", { level: 1, name: "Delivery analytics" })).toBeVisible();
  await expect(page.getByRole("link", { name: "30 days" })).toHaveAttribute("aria-current", "page");

  const row = page.getByTestId("campaign-row").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  // 10 recipients, 8 emailed: delivery 6/8 (a complaint was delivered), read 4/10, CTR 2/8, 2 unsubscribes,
  // bounce 1/8, complaint 1/8 (far above 0.1 %: flagged).
  const cells = row.getByRole("cell");
  await expect(cells.nth(1)).toContainText("10");
  await expect(cells.nth(1)).toContainText("8 emailed");
  await expect(cells.nth(2)).toHaveText("75%");
  await expect(cells.nth(3)).toHaveText("40%");
  await expect(cells.nth(4)).toHaveText("25%");
  await expect(cells.nth(5)).toContainText("2");
  await expect(cells.nth(6)).toHaveText("12,5%");
  await expect(cells.nth(7)).toContainText("12,5%");
  await expect(row.getByTestId("complaint-warning")).toBeVisible();
  await expect(row.getByTestId("complaint-warning")).toHaveText(/High complaints/);

  // Per-type charts, each with a title, a summary and its data behind "Show data".
  await expect(page.getByRole("heading", { name: "By notification type" })).toBeVisible();
  await page.getByLabel("Charts for").selectOption({ label: "Announcement" });
  const sends = page.getByRole("figure", { name: "Sends per day: Announcement" });
  await expect(sends).toBeVisible();
  await expect(sends.locator("figcaption")).toContainText("emails sent over 30 days");
  await expect(sends.locator(".recharts-bar-rectangle").first()).toBeAttached();
  await sends.getByText("Show data").click();
  await expect(sends.getByRole("table")).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot taken scrolled repeats the sticky header mid-page
  await shot(page, "analytics-desktop", true);

  // The CSV: a download of RFC 4180 text with the campaign's row.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV of campaigns" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^herald-analytics-campaigns-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8");
  expect(csv.startsWith('"campaign_id","name","status","sent_at"')).toBe(true);
  const line = csv.split("\r\n").find((l) => l.includes(name));
  expect(line).toContain(`"${campaignId}","${name}","SENT"`);
  expect(line).toContain('"10","10","4","8","6","1","1","2","2","0.75","0.4","0.25","0.25","0.125","0.125","yes"');

  // Another range: a custom range without the campaign shows no row for it.
  await page.getByLabel("From (UTC)").fill("2020-01-01");
  await page.getByLabel("To (UTC)").fill("2020-01-31");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/from=2020-01-01&to=2020-01-31/);
  await expect(page.getByText("No data yet for 01 Jan 2020 – 31 Jan 2020.")).toBeVisible();
  await shot(page, "analytics-empty-desktop");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/admin/analytics?days=7");
  // Phones get a card per campaign instead of the wide table.
  const card = page.getByTestId("campaign-card").filter({ hasText: name });
  await expect(card).toBeVisible();
  await expect(card.getByTestId("complaint-warning")).toBeVisible();
  await expect(card.getByRole("definition").filter({ hasText: "75%" }).first()).toBeVisible();
  await expect(page.getByTestId("campaign-row")).toBeHidden();
  await shot(page, "analytics-phone", true);

  // Businesses see the same email metrics for their own posts.
  const owner = await signedInPage(browser, "business", { viewport: { width: 1280, height: 900 } }, "/business");
  const posts = owner.getByRole("region", { name: "Your latest posts" });
  await expect(posts.getByRole("columnheader", { name: "Click-through" })).toBeVisible();
  await expect(posts.getByRole("columnheader", { name: "Unsubscribes" })).toBeVisible();
  await shot(owner, "analytics-business-posts-desktop");
  await owner.setViewportSize({ width: 390, height: 844 });
  await expect(owner.getByTestId("post-card").first().getByText("Click-through")).toBeVisible();
  await shot(owner, "analytics-business-posts-phone", true);

  // Not for customers: the page and the CSV are refused.
  const customer = await signedInPage(browser, "customer");
  expect((await customer.goto("/admin/analytics"))?.status()).toBe(403);
  const refused = await customer.request.get("/api/admin/analytics.csv");
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("PERMISSION_DENIED");
});
