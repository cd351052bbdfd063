/**
 * Action buttons and outbound webhooks (../notifications/actions.ts, ./webhooks.ts) against the real
 * database and a real HTTP receiver on 127.0.0.1 that checks each request with the `standardwebhooks`
 * library (the signature a host platform verifies): a click is recorded, reads the notification, and
 * reaches the registered endpoint through the app's `send-webhook` function; refusals and retries are
 * recorded in the delivery log.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { startAppJobs } from "@/test/app-jobs";
import { createBusiness, createNotification, createUser } from "@/prisma/factory";
import { db } from "@/server/db";

type Received = { headers: IncomingHttpHeaders; body: string };
const received: Received[] = [];
/** What the receiver answers next (then 200). */
const answers: number[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString("utf8")));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.statusCode = answers.shift() ?? 200;
    res.end();
  });
});
let hookUrl: string;
let jobs: Awaited<ReturnType<typeof startAppJobs>>;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/herald`;
  jobs = await startAppJobs();
});
afterAll(async () => {
  await jobs?.stop();
  receiver.close();
});
// Each test registers its own endpoints: none outlives it (they would receive the next test's events).
afterEach(async () => {
  await db.webhookEndpoint.deleteMany({});
  answers.length = 0;
});

const svc = () => import("./webhooks");
const actions = () => import("../notifications/actions");

/** A customer with a new-listing notification from a business at `address`. */
async function listingNotification(address = "12 Long Street, Cape Town") {
  const { business } = await createBusiness(db, { address });
  const user = await createUser(db);
  const n = await createNotification(db, { userId: user.id, type: "new_listing", category: "listings", businessId: business.id, actionUrl: "/listings/5c4b3a29-1807-4f6e-9d5c-4b3a29180716" });
  return { user, business, n };
}

describe("webhook endpoints", () => {
  it("refuse URLs that are not https or carry credentials, and keep the secret out of the list", async () => {
    const { createWebhookEndpoint, listWebhookEndpoints } = await svc();
    const admin = await createUser(db, { role: "ADMIN" });
    for (const url of ["http://platform.example/hook", "ftp://platform.example/hook", "https://user:pw@platform.example/hook", "not a url"]) {
      await expect(createWebhookEndpoint(admin.id, { url, events: ["notification.action_clicked"] })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    }
    const made = await createWebhookEndpoint(admin.id, { url: "https://platform.example/hooks/herald", events: ["notification.action_clicked"], description: "Platform" });
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(JSON.stringify(await listWebhookEndpoints())).not.toContain(made.secret);
    expect(await db.auditLog.count({ where: { action: "webhook.create", targetId: made.endpoint.id } })).toBe(1);
  });
});

describe("an action button", () => {
  it("is recorded, reads the notification, and reaches the endpoint signed as Standard Webhooks", async () => {
    const { createWebhookEndpoint, listWebhookDeliveries } = await svc();
    const { actOnNotification } = await actions();
    const admin = await createUser(db, { role: "ADMIN" });
    const { endpoint, secret } = await createWebhookEndpoint(admin.id, { url: hookUrl, events: ["notification.action_clicked"] });
    const { user, business, n } = await listingNotification();
    received.length = 0;

    const at = new Date();
    expect(await actOnNotification(user.id, n.id, "directions", at)).toEqual({ url: "https://www.google.com/maps/dir/?api=1&destination=12%20Long%20Street%2C%20Cape%20Town" });
    expect(await actOnNotification(user.id, n.id, "reserve", at)).toEqual({ url: "/listings/5c4b3a29-1807-4f6e-9d5c-4b3a29180716" });
    expect(await db.notificationClick.findMany({ where: { notificationId: n.id }, select: { action: true, userId: true }, orderBy: { clickedAt: "asc" } })).toEqual([
      { action: "directions", userId: user.id },
      { action: "reserve", userId: user.id },
    ]);
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).not.toBeNull();

    await jobs.executor.idle();
    const mine = received.filter((r) => r.body.includes(n.id));
    expect(mine).toHaveLength(2);
    const verified = mine.map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> });
    expect(verified.map((v) => [v.type, v.data.action])).toEqual(
      expect.arrayContaining([["notification.action_clicked", "directions"], ["notification.action_clicked", "reserve"]]),
    );
    expect(verified[0]!.data).toMatchObject({ notification_id: n.id, notification_type: "new_listing", user: { id: user.id, email: user.email }, business_id: business.id });
    // The same message id on every attempt, one per delivery; a forged body fails verification.
    expect(new Set(mine.map((r) => r.headers["webhook-id"])).size).toBe(2);
    expect(() => new Webhook(secret).verify(mine[0]!.body.replace("directions", "reserve"), mine[0]!.headers as Record<string, string>)).toThrow();
    const log = await listWebhookDeliveries({ endpointId: endpoint.id });
    expect(log.map((d) => [d.status, d.attempts, d.lastStatus])).toEqual([["SUCCEEDED", 1, 200], ["SUCCEEDED", 1, 200]]);
  });

  it("refuses someone else's notification and an action its type does not have, recording nothing", async () => {
    const { actOnNotification } = await actions();
    const { n } = await listingNotification();
    const stranger = await createUser(db);
    await expect(actOnNotification(stranger.id, n.id, "reserve")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const user = await createUser(db);
    const update = await createNotification(db, { userId: user.id, type: "business_update" });
    await expect(actOnNotification(user.id, update.id, "reserve")).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect(await db.notificationClick.count({ where: { notificationId: { in: [n.id, update.id] } } })).toBe(0);
  });
});

describe("a delivery", () => {
  async function pendingDelivery(enabled = true) {
    const { createWebhookEndpoint, enqueueWebhookEvent, setWebhookEndpointEnabled } = await svc();
    const admin = await createUser(db, { role: "ADMIN" });
    const { endpoint } = await createWebhookEndpoint(admin.id, { url: hookUrl, events: ["notification.action_clicked"] });
    const { withEvents } = await import("../outbox/outbox");
    const ids = await withEvents((tx) => enqueueWebhookEvent(tx, async () => [], "notification.action_clicked", { probe: true }));
    if (!enabled) await setWebhookEndpointEnabled(admin.id, endpoint.id, false);
    const own = await db.webhookDelivery.findFirstOrThrow({ where: { id: { in: ids }, endpointId: endpoint.id } });
    return { id: own.id, endpoint };
  }

  it("is retried after 5xx, 408 and 429, and fails for good on another 4xx", async () => {
    const { sendWebhookDelivery, WebhookRetryableError } = await svc();
    const retried = await pendingDelivery();
    answers.push(503, 429);
    await expect(sendWebhookDelivery(retried.id)).rejects.toBeInstanceOf(WebhookRetryableError);
    await expect(sendWebhookDelivery(retried.id)).rejects.toBeInstanceOf(WebhookRetryableError);
    expect(await sendWebhookDelivery(retried.id)).toBe("SUCCEEDED");
    expect(await sendWebhookDelivery(retried.id)).toBe("SUCCEEDED"); // done: no fourth request
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: retried.id } })).toMatchObject({ attempts: 3, lastStatus: 200, lastError: null });

    const refused = await pendingDelivery();
    answers.push(410);
    expect(await sendWebhookDelivery(refused.id)).toBe("FAILED");
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: refused.id } })).toMatchObject({ attempts: 1, lastStatus: 410, status: "FAILED" });
  });

  it("gives up after the last attempt, and goes nowhere once its endpoint is disabled", async () => {
    const { sendWebhookDelivery, MAX_ATTEMPTS } = await svc();
    const flaky = await pendingDelivery();
    await db.webhookDelivery.update({ where: { id: flaky.id }, data: { attempts: MAX_ATTEMPTS - 1 } });
    answers.push(500);
    expect(await sendWebhookDelivery(flaky.id)).toBe("FAILED");
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: flaky.id } })).toMatchObject({ attempts: MAX_ATTEMPTS, lastStatus: 500 });

    const before = received.length;
    const off = await pendingDelivery(false);
    expect(await sendWebhookDelivery(off.id)).toBe("FAILED");
    expect(received.length).toBe(before);
  });
});
