/**
 * Accessibility lane: axe-core (through @axe-core/playwright) on every page, for every role that can see
 * it, at desktop (1280 px) and phone (375 px) widths. Any violation axe rates serious or critical fails
 * the test, listed with its rule, the page and the elements. Pages with ids use demo rows (a business, a
 * listing) or rows this file makes with prisma/factory.ts (a captured email to the demo customer, a draft
 * campaign, a held delivery of a customer of its own); the unsubscribe page gets a token signed the way
 * server/services/email/unsubscribe.ts signs it. Email previews in sandboxed iframes are left out: axe
 * cannot run inside a frame that runs no script. Each role's pages are seen through its saved session
 * (e2e/auth.setup.ts).
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { createCampaign, createCapturedEmail, createDelivery, createNotification, createUser } from "../prisma/factory";
import type { PrismaClient } from "../server/generated/prisma/client";
import { database, DEMO, factoryDb, signedInPage } from "./helpers";

// Each test scans up to nine pages at two widths (~3 s a scan).
test.describe.configure({ timeout: 240_000 });

let db: pg.Client;
let fdb: PrismaClient;
const made = { email: "", campaign: "", delivery: "" };
test.beforeAll(async () => {
  db = await database();
  fdb = factoryDb();
  const tag = `e2e-a11y-${Date.now()}`;
  made.email = (await createCapturedEmail(fdb, { to: DEMO.customer, subject: "Accessibility check", idempotencyKey: tag })).id;
  made.campaign = (
    await createCampaign(fdb, { name: "Accessibility check", inAppTitle: "Winter drive", inAppBody: "Bring a blanket", emailSubject: "Winter drive", emailBody: "Bring a **blanket**" })
  ).id;
  const customer = await createUser(fdb, { name: "Accessibility Tester" });
  const notification = await createNotification(fdb, { userId: customer.id, type: "system_announcement", category: "announcements", title: "Accessibility check", dedupeKey: tag });
  made.delivery = (
    await createDelivery(fdb, { notificationId: notification.id, userId: customer.id, status: "HELD", reason: "quiet_hours", releaseAt: new Date(Date.now() + 8 * 3_600_000) })
  ).id;
});
test.afterAll(async () => {
  await fdb.$disconnect();
  await db.end();
});

const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 375, height: 812 },
] as const;

/** The first value of `sql`'s first column (demo data), or throws naming the query. */
async function first(sql: string, params: unknown[] = []): Promise<string> {
  const r = await db.query<{ v: string }>(sql, params);
  if (!r.rows[0]) throw new Error(`no demo row for: ${sql}`);
  return r.rows[0].v;
}

/** An account unsubscribe token for `userId`, signed with the e2e server's secret. */
function unsubscribeToken(userId: string): string {
  const secret = (JSON.parse(readFileSync(".data/e2e/secrets.json", "utf8")) as { nextauthSecret: string }).nextauthSecret;
  const payload = Buffer.from(JSON.stringify({ v: 1, u: userId, c: "listings" })).toString("base64url");
  const key = createHmac("sha256", secret).update("herald/unsubscribe/v1").digest();
  return `${payload}.${createHmac("sha256", key).update(payload).digest("base64url")}`;
}

/** Scans each page at each width; returns one line per serious or critical violation. */
async function scan(page: Page, paths: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const path of paths) {
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w.width, height: w.height });
      const answer = await page.goto(path);
      expect(answer?.status(), path).toBeLessThan(400);
      await page.waitForLoadState("networkidle");
      // A sandboxed iframe (an email preview) runs no script, so axe cannot run inside it and would wait forever.
      const result = await new AxeBuilder({ page }).exclude("iframe[sandbox]").withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
      for (const v of result.violations.filter((x) => x.impact === "serious" || x.impact === "critical")) {
        problems.push(`${path} @${w.name}: [${v.impact}] ${v.id} — ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
      }
    }
  }
  return problems;
}

test("signed out: sign-in, businesses, a business, a listing, newsletter, unsubscribe, API docs", async ({ page }) => {
  const slug = await first(`SELECT slug AS v FROM businesses ORDER BY created_at LIMIT 1`);
  const listing = await first(`SELECT id AS v FROM listings ORDER BY created_at DESC LIMIT 1`);
  const customer = await first(`SELECT id AS v FROM users WHERE email = 'thandi@herald.test'`);
  const paths = ["/signin", "/businesses", `/businesses/${slug}`, `/listings/${listing}`, "/newsletter", `/unsubscribe/${unsubscribeToken(customer)}`, "/docs/api"];
  expect(await scan(page, paths)).toEqual([]);
});

test("customer: inbox, following, settings, tokens, outbox", async ({ browser }) => {
  const page = await signedInPage(browser, "customer");
  const paths = ["/notifications", "/following", "/settings/notifications", "/settings/account", "/settings/tokens", "/dev/mailbox", `/dev/mailbox/${made.email}`, "/dev/pushes", "/dev/sms"];
  expect(await scan(page, paths)).toEqual([]);
});

test("business: dashboard and the listing composer", async ({ browser }) => {
  const page = await signedInPage(browser, "business");
  expect(await scan(page, ["/business", "/business/listings/new", "/notifications"])).toEqual([]);
});

test("admin: campaigns, a campaign, segments, analytics, delivery log, a delivery, API keys, webhooks, users", async ({ browser }) => {
  const page = await signedInPage(browser, "admin");
  const paths = [
    "/admin/campaigns",
    "/admin/campaigns/new",
    `/admin/campaigns/${made.campaign}`,
    "/admin/segments",
    "/admin/analytics",
    "/admin/deliveries",
    `/admin/deliveries/${made.delivery}`,
    "/admin/api-keys",
    "/admin/webhooks",
    "/admin/users",
  ];
  expect(await scan(page, paths)).toEqual([]);
});
