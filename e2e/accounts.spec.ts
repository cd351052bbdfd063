/**
 * Standalone accounts end to end (issue 17), through the real pages, the outbox, the embedded executor and the
 * dev mailbox (read by the demo admin, who sees every captured email):
 * - password reset: "Forgot your password?" on /signin → the same answer → the email in /dev/mailbox → its link →
 *   a new password → signed in; the old password is refused and the link does not work twice;
 * - sign-up: /signup → "check your inbox" → signing in before confirming is refused with "Send the link again"
 *   → the email → its link → "Confirm my address" → sign in.
 * Screenshots of each new page at desktop width and at 375 px (e2e/screenshots/accounts-*), each after an axe-core
 * scan with no serious or critical finding.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import type pg from "pg";
import { createUser } from "../prisma/factory";
import { database, factoryDb, signedInPage, signIn } from "./helpers";

let db: pg.Client;
// Addresses of this run only: nothing to clean up.
const tag = Date.now();
const resetEmail = `e2e-reset-${tag}@example.org`;
const signupEmail = `e2e-signup-${tag}@example.org`;
const OLD_PASSWORD = "my old password 1234";
const NEW_PASSWORD = "a brand new passphrase";

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  await createUser(fdb, { email: resetEmail, name: "Reset Tester", password: OLD_PASSWORD });
  await fdb.$disconnect();
});
test.afterAll(async () => {
  await db.end();
});

/** axe-core's serious and critical findings on the page as it is now (the rules of e2e/a11y.spec.ts). */
async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * The page at desktop width, then at 375 px (full page), as e2e/screenshots/accounts-<name>-{desktop,375}.png,
 * each scanned by axe first: no serious or critical finding at either width.
 */
async function pageShots(page: Page, name: string) {
  const size = page.viewportSize();
  expect(await axeProblems(page), `${name} at desktop width`).toEqual([]);
  await page.screenshot({ path: `e2e/screenshots/accounts-${name}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  expect(await axeProblems(page), `${name} at 375 px`).toEqual([]);
  await page.screenshot({ path: `e2e/screenshots/accounts-${name}-375.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

/** Opens the newest captured email with `subject` to `to` in /dev/mailbox as the demo admin; returns its plain text. */
async function readMail(browser: Browser, subject: string, to: string): Promise<string> {
  const admin = await signedInPage(browser, "admin");
  const link = admin.getByRole("link", { name: new RegExp(`${subject}.*to ${to.replace(/[.]/g, "\\.")}`) });
  await expect(async () => {
    await admin.goto("/dev/mailbox");
    await expect(link.first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await link.first().click();
  await expect(admin.getByRole("heading", { name: subject })).toBeVisible();
  const text = (await admin.getByTestId("mail-text").textContent()) ?? "";
  await admin.context().close();
  return text;
}

const pathOf = (text: string, path: string) => {
  const url = new RegExp(`https?://\\S+(${path}/[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43})`).exec(text)?.[1];
  expect(url, `a ${path} link in the email`).toBeTruthy();
  return url!;
};

test("password reset through the dev mailbox: a new password signs in, the old one and the used link do not", async ({ page, browser }) => {
  await page.goto("/signin");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await pageShots(page, "forgot-password");

  // A malformed address is explained at the field, which takes the focus.
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Email")).toBeFocused();

  await page.getByLabel("Email").fill(resetEmail);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account exists for");
  await pageShots(page, "forgot-password-sent");

  const text = await readMail(browser, "Reset your Herald password", resetEmail);
  expect(text).toContain("1 hour");
  const link = pathOf(text, "/reset-password");

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText(/e2…@example\.org/)).toBeVisible();
  await pageShots(page, "reset-password");
  // Mistakes are tied to their field and change nothing.
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("New password again").fill(`${NEW_PASSWORD}?`);
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page.getByText("The two passwords do not match.")).toBeVisible();
  await expect(page.getByLabel("New password again")).toBeFocused();
  await page.getByLabel("New password again").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page).toHaveURL(/\/notifications$/);

  // The old password no longer works; the new one does.
  const other = await (await browser.newContext()).newPage();
  await other.goto("/signin");
  await other.getByLabel("Email").fill(resetEmail);
  await other.getByLabel("Password").fill(OLD_PASSWORD);
  await other.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(other.getByRole("alert").filter({ hasText: /\w/ })).toContainText("That email and password do not match an account.");
  await signIn(other, resetEmail, NEW_PASSWORD);

  // The link worked once.
  await other.goto(link);
  await expect(other.getByText("This link was already used")).toBeVisible();
  await expect(other.getByRole("link", { name: "Send me a new link" })).toHaveAttribute("href", "/forgot-password");
  await pageShots(other, "reset-password-used");
  await other.context().close();
});

test("sign-up through the dev mailbox: refused until confirmed, then signed in", async ({ page, browser }) => {
  await page.goto("/signin");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByRole("heading", { name: "Create your Herald account" })).toBeVisible();
  // The language starts as the browser's (Playwright's Chromium asks for English).
  await expect(page.getByLabel("Language")).toHaveValue("en");
  await pageShots(page, "signup");

  // Errors sit under their fields; the first one takes the focus.
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(page.getByLabel("Your name")).toBeFocused();
  await expect(page.getByLabel("Password")).toHaveAttribute("autocomplete", "new-password");
  await pageShots(page, "signup-errors");

  await page.getByLabel("Your name").fill("Sipho Ndlovu");
  await page.getByLabel("Email").fill(signupEmail);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText("Check your inbox");
  await pageShots(page, "signup-sent");
  const row = await db.query<{ verified: boolean }>(`SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE email = $1`, [signupEmail]);
  expect(row.rows[0]?.verified).toBe(false);

  // Not confirmed yet: the right password is refused with the way out.
  await page.goto("/signin");
  await page.getByLabel("Email").fill(signupEmail);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toContainText("Confirm your email address first");
  await pageShots(page, "signin-unverified");
  await page.getByRole("button", { name: "Send the link again" }).click();
  await expect(page.getByText("We sent a new link to your email address.")).toBeVisible();

  const text = await readMail(browser, "Confirm your email address for Herald", signupEmail);
  const link = pathOf(text, "/verify-email");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Confirm your email address" })).toBeVisible();
  await expect(page.getByText(/e2…@example\.org/)).toBeVisible();
  await pageShots(page, "verify-email");
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByRole("status")).toContainText("Your address is confirmed");
  await pageShots(page, "verify-email-done");
  await page.getByRole("link", { name: "Sign in" }).last().click();
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, signupEmail, NEW_PASSWORD);

  // Opening a used link says so.
  await page.goto(link);
  await expect(page.getByText("This address is already confirmed.")).toBeVisible();
});
