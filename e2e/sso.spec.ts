/**
 * Issue 17 "Accounts the platform already has": sign-in with the platform's identity provider in a real
 * browser. This spec starts the development provider (scripts/lib/oidc-platform.ts, oidc-provider 9) on
 * 127.0.0.1:3190, where the Herald under test is configured to find it (playwright.config.ts, OIDC_*); the
 * password form stays on. Screenshots: e2e/screenshots/sso-signin-{desktop,375}.png and sso-refused.png.
 */
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { startDevOidcPlatform, type OidcPlatform } from "../scripts/lib/oidc-platform";
import { OIDC_E2E } from "./oidc-env";
import { database, shot } from "./helpers";

let platform: OidcPlatform;
let db: pg.Client;

test.beforeAll(async () => {
  platform = await startDevOidcPlatform({ port: OIDC_E2E.port, appUrls: ["http://localhost:3100"], title: "Platform ID" });
  db = await database();
});
test.afterAll(async () => {
  await db?.end();
  await platform?.close();
});

const button = (page: Page) => page.getByRole("button", { name: `Sign in with ${OIDC_E2E.name}` });

/** From /signin through the provider's login page as `email`; `confirmed`: whether the provider vouches for the address. */
async function signInAtPlatform(page: Page, email: string, confirmed = true) {
  await page.goto("/signin");
  await button(page).click();
  await expect(page).toHaveURL(new RegExp(`^${OIDC_E2E.issuer.replace(/\./g, "\\.")}/interaction/`));
  await page.getByLabel("Email or username").fill(email);
  await page.getByLabel("Email address confirmed").setChecked(confirmed);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("the sign-in page offers the platform's provider above the password form", async ({ page }) => {
  await page.goto("/signin");
  await expect(button(page)).toBeVisible();
  await expect(page.getByText("or with your email and password")).toBeVisible();
  await expect(page.getByLabel("Password")).toBeVisible();
  // The button comes first, then the form.
  const [b, email] = [await button(page).boundingBox(), await page.getByLabel("Email").boundingBox()];
  expect(b!.y).toBeLessThan(email!.y);
  await button(page).focus();
  await shot(page, "sso-signin-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  await expect(button(page)).toBeInViewport();
  await shot(page, "sso-signin-375");
});

test("a demo user signs in at the platform and lands in their own inbox, linked by their confirmed email", async ({ page }) => {
  await signInAtPlatform(page, "thandi@herald.test");
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByText("Thandi Mokoena", { exact: true })).toBeVisible();
  const link = await db.query<{ email: string; role: string; issuer: string }>(
    `SELECT u.email, u.role::text AS role, o.issuer FROM oidc_accounts o JOIN users u ON u.id = o.user_id WHERE u.email = 'thandi@herald.test'`,
  );
  expect(link.rows).toEqual([{ email: "thandi@herald.test", role: "CUSTOMER", issuer: OIDC_E2E.issuer }]);
  // The session is Herald's own, recorded server-side like a password sign-in's.
  const sessions = await db.query(
    `SELECT 1 FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'thandi@herald.test' AND s.revoked_at IS NULL AND s.created_at > now() - interval '1 minute'`,
  );
  expect(sessions.rowCount).toBeGreaterThanOrEqual(1);
});

test("a new person gets a new customer account", async ({ page }) => {
  const email = `new.person.${randomBytes(4).toString("hex")}@example.org`;
  await signInAtPlatform(page, email);
  await expect(page).toHaveURL(/\/notifications$/);
  const user = await db.query<{ name: string; role: string; password_hash: string }>(`SELECT name, role::text AS role, password_hash FROM users WHERE email = $1`, [email]);
  expect(user.rows).toEqual([{ name: expect.stringMatching(/^New Person /), role: "CUSTOMER", password_hash: "" }]);
  await expect(page.getByText(user.rows[0]!.name, { exact: true })).toBeVisible();
});

test("an unconfirmed email that an account already has is refused on /signin, with the reason", async ({ page }) => {
  await signInAtPlatform(page, "foodbank@herald.test", false);
  await expect(page).toHaveURL(/\/signin\?error=OidcEmailUnverified$/);
  const alert = page.getByRole("alert").filter({ hasText: "Platform ID has not confirmed your email address" });
  await expect(alert).toHaveText(/^Platform ID has not confirmed your email address, and a Herald account already uses it\./);
  await expect(alert).toBeFocused();
  await shot(page, "sso-refused");
  const links = await db.query(`SELECT 1 FROM oidc_accounts o JOIN users u ON u.id = o.user_id WHERE u.email = 'foodbank@herald.test'`);
  expect(links.rowCount).toBe(0);
});
