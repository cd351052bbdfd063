/**
 * Issue 17 (push to native apps) against the e2e server in its embedded mode (no FCM service account,
 * PUSH_CAPTURE on): a person makes an API token with the `devices` scope in settings, their app registers an
 * Android and an iOS device with it (`POST /api/v1/devices`), a host platform's order update reaches both
 * devices — captured, since FCM is not configured — and /dev/pushes shows them as "Android app" and "iOS app"
 * pushes with the badge; removing a device works once. The FCM sender itself is tested against an FCM
 * stand-in in server/services/push/fcm.test.ts.
 *
 * The e2e database is shared by every spec: this one makes its own users, business and API key with
 * prisma/factory.ts (unique names: nothing to clean up). Screenshots: e2e/screenshots/native-push-* (looked
 * at, not compared).
 */
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import type pg from "pg";
import { createApiKey, createBusiness, createNotificationSettings, createUser } from "../prisma/factory";
import { database, factoryDb, sectionShots, shot, signIn } from "./helpers";

const tag = randomBytes(4).toString("hex");
const EMAIL = `native-push-${tag}@herald.test`;
const OWNER = `native-push-owner-${tag}@herald.test`;
const ANDROID = `e2eAndroid${tag}:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx`;
const IOS = `e2eIos${tag}:APA91bGhKmP0q7sZyLw3r8bNf-xUe2Tq9VvC`;

let db: pg.Client;
let userId = "";
let ownerId = "";
let businessId = "";
let apiKey = "";

test.beforeAll(async () => {
  db = await database();
  const fdb = factoryDb();
  userId = (await createUser(fdb, { email: EMAIL, name: `Native Tester ${tag}`, timezone: "UTC" })).id;
  // Quiet hours off: the spec may run at any hour.
  await createNotificationSettings(fdb, userId, { quietHoursEnabled: false });
  const { owner, business } = await createBusiness(fdb, { name: `Native Deli ${tag}`, slug: `native-deli-${tag}`, ownerEmail: OWNER, ownerName: `Native Owner ${tag}` });
  ownerId = owner.id;
  businessId = business.id;
  apiKey = (await createApiKey(fdb, { name: "e2e native push" })).key;
  await fdb.$disconnect();
});

test.afterAll(async () => {
  await db.end();
});

test("an app registers its devices with a devices-scoped token; a notification reaches both, shown at /dev/pushes", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, EMAIL);

  // The token: the devices scope is offered, with its description.
  await page.goto("/settings/tokens");
  await page.getByLabel("Name").fill("Herald for Android");
  const scope = page.getByRole("checkbox", { name: /devices/ });
  await expect(page.getByText("Register and remove your app's devices for push notifications")).toBeVisible();
  await scope.check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("Your new token").inputValue();
  expect(token).toMatch(/^hrld_pat_/);
  const auth = { authorization: `Bearer ${token}` };

  // The app registers the phone and the tablet; the same token again is a refresh.
  const android = await page.request.post("/api/v1/devices", { headers: auth, data: { token: ANDROID, platform: "android", app_version: "2.4.1 (310)", locale: "en" } });
  expect(android.status()).toBe(201);
  expect(await android.json()).toMatchObject({ created: true, device: { platform: "android", app_version: "2.4.1 (310)" } });
  expect((await page.request.post("/api/v1/devices", { headers: auth, data: { token: IOS, platform: "ios", app_version: "2.4.1" } })).status()).toBe(201);
  expect((await page.request.post("/api/v1/devices", { headers: auth, data: { token: IOS, platform: "ios", app_version: "2.4.2" } })).status()).toBe(200);
  // Unknown fields are refused.
  expect((await page.request.post("/api/v1/devices", { headers: auth, data: { token: IOS, platform: "ios", app_version: "1", user_id: ownerId } })).status()).toBe(400);

  // The host platform says the order is ready: an order update, pushed to both devices.
  const sent = await page.request.post("/api/v1/events", {
    headers: { authorization: `Bearer ${apiKey}`, "idempotency-key": `native-push-${tag}` },
    data: { name: "order.status_changed", data: { order_id: `ord-${tag}`, business_id: businessId, customer_id: userId, status: "ready" } },
  });
  expect(sent.status()).toBe(202);
  await expect(async () => {
    const rows = await db.query<{ channel: string }>(`SELECT channel FROM captured_pushes WHERE user_id = $1 ORDER BY channel`, [userId]);
    expect(rows.rows.map((r) => r.channel)).toEqual(["android", "ios"]);
  }).toPass({ timeout: 20_000 });

  await page.goto("/dev/pushes");
  await expect(page.getByRole("heading", { name: "Captured pushes" })).toBeVisible();
  const list = page.getByTestId("pushes-list");
  const androidItem = list.getByRole("listitem").filter({ has: page.getByTestId("push-channel").filter({ hasText: "Android app" }) });
  const iosItem = list.getByRole("listitem").filter({ has: page.getByTestId("push-channel").filter({ hasText: "iOS app" }) });
  await expect(androidItem).toHaveCount(1);
  await expect(iosItem).toHaveCount(1);
  await expect(androidItem).toContainText("Badge1");
  await expect(androidItem).not.toContainText("Push service");
  const title = (await db.query<{ title: string }>(`SELECT title FROM notifications WHERE user_id = $1 AND type = 'order_status'`, [userId])).rows[0]!.title;
  await expect(androidItem).toContainText(title);
  await shot(page, "native-push-dev-pushes-desktop", true);
  await sectionShots(page, list, "native-push-list");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, "native-push-dev-pushes-375", true);

  // The app signs out: its device is removed, once.
  const removed = await page.request.delete(`/api/v1/devices/${encodeURIComponent(ANDROID)}`, { headers: auth });
  expect([removed.status(), await removed.json()]).toEqual([200, { message: "Device removed" }]);
  expect((await page.request.delete(`/api/v1/devices/${encodeURIComponent(ANDROID)}`, { headers: auth })).status()).toBe(404);
  expect((await db.query(`SELECT count(*)::int AS n FROM native_devices WHERE user_id = $1`, [userId])).rows[0]).toEqual({ n: 1 });
  await context.close();
});
