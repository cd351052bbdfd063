/**
 * Admin campaigns (issue 6's check): an admin drafts a campaign for "by role: NGO", sees the audience size,
 * previews the email at phone width, sends a test to themself (the dev mailbox shows "[Test] …" addressed
 * to them), and sends it. An NGO watching their inbox sees the announcement arrive live, in the list and
 * the bell; a customer does not get it. Other specs share the database: every assertion is about this
 * run's uniquely named campaign.
 */
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { badge, badgeName, database, DEMO, shot, signedInPage, unseenInDb } from "./helpers";

const ADMIN = DEMO.admin;
const NGO = DEMO.ngo;
const CUSTOMER = DEMO.customer;

let db: pg.Client;
test.beforeAll(async () => {
  db = await database();
});
test.afterAll(async () => {
  await db.end();
});

/**
 * A screenshot of the whole page taken with a viewport as tall as the page: Chromium leaves the sandboxed
 * (cross-origin) email frame unpainted in `fullPage` captures, and the sticky header stays on top.
 */
async function tallShot(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  if (await page.getByTestId("email-preview").count()) {
    await expect(page.frameLocator('iframe[data-testid="email-preview"]').getByRole("heading").first()).toBeVisible();
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await shot(page, name);
  await page.setViewportSize(size);
}

const countOf = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n ?? -1);

test("admin drafts, previews, test-sends and sends a campaign to NGOs; an NGO gets it live, a customer does not", async ({ browser }) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36);
  const name = `Harvest drive ${run}`;
  const title = `Harvest drive ${run}: double pickups this week`;
  const subject = `Harvest drive ${run}`;

  // The NGO watches their inbox (live) before anything is sent.
  const ngo = await signedInPage(browser, "ngo");

  const admin = await signedInPage(browser, "admin");
  const adminCtx = admin.context();
  await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Campaigns" })).toBeVisible();
  await expect(admin.getByText("No campaigns yet").or(admin.getByTestId("campaign-row").first())).toBeVisible();
  await shot(admin, "campaigns-list-first-visit-desktop");
  await admin.getByRole("link", { name: "New campaign" }).first().click();
  await expect(admin.getByRole("heading", { level: 1, name: "New campaign" })).toBeVisible();

  // Saving an empty form: the server's field errors, next to their fields.
  await admin.getByRole("button", { name: "Save draft" }).click();
  await expect(admin.getByRole("alert").filter({ hasText: "Check the highlighted fields." })).toBeVisible();
  await expect(admin.getByLabel("Campaign name")).toHaveAttribute("aria-invalid", "true");
  await expect(admin.getByText("Give the campaign a name")).toBeVisible();
  await expect(admin).toHaveURL(/\/admin\/campaigns\/new$/); // nothing saved
  await tallShot(admin, "campaigns-editor-errors-desktop");

  await admin.getByLabel("Campaign name").fill(name);
  await expect(admin.getByText("Give the campaign a name")).toHaveCount(0); // fixed fields lose their error
  await expect(admin.getByLabel("Campaign name")).not.toHaveAttribute("aria-invalid", "true");
  await admin.getByLabel("Title", { exact: true }).fill(title);
  await admin.getByLabel("Message", { exact: true }).fill("Businesses have extra surplus: book your pickups early.");
  await admin.getByLabel("Subject", { exact: true }).fill(subject);
  await admin.getByLabel("Body (markdown)").fill("Our partners have **twice** the usual surplus this week.\n\n- Book early\n- Bring crates\n\n[See businesses](/businesses)");
  await expect(admin.getByTestId("in-app-preview")).toContainText(title);
  await expect(admin.getByText("Check the highlighted fields.")).toHaveCount(0);

  // Audience: by role, NGOs; the size is the server's count of NGO accounts.
  await admin.getByRole("radio", { name: /By role/ }).check();
  await admin.getByLabel("Role", { exact: true }).selectOption("NGO");
  const ngos = await countOf(`SELECT count(*) AS n FROM users WHERE role = 'NGO'`, []);
  expect(ngos).toBeGreaterThan(1);
  await expect(admin.getByTestId("audience-size")).toContainText(`${ngos.toLocaleString("en")} people ·`);
  await expect(admin.getByTestId("audience-size")).toContainText("reachable by email");

  // The email preview: the real template, at desktop then phone width.
  const frame = admin.frameLocator('iframe[data-testid="email-preview"]');
  await expect(frame.getByRole("heading", { name: subject })).toBeVisible();
  await expect(frame.locator("strong", { hasText: "twice" })).toBeVisible();
  await expect(admin.getByTestId("email-preview")).toHaveAttribute("data-width", "600");
  await admin.getByRole("button", { name: /Phone/ }).click();
  await expect(admin.getByRole("button", { name: /Phone/ })).toHaveAttribute("aria-pressed", "true");
  await expect(admin.getByTestId("email-preview")).toHaveAttribute("data-width", "375");
  expect(Math.round((await admin.getByTestId("email-preview").boundingBox())!.width)).toBe(375);
  await tallShot(admin, "campaigns-editor-desktop");

  // Test to me: saves the draft first, then the mailbox shows the "[Test]" email addressed to the admin.
  await admin.getByRole("button", { name: "Send test to me" }).click();
  await expect(admin.getByTestId("editor-notice")).toContainText(`Test sent to you (${ADMIN})`);
  await expect(admin).toHaveURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
  const campaignId = admin.url().split("/").pop()!;
  const mailbox = await adminCtx.newPage();
  await mailbox.goto("/dev/mailbox");
  const testMail = mailbox.getByTestId("mailbox-list").getByRole("listitem").filter({ hasText: `[Test] ${subject}` });
  await expect(testMail).toHaveCount(1);
  await expect(testMail).toContainText(`to ${ADMIN}`);
  await mailbox.close();
  expect(await countOf(`SELECT count(*) AS n FROM notifications WHERE title = $1`, [title])).toBe(0); // a test reaches nobody else

  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.getByTestId("email-preview").evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 200));
  await expect(frame.getByRole("heading", { name: subject })).toBeVisible();
  await shot(admin, "campaigns-email-phone");
  await tallShot(admin, "campaigns-editor-phone");
  await admin.setViewportSize({ width: 1280, height: 720 });

  // A second tab on the list, open before sending: only realtime events can update it (nothing was sending when it loaded).
  const watch = await adminCtx.newPage();
  await watch.goto("/admin/campaigns");
  await expect(watch.getByTestId("live")).toBeVisible();
  await expect(watch.getByTestId("campaign-row").filter({ hasText: name }).getByTestId("campaign-status")).toHaveText("Draft");

  // Send now: a confirmation with the audience size, then the list with live progress.
  const ngoUnseenBefore = await unseenInDb(db, NGO);
  await expect(badge(ngo)).toHaveAttribute("aria-label", badgeName(ngoUnseenBefore));
  await admin.getByRole("button", { name: "Send now…" }).click();
  await expect(admin.getByTestId("send-confirm-size")).toContainText(`It goes to ${ngos.toLocaleString("en")} people`);
  await admin.getByRole("button", { name: `Yes, send to ${ngos.toLocaleString("en")} people` }).click();
  await expect(admin).toHaveURL(/\/admin\/campaigns$/);
  const row = admin.getByTestId("campaign-row").filter({ hasText: name });
  await expect(row.getByTestId("campaign-status")).toHaveText("Sent", { timeout: 30_000 });
  await expect(row.getByTestId("campaign-progress")).toContainText(`Sent to ${ngos.toLocaleString("en")} people`);
  await expect(row.getByRole("progressbar", { name: `Progress of ${name}` })).toBeVisible();
  await shot(admin, "campaigns-list-desktop");
  // The watching tab followed along from `campaign.progress` events, and announced it.
  await expect(watch.getByTestId("campaign-row").filter({ hasText: name }).getByTestId("campaign-status")).toHaveText("Sent");
  await expect(watch.getByTestId("progress-announcement")).toHaveText(new RegExp(`^${name}: Sent to ${ngos.toLocaleString("en")} people`));
  await watch.close();
  await admin.setViewportSize({ width: 390, height: 844 });
  await tallShot(admin, "campaigns-list-phone");
  await admin.setViewportSize({ width: 1280, height: 720 });

  // The NGO's inbox and bell got it without a reload.
  await expect(ngo.getByTestId("inbox-item").filter({ hasText: title })).toBeVisible();
  await expect(badge(ngo)).toHaveAttribute("aria-label", badgeName(ngoUnseenBefore + 1));
  await badge(ngo).click();
  await expect(ngo.getByRole("region", { name: "Latest notifications" })).toContainText(title);

  // The customer did not.
  expect(await countOf(`SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = $1 AND n.title = $2`, [CUSTOMER, title])).toBe(0);
  expect(await countOf(`SELECT count(*) AS n FROM notifications WHERE title = $1`, [title])).toBe(ngos);
  const customer = await signedInPage(browser, "customer");
  await expect(customer.getByTestId("inbox-item").first()).toBeVisible();
  await expect(customer.getByTestId("inbox-item").filter({ hasText: title })).toHaveCount(0);

  // The detail page: read-only, with the audit trail of what the admin did.
  await admin.goto(`/admin/campaigns/${campaignId}`);
  await expect(admin.getByRole("heading", { level: 1, name })).toBeVisible();
  const trail = admin.getByTestId("audit-trail");
  await expect(trail).toContainText("Created · Ada Admin");
  await expect(trail).toContainText(`Test sent to ${ADMIN}`);
  await expect(trail).toContainText("Sending started");
  await expect(admin.getByLabel("Campaign name")).toHaveCount(0);
  await tallShot(admin, "campaigns-detail-desktop");
  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.getByRole("button", { name: /Phone/ }).click();
  await tallShot(admin, "campaigns-detail-phone");

  // Not for anyone else.
  expect((await customer.goto("/admin/campaigns"))?.status()).toBe(403);
  expect((await ngo.goto(`/admin/campaigns/${campaignId}`))?.status()).toBe(403);
});

test("admin schedules a campaign in their time zone within 30 days, then cancels it from the list", async ({ browser }) => {
  const admin = await signedInPage(browser, "admin", { timezoneId: "Europe/Berlin" }, "/admin/campaigns/new");
  const run = Date.now().toString(36);
  const name = `Scheduled notice ${run}`;
  await admin.getByLabel("Campaign name").fill(name);
  await admin.getByLabel("Title", { exact: true }).fill(`Maintenance window ${run}`);
  await admin.getByLabel("Subject", { exact: true }).fill(`Maintenance window ${run}`);
  await admin.getByLabel("Body (markdown)").fill("Herald will be read-only for ten minutes.");
  await admin.getByRole("radio", { name: /By role/ }).check();
  await admin.getByLabel("Role", { exact: true }).selectOption("ADMIN");

  await admin.getByRole("button", { name: "Schedule…" }).click();
  const panel = admin.getByRole("group", { name: "Schedule", exact: true });
  await expect(panel.getByLabel("Time zone")).toHaveValue("Europe/Berlin"); // the browser's zone by default
  await expect(panel.getByLabel("Date and time")).toBeFocused();
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  // The server's limit, in its words.
  await panel.getByLabel("Date and time").fill(`${day(40)}T10:00`);
  await panel.getByRole("button", { name: "Schedule", exact: true }).click();
  await expect(admin.getByRole("alert").filter({ hasText: "Campaigns can be scheduled at most 30 days ahead" })).toBeVisible();
  await shot(admin, "campaigns-schedule-error-desktop");

  await panel.getByLabel("Date and time").fill(`${day(2)}T10:00`);
  await panel.getByRole("button", { name: "Schedule", exact: true }).click();
  await expect(admin.getByTestId("editor-notice")).toContainText("Scheduled for");
  await expect(admin.getByTestId("editor-notice")).toContainText("10:00 (Europe/Berlin)");
  await expect(admin.getByTestId("campaign-status")).toHaveText("Scheduled");
  // Stored as the UTC instant that is 10:00 on Berlin's clocks.
  const stored = (await db.query<{ scheduled_at: Date; timezone: string }>(`SELECT scheduled_at, timezone FROM campaigns WHERE name = $1`, [name])).rows[0]!;
  expect(stored.timezone).toBe("Europe/Berlin");
  const berlin = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  expect(berlin.format(stored.scheduled_at).replace(", ", "T")).toBe(`${day(2)}T10:00`);

  // The list shows it scheduled; cancelling asks first.
  await admin.getByRole("link", { name: "← All campaigns" }).click();
  const row = admin.getByTestId("campaign-row").filter({ hasText: name });
  await expect(row.getByTestId("campaign-status")).toHaveText("Scheduled");
  await expect(row).toContainText("10:00 (Europe/Berlin)");
  await row.getByRole("button", { name: `Cancel ${name}` }).click();
  const confirm = row.getByRole("group", { name: `Confirm cancelling ${name}` });
  await expect(confirm.getByRole("button", { name: "Yes, cancel campaign" })).toBeFocused();
  await shot(admin, "campaigns-list-cancel-confirm-desktop");
  await confirm.getByRole("button", { name: "Yes, cancel campaign" }).click();
  await expect(row.getByTestId("campaign-status")).toHaveText("Cancelled");
  await expect(row.getByRole("button", { name: `Cancel ${name}` })).toHaveCount(0);
  await admin.setViewportSize({ width: 390, height: 844 });
  await tallShot(admin, "campaigns-list-after-cancel-phone");
});

test("a campaign written in English with Afrikaans texts: readers of Afrikaans get those, the rest the English", async ({ browser }) => {
  test.setTimeout(90_000);
  const run = Date.now().toString(36);
  const name = `Languages ${run}`;
  const en = { title: `Winter drive ${run}`, subject: `Winter drive ${run}: double pickups` };
  const af = { title: `Wintervoedselveldtog ${run}`, subject: `Wintervoedselveldtog ${run}: dubbel afhalings` };
  const before = (await db.query<{ locale: string | null }>(`SELECT locale FROM users WHERE email = $1`, [NGO])).rows[0]!.locale;
  await db.query(`UPDATE users SET locale = 'af' WHERE email = $1`, [NGO]);
  try {
    const admin = await signedInPage(browser, "admin", { viewport: { width: 1280, height: 900 } }, "/admin/campaigns/new");
    await admin.getByLabel("Campaign name").fill(name);
    await admin.getByLabel("Title", { exact: true }).fill(en.title);
    await admin.getByLabel("Subject", { exact: true }).fill(en.subject);
    await admin.getByLabel("Body (markdown)").fill("Twice the surplus this week.");
    await expect(admin.getByLabel("Written in")).toHaveValue("en");

    const afTexts = admin.getByTestId("translation-af");
    await afTexts.getByText("Afrikaans texts").click();
    await afTexts.getByLabel("Title in Afrikaans").fill(af.title);
    await afTexts.getByLabel("Subject in Afrikaans").fill(af.subject);
    await afTexts.getByLabel("Body in Afrikaans (markdown)").fill("Dubbel die surplus **hierdie week**.");
    // Its preview: the Afrikaans text in the Afrikaans email (greeting and footer in Afrikaans too).
    const afFrame = afTexts.frameLocator('iframe[data-testid="email-preview"]');
    await expect(afFrame.getByRole("heading", { name: af.subject })).toBeVisible();
    await expect(afFrame.locator("html")).toHaveAttribute("lang", "af");
    await expect(admin.getByTestId("translation-zu")).toContainText("isiZulu: not written");
    await afTexts.scrollIntoViewIfNeeded();
    await shot(admin, "campaigns-editor-languages-desktop");

    await admin.getByRole("radio", { name: /By role/ }).check();
    await admin.getByLabel("Role", { exact: true }).selectOption("NGO");
    await admin.getByRole("button", { name: "Send now…" }).click();
    await admin.getByRole("button", { name: /^Yes, send to/ }).click();
    await expect(admin.getByTestId("campaign-row").filter({ hasText: name }).getByTestId("campaign-status")).toHaveText("Sent", { timeout: 30_000 });

    const titles = await db.query<{ email: string; title: string }>(
      `SELECT u.email, n.title FROM notifications n JOIN users u ON u.id = n.user_id JOIN campaigns c ON c.id = n.campaign_id WHERE c.name = $1`,
      [name],
    );
    expect(titles.rows.find((r) => r.email === NGO)?.title).toBe(af.title);
    const others = titles.rows.filter((r) => r.email !== NGO);
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) expect(r.title).toBe(en.title);
    await expect
      .poll(async () => (await db.query<{ subject: string }>(`SELECT subject FROM captured_emails WHERE "to" = $1 AND subject LIKE $2`, [NGO, `%${run}%`])).rows.map((r) => r.subject))
      .toEqual([af.subject]);
    // The campaign's page names its languages.
    const id = (await db.query<{ id: string }>(`SELECT id FROM campaigns WHERE name = $1`, [name])).rows[0]!.id;
    await admin.goto(`/admin/campaigns/${id}`);
    await expect(admin.getByText("English (main) · Afrikaans", { exact: true })).toBeVisible();
  } finally {
    await db.query(`UPDATE users SET locale = $2 WHERE email = $1`, [NGO, before]);
  }
});

test("at 375 px the editor holds a long link in every field without scrolling sideways", async ({ browser }) => {
  const page = await signedInPage(browser, "admin", { viewport: { width: 375, height: 812 } }, "/admin/campaigns/new");
  const url = "https://example.com/a/very/long/path/that/never/ends/and/keeps/going/on/and/on/forever?with=query&and=more";
  await page.getByLabel("Campaign name").fill(`Long link ${Date.now().toString(36)}`);
  await page.getByLabel("Title", { exact: true }).fill(`See ${url}`);
  await page.getByLabel("Message", { exact: true }).fill(`Read ${url}`);
  await page.getByLabel("Subject", { exact: true }).fill("Subject");
  await page.getByLabel("Body (markdown)").fill(`Hello [here](${url}) and ${url} bare`);
  await expect(page.getByTestId("in-app-preview")).toContainText(url);
  await expect(page.frameLocator('iframe[data-testid="email-preview"]').getByRole("link", { name: "here" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await tallShot(page, "campaigns-editor-long-link-375");
});
