/**
 * Rich notifications' action buttons reach the host platform (issue 16): an admin registers a webhook
 * endpoint (a receiver this test runs on 127.0.0.1) and copies its signing secret; a customer clicks
 * "Reserve" on a new-listing notification and lands on the listing; the receiver gets one POST that the
 * `standardwebhooks` library verifies with that secret; the admin's delivery log says it was delivered.
 * Makes its own customer (prisma/factory.ts, a unique address) and endpoint; the endpoint is deleted at the
 * end, so later clicks in other specs do not queue deliveries to a receiver that is gone.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { Webhook } from "standardwebhooks";
import { createNotification, createUser } from "../prisma/factory";
import { database, factoryDb, shot, signedInPage, signIn } from "./helpers";

const EMAIL = `e2e-webhooks-${Date.now()}@herald.test`;
const TITLE = `Bobotie for four ${Date.now()}`;
let db: pg.Client;
let userId: string;
let listingId: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString("utf8")));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.statusCode = 204;
    res.end();
  });
});

test.beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  db = await database();
  const fdb = factoryDb();
  userId = (await createUser(fdb, { email: EMAIL, name: "Webhook Tester" })).id;
  const listing = await fdb.listing.findFirstOrThrow({ where: { business: { slug: "mario-s-trattoria" } }, orderBy: { createdAt: "desc" } });
  listingId = listing.id;
  await createNotification(fdb, {
    userId, type: "new_listing", category: "listings", title: TITLE, body: "R 45,00 · bake of the day", businessId: listing.businessId,
    actionUrl: `/listings/${listingId}`, dedupeKey: `e2e-webhooks:${userId}`, data: { listing_id: listingId },
  });
  await fdb.$disconnect();
});
test.afterAll(async () => {
  await db.query(`DELETE FROM webhook_endpoints WHERE url LIKE $1`, [`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/%`]);
  await db.end();
  receiver.close();
});

test("an admin registers an endpoint; a click on Reserve reaches it, signed; the delivery log says so", async ({ browser }) => {
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/herald`;
  const admin = await signedInPage(browser, "admin", {}, "/admin/webhooks");
  await expect(admin.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  // A URL that is not https (and not on this machine) is refused where it was typed.
  await admin.getByLabel("URL").fill("http://platform.example/hooks");
  await admin.getByRole("button", { name: "Register endpoint" }).click();
  await expect(admin.locator("form").getByRole("alert")).toContainText("https://");
  await admin.getByLabel("URL").fill(hookUrl);
  await admin.getByLabel(/Description/).fill("E2E platform");
  await admin.getByRole("button", { name: "Register endpoint" }).click();
  const secret = await admin.getByLabel("The endpoint's signing secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  await shot(admin, "webhooks-secret-desktop");
  await admin.getByRole("button", { name: "I've saved it" }).click();
  await expect(admin.getByTestId("webhook-endpoint").filter({ hasText: hookUrl })).toContainText("On");

  // The customer's notification carries the type's two buttons; Reserve opens the listing.
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, EMAIL);
  const item = customer.getByTestId("inbox-item").filter({ hasText: TITLE });
  await expect(item.getByRole("button", { name: `Get directions: ${TITLE}` })).toBeVisible();
  await shot(customer, "rich-actions-desktop");
  await customer.setViewportSize({ width: 375, height: 812 });
  await shot(customer, "rich-actions-375");
  await customer.setViewportSize({ width: 1280, height: 720 });
  await item.getByRole("button", { name: `Reserve: ${TITLE}` }).click();
  await expect(customer).toHaveURL(new RegExp(`/listings/${listingId}$`));

  // The platform got it once, signed with the endpoint's secret.
  await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
  const [hit] = received;
  const event = new Webhook(secret).verify(hit!.body, hit!.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
  expect(event.type).toBe("notification.action_clicked");
  expect(event.data).toMatchObject({ action: "reserve", notification_type: "new_listing", user: { id: userId, email: EMAIL }, data: { listing_id: listingId } });
  const clicks = await db.query(`SELECT c.action FROM notification_clicks c JOIN notifications n ON n.id = c.notification_id WHERE n.user_id = $1`, [userId]);
  expect(clicks.rows).toEqual([{ action: "reserve" }]);

  // The admin's delivery log shows it delivered, with the receiver's answer.
  const row = admin.getByTestId("webhook-delivery").filter({ hasText: "notification.action_clicked" }).first();
  await expect(row).toContainText("Delivered", { timeout: 15_000 });
  await expect(row).toContainText("204");
  await shot(admin, "webhooks-log-desktop", true);
});
