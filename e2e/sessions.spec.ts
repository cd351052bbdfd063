/**
 * Issue 12 "Sign-out ends the session on the server": a copy of a session cookie (a second browser context
 * holding the same cookies, as a thief would) stops working on tRPC, /api/pusher/auth, route handlers and
 * pages as soon as the person signs out; "Sign out of all devices", a password change (other devices
 * only) and a role change end sessions the same way. /api/v1 never accepts a session cookie at all.
 * Every test ends sessions, so each signs its own accounts (prisma/factory.ts) in through the form, never
 * the demo accounts whose saved sessions the other specs share (e2e/auth.setup.ts).
 */
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type BrowserContext } from "@playwright/test";
import type pg from "pg";
import { DEMO_PASSWORD } from "../prisma/demo-accounts";
import { createUser } from "../prisma/factory";
import type { PrismaClient } from "../server/generated/prisma/client";
import { database, factoryDb, sectionShots, shot, signIn } from "./helpers";

const tag = randomBytes(4).toString("hex");
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

/** A fresh account for one test (password DEMO_PASSWORD). */
async function newUser(name: string, role: "CUSTOMER" | "ADMIN" = "CUSTOMER"): Promise<{ id: string; email: string }> {
  const user = await createUser(fdb, { email: `sessions-${name}-${tag}@herald.test`, name: `Sessions ${name} ${tag}`, role });
  return { id: user.id, email: user.email };
}

/** A browser context signed in as `email` (a device). */
async function device(browser: Browser, email: string, password = DEMO_PASSWORD): Promise<BrowserContext> {
  const ctx = await browser.newContext();
  await signIn(await ctx.newPage(), email, password);
  return ctx;
}

/** A second browser holding a copy of `from`'s cookies: what someone who copied the session cookie has. */
async function copyOf(browser: Browser, from: BrowserContext): Promise<BrowserContext> {
  const copy = await browser.newContext();
  const cookies = await from.cookies();
  expect(cookies.map((c) => c.name)).toContain("next-auth.session-token");
  await copy.addCookies(cookies);
  return copy;
}

const pusherForm = (userId: string) => ({ form: { socket_id: "123.456", channel_name: `private-user-${userId}` } });

async function expectSignedIn(ctx: BrowserContext, userId: string) {
  expect((await ctx.request.get("/api/trpc/notifications.unreadCount")).status()).toBe(200);
  expect((await ctx.request.post("/api/pusher/auth", pusherForm(userId))).status()).toBe(200);
  const page = await ctx.newPage();
  await page.goto("/notifications");
  await expect(page).toHaveURL(/\/notifications$/);
  await page.close();
}

async function expectSignedOut(ctx: BrowserContext, userId: string) {
  const trpc = await ctx.request.get("/api/trpc/notifications.unreadCount");
  expect(trpc.status()).toBe(401);
  expect((await ctx.request.post("/api/pusher/auth", pusherForm(userId))).status()).toBe(401);
  expect((await ctx.request.get("/api/account/export")).status()).toBe(401);
  const page = await ctx.newPage();
  await page.goto("/notifications");
  await expect(page).toHaveURL(/\/signin\?/);
  await page.close();
}

test("after sign-out, a copied session cookie gets 401 on tRPC and /api/pusher/auth and is sent to /signin by pages", async ({ browser }) => {
  const user = await newUser("signout");
  const mine = await device(browser, user.email);
  const stolen = await copyOf(browser, mine);
  await expectSignedIn(stolen, user.id);
  // The HTTP API takes personal access tokens only, never the session cookie.
  expect((await stolen.request.get("/api/v1/notifications")).status()).toBe(401);

  const page = mine.pages()[0]!;
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);
  await expectSignedOut(stolen, user.id);
  expect((await db.query(`SELECT 1 FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NOT NULL`, [user.id])).rowCount).toBe(1);
  await Promise.all([mine.close(), stolen.close()]);
});

test("Sign out of all devices ends every session, copies included", async ({ browser }) => {
  const user = await newUser("everywhere");
  const laptop = await device(browser, user.email);
  const phone = await device(browser, user.email);
  const stolen = await copyOf(browser, phone);
  await expectSignedIn(phone, user.id);

  const page = laptop.pages()[0]!;
  await page.goto("/settings/account");
  const section = page.locator("section#devices");
  await section.getByRole("button", { name: "Sign out of all devices" }).click();
  const confirm = section.getByRole("button", { name: "Yes, sign out everywhere" });
  await expect(confirm).toBeFocused();
  await sectionShots(page, section, "sessions-sign-out-everywhere");
  await confirm.click();
  await expect(page).toHaveURL(/\/signin/);

  for (const ctx of [laptop, phone, stolen]) await expectSignedOut(ctx, user.id);
  await Promise.all([laptop.close(), phone.close(), stolen.close()]);
});

test("changing the password signs out other devices, keeps this one, and the new password signs in", async ({ browser }) => {
  const user = await newUser("password");
  const NEW = `fresh horse battery ${tag}`;
  const here = await device(browser, user.email);
  const elsewhere = await device(browser, user.email);

  const page = here.pages()[0]!;
  await page.goto("/settings/account");
  const section = page.locator("section#password");
  await sectionShots(page, section, "sessions-password");
  // Empty submit: every field's error, focus on the first.
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByLabel("Current password")).toBeFocused();
  await expect(section.getByRole("alert")).toHaveCount(2);
  // Wrong current password: refused by the server, nothing changes.
  await section.getByLabel("Current password").fill("not my password");
  await section.getByLabel("New password", { exact: true }).fill(NEW);
  await section.getByLabel("New password again").fill(NEW);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByRole("alert")).toHaveText("Not your current password.");
  await expect(section.getByLabel("Current password")).toBeFocused();
  await expect(section.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await sectionShots(page, section, "sessions-password-error");
  await expectSignedIn(elsewhere, user.id);

  await section.getByLabel("Current password").fill(DEMO_PASSWORD);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByRole("status")).toHaveText("Password changed. You are still signed in on this device; 1 other device was signed out.");
  await sectionShots(page, section, "sessions-password-done");

  await expectSignedIn(here, user.id);
  await expectSignedOut(elsewhere, user.id);
  const again = await device(browser, user.email, NEW);
  await expectSignedIn(again, user.id);
  await Promise.all([here.close(), elsewhere.close(), again.close()]);
});

test("an admin changes a role at /admin/users: audited, and the account is signed out everywhere", async ({ browser }) => {
  const admin = await newUser("admin", "ADMIN");
  const target = await newUser("target");
  const targetDevice = await device(browser, target.email);
  const adminDevice = await device(browser, admin.email);

  const page = adminDevice.pages()[0]!;
  await page.goto("/admin/users");
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  const search = page.getByRole("search", { name: "Users" });
  await search.getByLabel("Email").fill(`nobody-${tag}`);
  await search.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText(`No account’s email contains “nobody-${tag}”`)).toBeVisible();
  await sectionShots(page, page.locator("main"), "sessions-admin-users-empty");

  await search.getByLabel("Email").fill(`sessions-`);
  await search.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("heading", { name: "Accounts matching “sessions-”" })).toBeVisible();
  const self = page.getByRole("listitem").filter({ hasText: admin.email });
  await expect(self.getByLabel(`Role of ${admin.email}`)).toBeDisabled();
  const row = page.getByRole("listitem").filter({ hasText: target.email });
  await row.getByLabel(`Role of ${target.email}`).selectOption("NGO");
  await expect(row.getByText(`Saving signs ${target.email} out on every device.`)).toBeVisible();
  await sectionShots(page, page.locator("main"), "sessions-admin-users");
  await row.getByRole("button", { name: `Save role of ${target.email}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now NGO" })).toHaveText(`${target.email} is now NGO (was Customer); signed out of 1 session.`);

  await expectSignedOut(targetDevice, target.id);
  const audit = await db.query(`SELECT actor_id, details FROM audit_log WHERE action = 'user.role_change' AND target_id = $1`, [target.id]);
  expect(audit.rows).toEqual([{ actor_id: admin.id, details: { from: "CUSTOMER", to: "NGO", sessionsRevoked: 1 } }]);
  await expectSignedIn(adminDevice, admin.id);
  await shot(page, "sessions-admin-users-page", true);
  await Promise.all([targetDevice.close(), adminDevice.close()]);
});
