import { readFileSync } from "node:fs";
import { expect, type Browser, type BrowserContextOptions, type Locator, type Page } from "@playwright/test";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../prisma/demo-accounts";
import { PrismaClient } from "../server/generated/prisma/client";

/**
 * Signs in through the real form and waits for the inbox. For specs about signing in (or about one session:
 * sign-out, password changes) and for accounts a spec makes itself; a spec that only needs "signed in as a
 * demo role" uses {@link signedInPage} or `test.use({ storageState: authFile(role) })` instead.
 */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/notifications$/);
}

const demoEmail = (role: (typeof DEMO_ACCOUNTS)[number]["role"]) => DEMO_ACCOUNTS.find((a) => a.role === role)!.email;

/**
 * The demo account of each role (prisma/demo-accounts.ts) that e2e/auth.setup.ts signs in once per run, saving
 * its session to {@link authFile}. Specs must not end these sessions (sign out, "Sign out of all devices",
 * change the password or the role of these accounts): every later spec shares them. Such specs sign in
 * with their own account (prisma/factory.ts `createUser` through {@link factoryDb}).
 */
export const DEMO = {
  customer: demoEmail("CUSTOMER"),
  ngo: demoEmail("NGO"),
  business: demoEmail("BUSINESS"),
  admin: demoEmail("ADMIN"),
} as const;
export type DemoRole = keyof typeof DEMO;

/**
 * Where e2e/auth.setup.ts saves the signed-in browser state (the session cookie) of the demo `role`, for
 * Playwright's `storageState` (https://playwright.dev/docs/auth). Under the e2e data dir, which every run
 * starts afresh: the sessions are `auth_sessions` rows of that run's database (30 days, server/services/users/sessions.ts).
 */
export const authFile = (role: DemoRole) => `.data/e2e/auth/${role}.json`;

/**
 * A new browser context signed in as the demo `role` (its saved session: no sign-in form), with one page
 * open on `path`: the inbox by default, where {@link signIn} leaves a page.
 * @param options more context options (viewport, timezoneId, locale…); `storageState` is the role's.
 * @param path a signed-in page to open (path and query); the page must stay there, not be sent to /signin.
 */
export async function signedInPage(browser: Browser, role: DemoRole, options: BrowserContextOptions = {}, path = "/notifications"): Promise<Page> {
  const context = await browser.newContext({ ...options, storageState: authFile(role) });
  const page = await context.newPage();
  await page.goto(path);
  const { pathname } = new URL(path, "http://localhost");
  await expect(page, `the saved session of the demo ${role} (e2e/auth.setup.ts) still signs in`).toHaveURL((url) => url.pathname === pathname);
  return page;
}

/** The e2e server's runtime.json (written by scripts/herald.ts). */
const runtime = () => JSON.parse(readFileSync(".data/e2e/runtime.json", "utf8")) as { databaseUrl: string; testClockUrl?: string };

/** A client on the e2e server's database (its URL is written by scripts/herald.ts to runtime.json). */
export async function database(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: runtime().databaseUrl });
  await client.connect();
  return client;
}

/**
 * A Prisma client on the e2e server's database (the same driver adapter as server/db.ts), for creating test
 * data with prisma/factory.ts. Call `$disconnect()` when done (in `afterAll`).
 */
export function factoryDb(): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: runtime().databaseUrl, max: 2 }) });
}

/** The server's unread count for a user, straight from the database. */
export async function unreadInDb(db: pg.Client, email: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id
     WHERE u.email = $1 AND n.read_at IS NULL AND n.deleted_at IS NULL AND n.archived_at IS NULL`,
    [email],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The server's unseen count for a user (the bell's badge: unread and not yet shown in a bell), straight from
 * the database.
 */
export async function unseenInDb(db: pg.Client, email: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id
     WHERE u.email = $1 AND n.read_at IS NULL AND n.seen_at IS NULL AND n.deleted_at IS NULL AND n.archived_at IS NULL`,
    [email],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** The bell's accessible name for `unseen` unseen notifications. */
export const badgeName = (unseen: number) => (unseen ? `Notifications, ${unseen} new` : "Notifications");

/** Waits until the bell's badge shows the database's unseen count for `email` (both read afresh on every try). */
export async function expectBadgeMatchesDb(page: Page, db: pg.Client, email: string) {
  await expect(async () => {
    expect(await badge(page).getAttribute("aria-label")).toBe(badgeName(await unseenInDb(db, email)));
  }).toPass({ timeout: 10_000 });
}

/**
 * Moves the embedded executor's clock forward (the test clock of HERALD_TEST_CLOCK=1, Playwright's server
 * only) and waits until the runs due by then have finished. The clock only moves forward, and it is shared
 * by every spec of the run: a spec that sleeps until a time must pick one after {@link jobsClockNow}.
 * @returns the executor's time after the move
 */
export async function advanceJobsClock(ms: number): Promise<Date> {
  const { testClockUrl } = runtime();
  expect(testClockUrl, "the e2e server runs with HERALD_TEST_CLOCK=1").toBeTruthy();
  const r = await fetch(`${testClockUrl}/advance?ms=${Math.round(ms)}`, { method: "POST" });
  expect(r.status).toBe(200);
  return new Date(((await r.json()) as { now: string }).now);
}

/** The embedded executor's time now: the wall clock plus what earlier specs advanced it by. */
export const jobsClockNow = () => advanceJobsClock(0);

/** Posts a listing from the business owner's composer (price R30) and waits for "Posted". */
export async function postListing(owner: Page, title: string) {
  await owner.goto("/business/listings/new");
  await owner.getByLabel("Title").fill(title);
  await owner.getByLabel("Price (ZAR)").fill("30");
  await owner.getByRole("button", { name: "Post listing" }).click();
  await expect(owner.getByRole("status")).toContainText(`Posted “${title}”`);
}

/** Saves a screenshot under e2e/screenshots (looked at by people, not compared). */
export async function shot(page: Page, name: string, fullPage = false) {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage });
}

/** Screenshots of one section under e2e/screenshots: `<name>-desktop.png`, then `<name>-375.png` at phone width. */
export async function sectionShots(page: Page, section: Locator, name: string) {
  await section.screenshot({ path: `e2e/screenshots/${name}-desktop.png` });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 812 });
  await section.screenshot({ path: `e2e/screenshots/${name}-375.png` });
  if (size) await page.setViewportSize(size);
}

export const badge = (page: Page) => page.getByRole("button", { name: /^Notifications/ });

/** The preference center's save status ("Saving…", "Saved ✓", "Not saved: …"), not the other live regions on the page. */
export const saveStatus = (page: Page) => page.getByRole("status").filter({ hasText: /Saving|Saved|Not saved/ });
