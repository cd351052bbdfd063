/**
 * Saved segments and the new campaign audiences (issue 6): an admin builds a segment on /admin/segments
 * (roles, a followed business found by search, a time zone — an unknown one refused in words), sees how
 * many people it matches live and in the list, then targets it from the campaign editor, which counts the
 * audience live. Scheduling is refused while recent complaint rates are too high, until the admin ticks
 * the override; the list flags the high-complaint campaign. The segment cannot be deleted while the
 * scheduled campaign targets it. The newsletter audience turns the editor into email only, not critical.
 * Other specs share the database: every campaign and segment here is uniquely named and removed at the end.
 */
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { createCampaign, createDelivery, createNotification } from "../prisma/factory";
import { database, factoryDb, shot, signedInPage } from "./helpers";

const run = Date.now().toString(36);
const SEGMENT = `Pretoria NGOs ${run}`;
const CAMPAIGN = `Segment drive ${run}`;
const COMPLAINTS = `E2E complaints ${run}`;

let db: pg.Client;
test.beforeAll(async () => {
  db = await database();
});
test.afterAll(async () => {
  const ids = (await db.query<{ id: string }>(`SELECT id FROM campaigns WHERE name = ANY($1)`, [[CAMPAIGN, COMPLAINTS]])).rows.map((r) => r.id);
  if (ids.length) {
    await db.query(`DELETE FROM notifications WHERE campaign_id = ANY($1::uuid[])`, [ids]); // deliveries cascade
    await db.query(`DELETE FROM campaigns WHERE id = ANY($1::uuid[])`, [ids]);
  }
  await db.query(`DELETE FROM segments WHERE name = $1`, [SEGMENT]);
  await db.end();
});

const visible = (page: Page) => page.locator("main").filter({ visible: true });

/** A screenshot of the whole page with a viewport as tall as the page (the sticky header stays on top; see campaigns.spec.ts). */
async function tallShot(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await shot(page, name);
  await page.setViewportSize(size);
}

/**
 * A sent campaign whose emails were all marked as spam, enough of them to push the last 30 days' complaint
 * rate past the 0.3 % limit whatever else the database holds.
 */
async function seedComplaints() {
  const sent = Number(
    (
      await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM campaigns c JOIN notifications n ON n.campaign_id = c.id JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL'
         WHERE c.started_at > now() - interval '30 days' AND d.status IN ('SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED')`,
      )
    ).rows[0]!.n,
  );
  const k = Math.ceil(sent * 0.005) + 1;
  const started = new Date(Date.now() - 3_600_000);
  const fdb = factoryDb();
  const { id } = await createCampaign(fdb, {
    name: COMPLAINTS, inAppTitle: "", emailSubject: "Spammy offer", emailBody: "Buy now", channels: ["EMAIL"], status: "SENT", startedAt: started, finishedAt: started,
  });
  const users = await fdb.user.findMany({ where: { role: "CUSTOMER" }, orderBy: { email: "asc" }, take: k, select: { id: true } });
  expect(users).toHaveLength(k);
  for (const u of users) {
    const n = await createNotification(fdb, {
      userId: u.id, type: "system_announcement", category: "announcements", title: "Spammy offer", body: "", campaignId: id, dedupeKey: `campaign:${id}`,
      createdAt: started, readAt: started, archivedAt: started,
    });
    await createDelivery(fdb, { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "COMPLAINED", sentAt: started });
  }
  await fdb.$disconnect();
}

test("admin builds a segment, sees its size, targets it from a campaign (complaint override), and cannot delete it while scheduled", async ({ browser }) => {
  test.setTimeout(120_000);
  // The business most NGOs follow, and how many of them live in Johannesburg's time zone (the segment's size).
  const biz = (
    await db.query<{ id: string; name: string }>(
      `SELECT b.id, b.name FROM businesses b JOIN follows f ON f.business_id = b.id AND f.deleted_at IS NULL JOIN users u ON u.id = f.user_id AND u.role = 'NGO'
       GROUP BY b.id, b.name ORDER BY count(*) DESC, b.name LIMIT 1`,
    )
  ).rows[0]!;
  const expected = Number(
    (
      await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM users u JOIN follows f ON f.user_id = u.id AND f.business_id = $1 AND f.deleted_at IS NULL
         WHERE u.role = 'NGO' AND u.timezone = 'Africa/Johannesburg'`,
        [biz.id],
      )
    ).rows[0]!.n,
  );
  expect(expected).toBeGreaterThan(0);
  const sizeText = `${expected.toLocaleString("en")} ${expected === 1 ? "person" : "people"}`;

  const page = await signedInPage(browser, "admin", { viewport: { width: 1280, height: 900 } }, "/admin/campaigns");
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Segments", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Segments" })).toBeVisible();
  await expect(page.getByTestId("segments-empty").or(page.getByTestId("segment-row").first())).toBeVisible();
  await shot(page, "segments-first-visit-desktop");

  // Build it: NGOs who follow the business, in Johannesburg's time zone.
  await page.getByRole("button", { name: "New segment" }).first().click();
  const form = page.getByRole("form", { name: "New segment" });
  await form.getByRole("button", { name: "Create segment" }).click();
  await expect(visible(page).getByRole("alert").filter({ hasText: /\w/ })).toHaveText("Check the highlighted fields.");
  await expect(form.getByLabel("Segment name")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("Add at least one filter")).toBeVisible();
  await expect(form.getByTestId("segment-size")).toHaveText("Add a filter to see how many people this matches.");

  await form.getByLabel("Segment name").fill(SEGMENT);
  await form.getByRole("checkbox", { name: "NGOs" }).check();
  await expect(form.getByTestId("segment-size")).toContainText(/\d+ (person|people) · \d+ reachable by email/);
  await form.getByRole("checkbox", { name: "Follows a business" }).check();
  await expect(form.getByTestId("segment-size")).toHaveText("Choose a business to see how many people this matches.");
  await form.getByLabel("Search businesses").fill(biz.name);
  await form.getByRole("radio", { name: biz.name }).check();
  await expect(form.getByText(`Chosen: ${biz.name}`)).toBeVisible();
  // Time zones: an unknown name is refused in words; a known one is added whatever its case.
  await form.getByLabel("Time zone", { exact: true }).fill("Mars/Olympus_Mons");
  await form.getByRole("button", { name: "Add time zone" }).click();
  await expect(form.getByText("Not a time zone: “Mars/Olympus_Mons”", { exact: false })).toBeVisible();
  await expect(form.getByLabel("Time zone", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Time zone", { exact: true }).fill("africa/johannesburg");
  await form.getByLabel("Time zone", { exact: true }).press("Enter");
  await expect(form.getByRole("list", { name: "Chosen time zones" }).getByRole("listitem")).toHaveText(["Africa/Johannesburg×"]);
  await expect(form.getByTestId("segment-size")).toContainText(`${sizeText} ·`);
  // Dates in the wrong order: said next to the field, and nothing is counted.
  await form.getByLabel("Joined on or after").fill("2026-03-02");
  await form.getByLabel("Joined before").fill("2026-03-01");
  await expect(form.getByText("“Joined after” must be before “joined before”")).toBeVisible();
  await expect(form.getByTestId("segment-size")).toHaveText("Fix the join dates to see how many people this matches.");
  await form.getByLabel("Joined on or after").fill("");
  await form.getByLabel("Joined before").fill("");
  await expect(form.getByTestId("segment-size")).toContainText(`${sizeText} ·`);
  await tallShot(page, "segments-form-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  await tallShot(page, "segments-form-phone");
  await page.setViewportSize({ width: 1280, height: 900 });

  await form.getByRole("button", { name: "Create segment" }).click();
  await expect(page.getByTestId("segments-notice")).toHaveText(`Segment “${SEGMENT}” created.`);
  const row = page.getByTestId("segment-row").filter({ hasText: SEGMENT });
  await expect(row.getByTestId("segment-size-now")).toHaveText(sizeText);
  await expect(row.getByTestId("segment-description")).toHaveText(`NGOs · Follows ${biz.name} · Time zone Africa/Johannesburg`);
  // The same name again: the server's conflict, next to the name.
  await page.getByRole("button", { name: "New segment" }).click();
  const again = page.getByRole("form", { name: "New segment" });
  await again.getByLabel("Segment name").fill(SEGMENT);
  await again.getByRole("checkbox", { name: "Admins" }).check();
  await again.getByRole("button", { name: "Create segment" }).click();
  await expect(visible(page).getByRole("alert").filter({ hasText: /\w/ })).toHaveText(`A segment named “${SEGMENT}” already exists`);
  await expect(again.getByText("Choose another name")).toBeVisible();
  await again.getByRole("button", { name: "Cancel" }).click();
  await tallShot(page, "segments-list-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  await tallShot(page, "segments-list-phone");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Target it from a campaign: the editor counts the segment's audience live.
  await page.goto("/admin/campaigns/new");
  await page.getByLabel("Campaign name").fill(CAMPAIGN);
  await page.getByLabel("Title", { exact: true }).fill(`Pickups this week ${run}`);
  await page.getByRole("checkbox", { name: "Email", exact: true }).uncheck();
  await expect(page.getByLabel("Subject", { exact: true })).toHaveCount(0); // email content follows the channel
  await expect(page.getByTestId("email-preview")).toHaveCount(0);
  await page.getByRole("radio", { name: /A saved segment/ }).check();
  await page.getByLabel("Segment", { exact: true }).selectOption({ label: `${SEGMENT} (${sizeText})` });
  await expect(page.getByTestId("audience-size")).toContainText(new RegExp(`^${sizeText} · [\\d,]+ reachable by email$`));
  await expect(page.getByRole("link", { name: /Manage segments/ })).toHaveAttribute("href", "/admin/segments");
  await tallShot(page, "campaigns-editor-segment-desktop");

  // Scheduling while complaints are too high: refused with the rate in words, until the admin overrides.
  await seedComplaints();
  await page.getByRole("button", { name: "Schedule…" }).click();
  const panel = page.getByRole("group", { name: "Schedule", exact: true });
  const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await panel.getByLabel("Date and time").fill(`${day}T10:00`);
  await panel.getByLabel("Time zone").selectOption("UTC");
  await panel.getByRole("button", { name: "Schedule", exact: true }).click();
  const block = panel.getByTestId("complaint-block");
  await expect(block).toBeVisible();
  await expect(visible(page).getByRole("alert").filter({ hasText: /\w/ })).toContainText("Complaint rate too high");
  await expect(block).toContainText(/of the [\d,]+ campaign emails? sent in the last 30 days (was|were) marked as spam/);
  const anyway = panel.getByRole("button", { name: "Schedule anyway" });
  await expect(anyway).toBeDisabled();
  const tick = panel.getByRole("checkbox", { name: "Schedule anyway — I have reviewed the complaint rate" });
  await expect(tick).toBeFocused();
  await shot(page, "campaigns-complaint-block-desktop");
  await page.keyboard.press("Space");
  await expect(tick).toBeChecked();
  await anyway.click();
  await expect(page.getByTestId("editor-notice")).toContainText("overriding the complaint-rate limit");
  await expect(page.getByTestId("campaign-status")).toHaveText("Scheduled");
  expect((await db.query(`SELECT status, audience FROM campaigns WHERE name = $1`, [CAMPAIGN])).rows[0]).toMatchObject({ status: "SCHEDULED", audience: { kind: "segment" } });

  // The list names the segment audience and flags the high-complaint campaign.
  await page.goto("/admin/campaigns");
  await expect(page.getByTestId("campaign-row").filter({ hasText: CAMPAIGN })).toContainText("A saved segment");
  const spammy = page.getByTestId("campaign-row").filter({ hasText: COMPLAINTS });
  await expect(spammy.getByTestId("complaint-warning")).toHaveText(/High complaints/);
  await expect(page.getByTestId("campaign-row").filter({ hasText: CAMPAIGN }).getByTestId("complaint-warning")).toHaveCount(0);
  await shot(page, "campaigns-list-complaints-desktop");

  // A segment a scheduled campaign targets cannot be deleted; once that campaign is gone, it can.
  await page.goto("/admin/segments");
  const seg = page.getByTestId("segment-row").filter({ hasText: SEGMENT });
  await seg.getByRole("button", { name: `Delete ${SEGMENT}` }).click();
  const confirm = seg.getByRole("group", { name: `Confirm deleting ${SEGMENT}` });
  await expect(confirm.getByRole("button", { name: "Yes, delete segment" })).toBeFocused();
  await confirm.getByRole("button", { name: "Yes, delete segment" }).click();
  await expect(seg.getByRole("alert")).toHaveText(`The campaign “${CAMPAIGN}” still targets this segment`);
  await shot(page, "segments-delete-conflict-desktop");
  await db.query(`UPDATE campaigns SET status = 'CANCELLED', finished_at = now() WHERE name = $1`, [CAMPAIGN]);
  await seg.getByRole("button", { name: `Delete ${SEGMENT}` }).click();
  await seg.getByRole("group", { name: `Confirm deleting ${SEGMENT}` }).getByRole("button", { name: "Yes, delete segment" }).click();
  await expect(page.getByTestId("segments-notice")).toHaveText(`Segment “${SEGMENT}” deleted.`);
  await expect(page.getByTestId("segment-row").filter({ hasText: SEGMENT })).toHaveCount(0);
});

test("the newsletter audience makes a campaign email only and not critical, and says why", async ({ browser }) => {
  const confirmed = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM newsletter_subscribers WHERE status = 'CONFIRMED'`)).rows[0]!.n);
  const page = await signedInPage(browser, "admin", { viewport: { width: 1280, height: 900 } }, "/admin/campaigns/new");
  const inApp = page.getByRole("checkbox", { name: /In-app/ });
  const email = page.getByRole("checkbox", { name: "Email", exact: true });
  const critical = page.getByRole("checkbox", { name: /Critical system announcement/ });
  await expect(inApp).toBeChecked();
  await expect(email).toBeChecked();
  await critical.check();

  await expect(page.getByTestId("newsletter-confirmed")).toHaveText(`${confirmed.toLocaleString("en")} confirmed.`);
  await page.getByRole("radio", { name: /Newsletter subscribers/ }).check();
  await expect(inApp).not.toBeChecked();
  await expect(inApp).toBeDisabled();
  await expect(email).toBeChecked();
  await expect(critical).not.toBeChecked();
  await expect(critical).toBeDisabled();
  await expect(page.getByTestId("channels-hint")).toContainText("Email only: newsletter subscribers have no account");
  await expect(page.getByTestId("newsletter-note")).toContainText("by email only");
  await expect(page.getByLabel("Title", { exact: true })).toHaveCount(0); // no in-app card to write
  await expect(page.getByTestId("in-app-preview")).toHaveCount(0);
  await expect(page.getByLabel("Subject", { exact: true })).toBeVisible();
  await expect(page.getByTestId("audience-size")).toContainText(`${confirmed.toLocaleString("en")} confirmed subscriber`);
  await tallShot(page, "campaigns-editor-newsletter-desktop");

  // Another audience gives the choice back (in-app stays off until ticked again).
  await page.getByRole("radio", { name: /^Everyone/ }).check();
  await expect(inApp).toBeEnabled();
  await expect(critical).toBeEnabled();
  await inApp.check();
  await expect(page.getByLabel("Title", { exact: true })).toBeVisible();
});
