/**
 * Languages (issue 16): a person switches Herald to Afrikaans, then isiZulu, in the preference center; the
 * pages change at once, and the next listing's notification and email arrive in that language. Screenshots
 * of the preference center, inbox, bell and email in each language, desktop and phone. Makes its own
 * customer (prisma/factory.ts: following Mario's Trattoria, quiet hours off), who signs in through the form
 * (a sign-in adopts the browser's language); the demo admin and owner use their saved sessions.
 */
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { createNotificationSettings, createUser, follow } from "../prisma/factory";
import { database, DEMO, factoryDb, postListing, saveStatus, shot, signedInPage, signIn } from "./helpers";
import { readFileSync } from "node:fs";

const EMAIL = `e2e-language-${Date.now()}@herald.test`;
let db: pg.Client;
let userId: string;

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  userId = (await createUser(fdb, { email: EMAIL, name: "Lerato Dlamini", timezone: "Africa/Johannesburg" })).id;
  await createNotificationSettings(fdb, userId, { quietHoursEnabled: false });
  await follow(fdb, userId, (await fdb.business.findUniqueOrThrow({ where: { slug: "mario-s-trattoria" } })).id);
  await fdb.$disconnect();
});
test.afterAll(async () => {
  await db.end();
});

/** The captured email to the test's customer about `title`, once sent. */
async function emailAbout(title: string): Promise<{ id: string; subject: string }> {
  let row: { id: string; subject: string } | undefined;
  await expect
    .poll(async () => {
      row = (await db.query<{ id: string; subject: string }>(`SELECT id, subject FROM captured_emails WHERE "to" = $1 AND subject LIKE $2`, [EMAIL, `%${title}`])).rows[0];
      return row ? "sent" : "pending";
    }, { timeout: 30_000 })
    .toBe("sent");
  return row!;
}

/** Chooses a language in the preference center and waits until the page speaks it. */
async function choose(page: Page, label: RegExp, language: string, heading: string) {
  await page.goto("/settings/notifications");
  await page.getByRole("combobox", { name: label }).selectOption({ label: language });
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

/** Longer words must wrap, not widen the page: nothing scrolls sideways at `width`. */
async function fitsWidth(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** Screenshots of the preference center, inbox, bell and one email in the current language. */
async function shots(page: Page, lang: string, mailId: string) {
  for (const [width, height, suffix] of [[1280, 800, "desktop"], [375, 812, "375"]] as const) {
    await page.setViewportSize({ width, height });
    await page.goto("/settings/notifications");
    await expect(page.getByRole("table")).toBeVisible();
    await fitsWidth(page, width);
    await shot(page, `language-${lang}-preferences-${suffix}`, true);
    await page.goto("/notifications");
    await expect(page.getByTestId("inbox-item").first()).toBeVisible();
    await fitsWidth(page, width);
    await shot(page, `language-${lang}-inbox-${suffix}`);
    await page.getByTestId("bell").click(); // its name is in the page's language
    await expect(page.getByRole("region").filter({ has: page.getByRole("heading", { level: 2 }) }).first()).toBeVisible();
    await shot(page, `language-${lang}-bell-${suffix}`);
    await page.keyboard.press("Escape");
    await page.goto(`/dev/mailbox/${mailId}`);
    await shot(page, `language-${lang}-email-${suffix}`, true);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("switching language changes the pages at once, and the next notification and email", async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await (await browser.newContext({ locale: "en-US" })).newPage();
  await signIn(page, EMAIL);
  await expect(page.getByRole("link", { name: "Inbox" })).toBeVisible();
  const owner = await signedInPage(browser, "business");

  // Afrikaans: the page re-renders in it, and the choice is stored.
  await choose(page, /Language/, "Afrikaans", "Kennisgewing-instellings");
  await expect(saveStatus(page).or(page.getByRole("status").filter({ hasText: "Gestoor" }))).toBeVisible();
  await expect(page.getByRole("navigation").getByRole("link", { name: "Inkassie" })).toBeVisible();
  expect((await db.query(`SELECT locale FROM users WHERE id = $1`, [userId])).rows).toEqual([{ locale: "af" }]);

  const bread = `Roosterkoek ${Date.now()}`;
  await postListing(owner, bread);
  await page.goto("/notifications");
  await expect(page.getByRole("heading", { level: 1, name: "Kennisgewings" })).toBeVisible();
  const item = page.getByTestId("inbox-item").filter({ hasText: bread });
  await expect(item).toContainText(`Nuut by Mario's Trattoria: ${bread}`);
  await expect(item).toContainText(/R\s?30,00/);
  await expect(item.getByRole("button", { name: "Merk gelees" })).toBeVisible();
  const afMail = await emailAbout(bread);
  expect(afMail.subject).toBe(`Nuut by Mario's Trattoria: ${bread}`);
  await page.goto(`/dev/mailbox/${afMail.id}`);
  await expect(page.getByTestId("mail-text")).toContainText("Nuwe kos beskikbaar by Mario's Trattoria");
  await shots(page, "af", afMail.id);

  // isiZulu.
  await choose(page, /Taal/, "isiZulu", "Izilungiselelo zezaziso");
  const pap = `Uphuthu ${Date.now()}`;
  await postListing(owner, pap);
  await page.goto("/notifications");
  // The two listings group, counted in isiZulu's plural; the newest is the preview.
  const group = page.getByTestId("inbox-item").filter({ hasText: pap });
  await expect(group).toContainText("Okunikezwayo okusha okungu-2 kusuka ku-Mario's Trattoria");
  await expect(group).toContainText(`Okusha ku-Mario's Trattoria: ${pap}`);
  const zuMail = await emailAbout(pap);
  expect(zuMail.subject).toBe(`Okusha ku-Mario's Trattoria: ${pap}`);
  await shots(page, "zu", zuMail.id);

  // And back to English: what came before keeps the language it was sent in.
  await choose(page, /Ulimi/, "English", "Notification settings");
  await page.goto("/notifications");
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  await expect(page.getByTestId("inbox-item").filter({ hasText: pap })).toContainText("2 new listings from Mario's Trattoria");
  const titles = await db.query(`SELECT title FROM notifications WHERE user_id = $1 ORDER BY created_at`, [userId]);
  expect(titles.rows).toEqual([{ title: `Nuut by Mario's Trattoria: ${bread}` }, { title: `Okusha ku-Mario's Trattoria: ${pap}` }]);
  await shots(page, "en", zuMail.id);
});

/** One area's catalog of one language (messages/<locale>/<area>.json), for the words a page should show. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const catalog = (locale: string, area: string): any => JSON.parse(readFileSync(`messages/${locale}/${area}.json`, "utf8"));

test("every area speaks the reader's language: signed out from the browser's, signed in from the person's choice", async ({ browser }) => {
  const afPublic = catalog("af", "public");
  const afCampaigns = catalog("af", "campaigns");
  const afReports = catalog("af", "reports");
  const zuAccount = catalog("zu", "account");
  const zuBusiness = catalog("zu", "business");
  // Signed out: the browser's Accept-Language decides.
  const visitor = await (await browser.newContext({ locale: "af-ZA" })).newPage();
  await visitor.goto("/signin");
  await expect(visitor.locator("html")).toHaveAttribute("lang", "af");
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText(afPublic.signIn.heading);
  await shot(visitor, "language-signin-af-desktop");
  await visitor.goto("/businesses");
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText(afPublic.businesses.heading);

  // Signed in: the person's own language (set here for the demo admin and business owner, then cleared, so the
  // other specs keep reading English). Pages read it afresh on every request: their saved sessions see it.
  const people = { [DEMO.admin]: "af", [DEMO.business]: "zu" };
  try {
    for (const [email, locale] of Object.entries(people)) await db.query(`UPDATE users SET locale = $2 WHERE email = $1`, [email, locale]);
    const admin = await signedInPage(browser, "admin", { viewport: { width: 1280, height: 900 } }, "/admin/campaigns");
    await expect(admin.locator("html")).toHaveAttribute("lang", "af");
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText(afCampaigns.campaigns.title);
    await shot(admin, "language-admin-campaigns-af-desktop");
    await admin.goto("/admin/campaigns/new");
    await expect(admin.getByText(afCampaigns.campaignEditor.sectionLanguages, { exact: true })).toBeVisible();
    await shot(admin, "language-admin-editor-af-desktop");

    const owner = await signedInPage(browser, "business", { viewport: { width: 375, height: 812 } }, "/business");
    await expect(owner.locator("html")).toHaveAttribute("lang", "zu");
    await shot(owner, "language-business-zu-375");
    await owner.goto("/settings/account");
    await expect(owner.getByRole("heading", { level: 1 })).toHaveText(zuAccount.account.title);
    await shot(owner, "language-account-zu-375", true);
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await owner.goto("/business/listings/new");
    await expect(owner.getByRole("button", { name: zuBusiness.composer.submit })).toBeVisible();
    await shot(owner, "language-composer-zu-375", true);

    await admin.goto("/admin/deliveries");
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText(afReports.deliveryLog.title);
    await shot(admin, "language-admin-deliveries-af-desktop");
  } finally {
    for (const email of Object.keys(people)) await db.query(`UPDATE users SET locale = NULL WHERE email = $1`, [email]);
  }
});
