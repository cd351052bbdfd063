/**
 * Issue 7 (web push) in Chromium: the permission flow (no prompt and no service worker until the click),
 * the service worker's registration, the device list (this device, another one, removing), and the
 * service worker receiving a push — delivered through the DevTools protocol
 * (`ServiceWorker.deliverPushMessage`) with the payload Herald builds for a real notification of the
 * signed-in user (created through the HTTP API) — showing it, and a click opening its target and marking
 * it read.
 *
 * Chromium's own `pushManager.subscribe()` needs Google's push service (FCM), which these machines cannot
 * reach; headless Chromium fails it at once ("AbortError: Registration failed - permission denied", even
 * with the permission granted). So a test-only shim (page.addInitScript) replaces `PushManager.prototype
 * .subscribe/getSubscription` with a subscription whose keys come from WebCrypto (ECDH P-256, 16 random
 * bytes) and whose endpoint is on a push-service host reserved for tests (`.test`, RFC 2606: never
 * resolves, so a real send attempt fails at DNS and the capture records it); everything else — the app's
 * component, the permission prompt, the registration of /sw.js, the tRPC calls, the worker — is the real
 * code path. The sending side is tested against a push service stand-in in server/services/push/push.test.ts.
 *
 * The e2e database is shared by every spec: this one makes its own user, business and API key with
 * prisma/factory.ts (unique names: nothing to clean up). Screenshots go to e2e/screenshots/push-* (looked
 * at, not compared).
 */
import { randomBytes } from "node:crypto";
import { expect, test, type BrowserContext, type CDPSession } from "@playwright/test";
import type pg from "pg";
import { createApiKey, createBusiness } from "../prisma/factory";
import type { PrismaClient } from "../server/generated/prisma/client";
import { pushPayloadFor, type PushPayload } from "../server/services/push/payload";
import { database, factoryDb, sectionShots, signIn } from "./helpers";

const SHOTS = "e2e/screenshots";
const BASE = "http://localhost:3100";
const tag = randomBytes(4).toString("hex");
const EMAIL = `push-e2e-${tag}@herald.test`;
const SLUG = `push-e2e-bakery-${tag}`;
const BUSINESS = `Push E2E Bakery ${tag}`;
const SHIM_ENDPOINTS = "https://push.herald-e2e.test/wpush";

let db: pg.Client;
let fdb: PrismaClient;
let userId = "";
let businessId = "";
let apiKey = "";

test.beforeAll(async () => {
  db = await database();
  fdb = factoryDb();
  // The signed-in user owns the business the review is about (a unique name: nothing to clean up).
  const { owner, business } = await createBusiness(fdb, { name: BUSINESS, slug: SLUG, ownerEmail: EMAIL, ownerName: `Push Tester ${tag}` });
  userId = owner.id;
  businessId = business.id;
  apiKey = (await createApiKey(fdb, { name: "e2e push" })).key;
});

test.afterAll(async () => {
  await fdb.$disconnect();
  await db.end();
});

/**
 * Test-only stand-in for Chromium's push subscription (see the file comment), plus a counter of
 * permission requests so the test can prove none happens on page load.
 */
function installPushShim(context: BrowserContext) {
  return context.addInitScript((endpointBase: string) => {
    const w = window as unknown as { __permissionRequests: number; __subscribeOptions: unknown[] };
    w.__permissionRequests = 0;
    w.__subscribeOptions = [];
    const request = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (...args: Parameters<typeof Notification.requestPermission>) => {
      w.__permissionRequests++;
      return request(...args);
    };
    const STORE = "__heraldPushShim";
    const b64u = (buf: ArrayBuffer | Uint8Array) =>
      btoa(String.fromCharCode(...new Uint8Array(buf instanceof Uint8Array ? buf : new Uint8Array(buf)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const bytes = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
    type Stored = { endpoint: string; p256dh: string; auth: string; key: string };
    const make = (s: Stored) => ({
      endpoint: s.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: bytes(s.key).buffer },
      getKey: (name: string) => (name === "p256dh" ? bytes(s.p256dh).buffer : name === "auth" ? bytes(s.auth).buffer : null),
      toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: { p256dh: s.p256dh, auth: s.auth } }),
      unsubscribe: async () => {
        localStorage.removeItem(STORE);
        return true;
      },
    });
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      w.__subscribeOptions.push({ userVisibleOnly: options?.userVisibleOnly, key: options?.applicationServerKey ? b64u(options.applicationServerKey as Uint8Array) : null });
      if (Notification.permission !== "granted") throw new DOMException("Registration failed - permission denied", "NotAllowedError");
      const existing = localStorage.getItem(STORE);
      if (existing) return make(JSON.parse(existing) as Stored) as unknown as PushSubscription;
      const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
      const stored: Stored = {
        endpoint: `${endpointBase}/${crypto.randomUUID()}`,
        p256dh: b64u(await crypto.subtle.exportKey("raw", pair.publicKey)),
        auth: b64u(crypto.getRandomValues(new Uint8Array(16))),
        key: b64u(options!.applicationServerKey as Uint8Array),
      };
      localStorage.setItem(STORE, JSON.stringify(stored));
      return make(stored) as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      const s = localStorage.getItem(STORE);
      return s ? (make(JSON.parse(s) as Stored) as unknown as PushSubscription) : null;
    };
  }, SHIM_ENDPOINTS);
}


/** The registration id of the service worker for the app's origin, through the DevTools protocol. */
async function registrationId(cdp: CDPSession): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
      const r = e.registrations.find((x) => x.scopeURL === `${BASE}/` && !x.isDeleted);
      if (r) resolve(r.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  return found;
}

test("permission flow, device list, and a push shown by the service worker that opens its target and marks it read", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await context.grantPermissions(["notifications"], { origin: BASE });
  await installPushShim(context);
  const page = await context.newPage();
  await signIn(page, EMAIL);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Outbox", exact: true })).toBeVisible();

  // The worker script: JavaScript, revalidated on every update check (browsers also bypass the HTTP cache for it).
  const script = await page.request.get("/sw.js");
  expect(script.status()).toBe(200);
  expect(script.headers()["content-type"]).toMatch(/^application\/javascript/);
  expect(script.headers()["cache-control"]).toMatch(/max-age=0|no-cache|no-store/);

  // Page load: no permission request, no service worker.
  await page.goto("/settings/notifications");
  const section = page.getByRole("region", { name: "Devices for push notifications" });
  await expect(section.getByRole("button", { name: "Enable push on this device" })).toBeVisible();
  await expect(section.getByText("No devices get push notifications yet.")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests)).toBe(0);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  await sectionShots(page, section, "push-devices-empty");

  // The click: permission, /sw.js registered for "/", subscribed with userVisibleOnly and the server's key.
  await section.getByRole("button", { name: "Enable push on this device" }).click();
  await expect(section.getByRole("button", { name: "Turn off on this device" })).toBeVisible();
  await expect(section.getByRole("status")).toHaveText("Push is on for this device.");
  // Permission was granted up front (context.grantPermissions), so the app does not ask again; the blocked
  // test below sees the request happen on the click.
  const reg = await page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration("/");
    return r ? { scope: r.scope, script: r.active?.scriptURL ?? r.installing?.scriptURL ?? r.waiting?.scriptURL } : null;
  });
  expect(reg).toEqual({ scope: `${BASE}/`, script: `${BASE}/sw.js` });
  const opts = await page.evaluate(() => (window as unknown as { __subscribeOptions: { userVisibleOnly: boolean; key: string }[] }).__subscribeOptions);
  const rows = await db.query<{ id: string; endpoint: string; p256dh: string; auth: string; label: string }>(
    `SELECT id, endpoint, p256dh, auth, label FROM push_subscriptions WHERE user_id = $1 AND deactivated_at IS NULL`,
    [userId],
  );
  expect(rows.rows).toHaveLength(1);
  const mine = rows.rows[0]!;
  expect(mine.endpoint.startsWith(`${SHIM_ENDPOINTS}/`)).toBe(true);
  expect(Buffer.from(mine.p256dh, "base64url")).toHaveLength(65);
  expect(Buffer.from(mine.auth, "base64url")).toHaveLength(16);
  expect(opts.at(-1)?.userVisibleOnly).toBe(true);
  expect(Buffer.from(opts.at(-1)!.key, "base64url")).toHaveLength(65);

  const list = section.getByRole("list", { name: "Devices that get push notifications" });
  const thisItem = list.getByRole("listitem").filter({ hasText: "This device" });
  await expect(thisItem).toHaveCount(1);
  await expect(thisItem).toContainText(mine.label);
  await expect(thisItem).toContainText("no notifications yet");

  // Another device of the same user shows up, without the marker, and can be removed.
  const other = await fdb.pushSubscription.create({
    data: {
      userId, endpoint: `${SHIM_ENDPOINTS}/other-${tag}`, p256dh: mine.p256dh, auth: mine.auth, label: "Firefox on Android",
      lastSuccessAt: new Date(Date.now() - 2 * 3_600_000), createdAt: new Date(Date.now() - 3 * 86_400_000),
    },
  });
  await page.reload();
  await expect(list.getByRole("listitem")).toHaveCount(2);
  const otherItem = list.getByRole("listitem").filter({ hasText: "Firefox on Android" });
  await expect(otherItem).not.toContainText("This device");
  await expect(otherItem).toContainText("last notification 2 hours ago");
  await sectionShots(page, section, "push-devices-two");
  await otherItem.getByRole("button", { name: /^Remove Firefox on Android/ }).click();
  await expect(section.getByRole("status")).toHaveText("Removed Firefox on Android. It gets no more push notifications.");
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(section.getByRole("heading", { name: "Devices for push notifications" })).toBeFocused();
  expect((await db.query(`SELECT deactivated_reason FROM push_subscriptions WHERE id = $1`, [other.id])).rows).toEqual([{ deactivated_reason: "removed" }]);

  // A real notification of this user, through the HTTP API (a host platform reports a review).
  const reviewId = `rev-${tag}`;
  const sent = await page.request.post("/api/v1/events", {
    headers: { authorization: `Bearer ${apiKey}`, "idempotency-key": reviewId },
    data: { name: "review.received", data: { review_id: reviewId, business_id: businessId, reviewer_name: "Lerato", rating: 5, comment: "Best sourdough in town" } },
  });
  expect(sent.status()).toBe(202);
  let n: { id: string; type: string; title: string; body: string; action_url: string | null; created_at: Date; read_at: Date | null } | undefined;
  await expect
    .poll(async () => {
      n = (await db.query(`SELECT id, type, title, body, action_url, created_at, read_at FROM notifications WHERE user_id = $1 AND dedupe_key = $2`, [userId, `review:${reviewId}`])).rows[0];
      return n?.id ?? null;
    })
    .not.toBeNull();
  expect(n!.read_at).toBeNull();
  const payload: PushPayload = pushPayloadFor({ id: n!.id, type: n!.type, title: n!.title, body: n!.body, actionUrl: n!.action_url, createdAt: n!.created_at });
  expect(payload.url).toBe(`/businesses/${SLUG}`);

  // Deliver it to the service worker as the push service would, and see the notification.
  const cdp = await context.newCDPSession(page);
  const registration = await registrationId(cdp);
  // Listen first (awaited), so the worker's message cannot arrive before the listener.
  await page.evaluate(() => {
    const w = window as unknown as { __pushMessages: unknown[] };
    w.__pushMessages = [];
    navigator.serviceWorker.addEventListener("message", (e: MessageEvent<{ type?: string }>) => {
      if (e.data?.type === "herald:push") w.__pushMessages.push(e.data);
    });
  });
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: BASE, registrationId: registration, data: JSON.stringify(payload) });
  await expect.poll(() => page.evaluate(() => (window as unknown as { __pushMessages: unknown[] }).__pushMessages)).toEqual([{ type: "herald:push", notificationId: n!.id, tag: n!.id }]);
  const shown = await page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((x) => ({ title: x.title, body: x.body, tag: x.tag, data: x.data as unknown, icon: x.icon.slice(0, 22), badge: x.badge.slice(0, 22) })),
  );
  expect(shown).toEqual([
    { title: payload.title, body: payload.body, tag: n!.id, data: { url: payload.url, notificationId: n!.id }, icon: "data:image/png;base64,", badge: "data:image/png;base64," },
  ]);

  // A malformed push still shows something harmless (browsers require a visible notification) and no foreign link.
  // The notification above is closed first (its data is kept in `shown`), so only the new one can answer.
  await page.evaluate(async () => {
    for (const x of await (await navigator.serviceWorker.ready).getNotifications()) x.close();
  });
  await expect.poll(() => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length)).toBe(0);
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: BASE, registrationId: registration, data: JSON.stringify({ v: 1, title: "Odd", url: "https://evil.example/" }) });
  await expect
    .poll(async () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((x) => [x.title, (x.data as { url: string }).url])))
    .toContainEqual(["Odd", "/notifications"]);

  // The click: the worker opens /n/<id> (its own rule, evaluated in the worker), which marks it read and lands on the target.
  const worker = context.serviceWorkers().find((w) => w.url() === `${BASE}/sw.js`) ?? (await context.waitForEvent("serviceworker"));
  const click = await worker.evaluate((data) => (self as unknown as { heraldClickTarget: (d: unknown) => { open: string; target: string } }).heraldClickTarget(data), shown[0]!.data);
  expect(click).toMatchObject({ open: `/n/${n!.id}`, target: `/businesses/${SLUG}` });
  await page.goto(click.open);
  await expect(page).toHaveURL(`${BASE}/businesses/${SLUG}`);
  await expect(page.getByRole("heading", { name: BUSINESS })).toBeVisible();
  expect((await db.query(`SELECT read_at FROM notifications WHERE id = $1`, [n!.id])).rows[0]!.read_at).not.toBeNull();
  await page.goto("/notifications");
  const item = page.getByTestId("inbox-item").filter({ hasText: payload.title });
  await expect(item.getByRole("button", { name: "Mark unread" })).toBeVisible();
  await expect(item).not.toContainText("Unread:");
  await cdp.detach();

  // /dev/pushes lists what was captured for this user (a captured row as the capture transport writes it).
  await fdb.capturedPush.create({
    data: { userId, endpoint: mine.endpoint, payload: { ...payload }, ttl: 43200, urgency: "normal", idempotencyKey: `push:${n!.id}:e2e-${tag}` },
  });
  await page.goto("/dev/pushes");
  await expect(page.getByRole("heading", { name: "Captured pushes" })).toBeVisible();
  const captured = page.getByTestId("pushes-list").getByRole("listitem").filter({ hasText: payload.title });
  await expect(captured).toContainText(payload.body);
  await expect(captured).toContainText(`/businesses/${SLUG}`);
  await expect(captured).toContainText("normal");
  await expect(captured).toContainText("12 h");
  await page.screenshot({ path: `${SHOTS}/push-dev-pushes-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.screenshot({ path: `${SHOTS}/push-dev-pushes-375.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 1000 });

  // Turning push off here: the server forgets the device and the browser's subscription ends.
  await page.goto("/settings/notifications");
  await section.getByRole("button", { name: "Turn off on this device" }).click();
  await expect(section.getByText("No devices get push notifications yet.")).toBeVisible();
  await expect(section.getByRole("button", { name: "Enable push on this device" })).toBeVisible();
  expect(await page.evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription()) === null)).toBe(true);
  expect((await db.query(`SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1 AND deactivated_at IS NULL`, [userId])).rows[0]).toEqual({ n: 0 });
  await context.close();
});

test("a blocked permission: nothing is subscribed and the page says how to allow notifications", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await installPushShim(context); // no permission granted: headless Chromium answers the prompt with "denied"
  const page = await context.newPage();
  await signIn(page, EMAIL);
  await page.goto("/settings/notifications");
  const section = page.getByRole("region", { name: "Devices for push notifications" });
  const requests = () => page.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests);
  await expect(section.getByRole("button", { name: "Enable push on this device" })).toBeVisible();
  expect(await page.evaluate(() => Notification.permission)).toBe("default");
  expect(await requests()).toBe(0); // never on page load
  await section.getByRole("button", { name: "Enable push on this device" }).click();
  await expect(section.getByText("Notifications are blocked for this site in your browser.")).toBeVisible();
  expect(await requests()).toBe(1);
  await expect(section.getByText(/set Notifications to Allow, then reload this page/)).toBeVisible();
  await expect(section.getByRole("button", { name: "Enable push on this device" })).toHaveCount(0);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  expect((await db.query(`SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1 AND deactivated_at IS NULL`, [userId])).rows[0]).toEqual({ n: 0 });
  await sectionShots(page, section, "push-devices-blocked");
  await context.close();
});
