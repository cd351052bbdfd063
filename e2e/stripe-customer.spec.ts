/**
 * /admin/users: an admin links an account to its Stripe customer (for invoices that carry another address),
 * is told what is wrong with a malformed id, and removes the link again; each change is audited. The account
 * is made with prisma/factory.ts; the admin is the demo admin's saved session (e2e/auth.setup.ts).
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { createUser } from "../prisma/factory";
import { database, factoryDb, sectionShots, signedInPage } from "./helpers";

let db: pg.Client;
test.beforeAll(async () => {
  db = await database();
});
test.afterAll(async () => {
  await db?.end();
});

test("an admin links a Stripe customer to an account, is told what a wrong id lacks, and removes the link", async ({ browser }) => {
  const tag = randomUUID().slice(0, 8);
  const fdb = factoryDb();
  const target = await createUser(fdb, { email: `billing-${tag}@herald.test`, name: "Billing Person" });
  await fdb.$disconnect();
  const customer = `cus_E2e${tag}`;

  const page = await signedInPage(browser, "admin", {}, "/admin/users");
  const search = page.getByRole("search", { name: "Users" });
  await search.getByLabel("Email").fill(`billing-${tag}`);
  await search.getByRole("button", { name: "Search" }).click();
  const row = page.getByRole("listitem").filter({ hasText: target.email });
  await expect(row.getByText("No Stripe customer")).toBeVisible();

  await row.getByRole("button", { name: `Link a Stripe customer to ${target.email}` }).click();
  const field = row.getByLabel(`Stripe customer of ${target.email}`);
  await expect(field).toBeFocused();
  await field.fill("not-a-customer");
  await row.getByRole("button", { name: `Save the Stripe customer of ${target.email}` }).click();
  await expect(row.getByRole("alert")).toHaveText("Enter a Stripe customer id, such as cus_NffrFeUfNV2Hib");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await sectionShots(page, row, "stripe-customer-error");
  expect((await db.query(`SELECT stripe_customer_id FROM users WHERE id = $1`, [target.id])).rows[0]).toEqual({ stripe_customer_id: null });

  await field.fill(customer);
  await field.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "is linked" })).toHaveText(`${target.email} is linked to Stripe customer ${customer}.`);
  await expect(row.getByText(`Stripe customer: ${customer}`)).toBeVisible();
  await sectionShots(page, row, "stripe-customer-linked");
  expect((await db.query(`SELECT stripe_customer_id FROM users WHERE id = $1`, [target.id])).rows[0]).toEqual({ stripe_customer_id: customer });

  await row.getByRole("button", { name: `Change the Stripe customer of ${target.email}` }).click();
  await expect(row.getByLabel(`Stripe customer of ${target.email}`)).toHaveValue(customer);
  await row.getByRole("button", { name: `Remove link to the Stripe customer of ${target.email}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "no longer linked" })).toHaveText(`${target.email} is no longer linked to a Stripe customer.`);
  await expect(row.getByText("No Stripe customer")).toBeVisible();

  const audit = await db.query(`SELECT details FROM audit_log WHERE action = 'user.stripe_customer' AND target_id = $1 ORDER BY created_at`, [target.id]);
  expect(audit.rows).toEqual([{ details: { from: null, to: customer } }, { details: { from: customer, to: null } }]);
  await page.context().close();
});
