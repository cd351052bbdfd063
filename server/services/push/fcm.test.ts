/**
 * Push to native apps through Firebase Cloud Messaging (issue 17) against a local stand-in of FCM's HTTP v1
 * API and Google's token endpoint (test/fcm-stand-in.ts: it verifies the service account's RS256 assertion
 * and records every send exactly), the real database, and the app's functions in the embedded executor.
 * FCM is configured the way a deployment configures it (FCM_SERVICE_ACCOUNT_JSON, FCM_BASE_URL), so the
 * deployment's transport is built from the env; web pushes go to the RFC 8030 stand-in.
 * Checked: the exact message (priority, TTL, collapse key, sound, tag, badge = the unseen count, photo), one
 * sign-in for many sends, UNREGISTERED / invalid tokens disabling the device without retries, 429 (after its
 * Retry-After) and 500 retried until delivered, email when every device is dead, quiet hours, and pushes to
 * a person's browsers and apps together.
 * Shared database: every assertion is about this file's own users and rows.
 */
import { generateKeyPairSync } from "node:crypto";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { fcmError, invalidToken, startFcmStandIn, unregistered, type FcmStandIn } from "@/test/fcm-stand-in";
import { startPushServiceStandIn, type PushServiceStandIn } from "@/test/push-service-stand-in";
import { createBusiness, createNotification, createUser, follow } from "@/prisma/factory";
import { db } from "@/server/db";
import type * as Notify from "../delivery/notify";
import type * as Mobile from "../delivery/mobile-deliveries";
import { classifyFcmError, createFcmTransport, fcmMessageFor, parseServiceAccount, serviceAccountFromEnv, type NativePushTransport } from "./fcm";
import { createWebPushTransport, type PushTransport } from "./transport";
import { pushOptionsFor, pushPayloadFor } from "./payload";

const g = globalThis as unknown as { heraldPushTransport?: PushTransport; heraldNativePushTransport?: NativePushTransport };
const ENV_KEYS = ["FCM_SERVICE_ACCOUNT_JSON", "FCM_SERVICE_ACCOUNT_FILE", "FCM_BASE_URL", "FCM_ANDROID_CLICK_ACTION", "PUSH_CAPTURE"] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
const CLICK = "OPEN_HERALD_NOTIFICATION";

let fcm: FcmStandIn;
let web: PushServiceStandIn;
let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let notify: typeof Notify;
let mobile: typeof Mobile;

beforeAll(async () => {
  fcm = await startFcmStandIn({ projectId: "herald-native-test" });
  // As a deployment sets it: the service account's JSON (its token_uri is the stand-in's) and FCM's origin.
  Object.assign(process.env, { FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(fcm.account), FCM_BASE_URL: fcm.origin, FCM_ANDROID_CLICK_ACTION: CLICK, PUSH_CAPTURE: "false" });
  delete process.env.FCM_SERVICE_ACCOUNT_FILE;
  delete g.heraldNativePushTransport;
  web = await startPushServiceStandIn();
  const keys = webpush.generateVAPIDKeys();
  g.heraldPushTransport = createWebPushTransport({ vapid: { ...keys, subject: "mailto:ops@herald.test" }, allowPrivateNetwork: true, ca: web.ca });
  jobs = await startAppJobs();
  [notify, mobile] = await Promise.all([import("../delivery/notify"), import("../delivery/mobile-deliveries")]);
});
afterAll(async () => {
  await jobs?.stop();
  delete g.heraldPushTransport;
  delete g.heraldNativePushTransport;
  await fcm?.close();
  await web?.close();
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

let seq = 0;
/** A token as the Firebase SDK hands one out (unique per test). */
const fcmToken = (platform: "android" | "ios") => `${platform}${++seq}${Date.now().toString(36)}:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx`;

/** A user (quiet hours off: tests run at any hour) with native devices registered through the service. */
async function person(o: { devices?: ("android" | "ios")[]; settings?: Record<string, unknown>; web?: number } = {}) {
  const u = await createUser(db, { timezone: "UTC" });
  await db.notificationSettings.create({ data: { userId: u.id, quietHoursStart: null, quietHoursEnd: null, ...o.settings } });
  const { registerNativeDevice } = await import("./native-devices");
  const devices: { id: string; token: string; platform: "android" | "ios" }[] = [];
  for (const platform of o.devices ?? ["android"]) {
    const token = fcmToken(platform);
    const { device } = await registerNativeDevice(u.id, { token, platform, app_version: "2.4.1 (310)", locale: "zu" });
    devices.push({ id: device.id, token, platform });
  }
  const webSubs = [];
  for (let i = 0; i < (o.web ?? 0); i++) {
    const s = web.subscribe();
    webSubs.push(s);
    await db.pushSubscription.create({ data: { userId: u.id, endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, label: "Chrome on Android" } });
  }
  return { ...u, devices, webSubs };
}

const orderUpdate = (userId: string, key: string): Notify.Notice => ({
  userId,
  type: "order_status",
  title: `Order ${key} is ready`,
  body: "Collect it at the counter",
  actionUrl: "/notifications",
  dedupeKey: `fcm-order:${key}`,
});
const delivery = (userId: string, channel: "PUSH" | "EMAIL") => db.delivery.findFirst({ where: { userId, channel }, orderBy: { createdAt: "desc" } });
/** Minutes after UTC midnight `m` minutes from `at` (users here live in UTC). */
const utcMinute = (at: Date, m: number) => (((at.getUTCHours() * 60 + at.getUTCMinutes() + m) % 1440) + 1440) % 1440;

describe("the message FCM receives", () => {
  it("is exactly the v1 message: texts, data, Android (normal, 12 h, collapse key, sound, tag, badge, click action) and APNs (5, collapse id, badge); one sign-in for many sends", async () => {
    const u = await person({ devices: ["android", "ios"] });
    // Two unseen notifications already in the inbox; one seen and one read do not count on the badge.
    await createNotification(db, { userId: u.id });
    await createNotification(db, { userId: u.id });
    const seen = await createNotification(db, { userId: u.id });
    await db.notification.update({ where: { id: seen.id }, data: { seenAt: new Date() } });
    await createNotification(db, { userId: u.id, readAt: new Date() });
    const tokenRequestsBefore = fcm.tokenRequests.length;
    const before = Math.floor(Date.now() / 1000);
    await notify.notifyUsers([orderUpdate(u.id, `exact-${u.id}`)]);
    await jobs.executor.idle();
    const after = Math.ceil(Date.now() / 1000);
    const n = await db.notification.findFirstOrThrow({ where: { userId: u.id, type: "order_status" } });

    const [android, ...moreAndroid] = fcm.sendsTo(u.devices[0]!.token);
    expect(moreAndroid).toHaveLength(0);
    expect(android!.problems).toEqual([]);
    expect(android!.status).toBe(200);
    expect(android!.projectId).toBe("herald-native-test");
    expect(android!.headers["content-type"]).toMatch(/^application\/json/);
    const expiration = Number((android!.body!.message!.apns as { headers: Record<string, string> }).headers["apns-expiration"]);
    expect(expiration).toBeGreaterThanOrEqual(before + 12 * 3600);
    expect(expiration).toBeLessThanOrEqual(after + 12 * 3600);
    expect(android!.body).toEqual({
      message: {
        token: u.devices[0]!.token,
        notification: { title: `Order exact-${u.id} is ready`, body: "Collect it at the counter" },
        data: { notification_id: n.id, type: "order_status", url: "/notifications", tag: n.id, created_at: n.createdAt.toISOString(), badge: "3" },
        android: {
          priority: "normal",
          ttl: "43200s",
          collapse_key: "order_status",
          notification: { sound: "default", tag: n.id, notification_count: 3, click_action: CLICK },
        },
        apns: {
          headers: { "apns-priority": "5", "apns-push-type": "alert", "apns-collapse-id": "order_status", "apns-expiration": String(expiration) },
          payload: { aps: { sound: "default", badge: 3 } },
        },
      },
    });
    // The iOS device gets the same message for its own token (its expiration counted from its own send).
    const [ios] = fcm.sendsTo(u.devices[1]!.token);
    const comparable = (m: Record<string, unknown>) => {
      const apns = m.apns as { headers: Record<string, string> };
      return { ...m, token: "x", apns: { ...apns, headers: { ...apns.headers, "apns-expiration": "x" } } };
    };
    expect(comparable(ios!.body!.message!)).toEqual(comparable(android!.body!.message!));
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "SENT", reason: null });

    // Signed in once (RS256, iss, scope, aud = token_uri checked by the stand-in), the token reused after.
    const mine = fcm.tokenRequests.slice(tokenRequestsBefore);
    expect(mine.length).toBeLessThanOrEqual(1);
    expect(fcm.tokenRequests.every((t) => t.problems.length === 0)).toBe(true);
    expect(fcm.tokenRequests[0]!.claims).toMatchObject({ iss: fcm.account.client_email, scope: "https://www.googleapis.com/auth/firebase.messaging", aud: fcm.account.token_uri });
    expect(fcm.tokenRequests[0]!.header).toMatchObject({ alg: "RS256" });
    expect(android!.headers.authorization).toMatch(/^Bearer ya29\.stand-in\./);
    await notify.notifyUsers([orderUpdate(u.id, `again-${u.id}`)]);
    await jobs.executor.idle();
    expect(fcm.sendsTo(u.devices[0]!.token)).toHaveLength(2);
    expect(fcm.sendsTo(u.devices[0]!.token)[1]!.body!.message!.data).toMatchObject({ badge: "4" });
    expect(fcm.tokenRequests.length).toBe(1);
  });

  it("a high-priority reminder wakes the device: Android high and 4 h, APNs priority 10", async () => {
    const u = await person({ devices: ["ios"] });
    await notify.notifyUsers([
      { userId: u.id, type: "pickup_reminder", title: "Pickup in 1 hour at Green Leaf Bakery", body: "17:30 · order HB-7Q4K2", dedupeKey: `fcm-reminder:${u.id}`, channels: ["IN_APP", "PUSH"] },
    ]);
    await jobs.executor.idle();
    const [got] = fcm.sendsTo(u.devices[0]!.token);
    expect(got!.problems).toEqual([]);
    const m = got!.body!.message as { android: Record<string, unknown>; apns: { headers: Record<string, string>; payload: unknown }; notification: unknown };
    expect(m.notification).toEqual({ title: "Pickup in 1 hour at Green Leaf Bakery", body: "17:30 · order HB-7Q4K2" });
    expect(m.android).toMatchObject({ priority: "high", ttl: "14400s", collapse_key: "pickup_reminder" });
    expect(m.apns.headers).toMatchObject({ "apns-priority": "10", "apns-collapse-id": "pickup_reminder" });
    expect(m.apns.payload).toEqual({ aps: { sound: "default", badge: 1 } });
  });

  it("a new listing with a photo shows it: notification.image, and on iOS mutable-content with fcm_options.image", async () => {
    const { owner, business } = await createBusiness(db, { name: "Photo Deli" });
    const u = await person({ devices: ["ios"] });
    await follow(db, u.id, business.id);
    const { storeImage } = await import("../storage/storage");
    const stored = await storeImage("listings", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]), "png");
    const { createListing } = await import("../listings/create-listing");
    const now = Date.now();
    const listing = await createListing(owner.id, {
      title: "Rye loaves",
      priceCents: 2500,
      pickupStart: new Date(now + 3_600_000),
      pickupEnd: new Date(now + 7_200_000),
      expiresAt: new Date(now + 8 * 3_600_000),
      imageKey: stored.key,
    });
    await jobs.executor.idle();
    const [got] = fcm.sendsTo(u.devices[0]!.token);
    expect(got!.problems).toEqual([]);
    const m = got!.body!.message as { notification: Record<string, unknown>; data: Record<string, string>; apns: Record<string, unknown> };
    expect(m.notification).toEqual({ title: `New at Photo Deli: Rye loaves`, body: expect.any(String), image: stored.url });
    expect(m.data).toMatchObject({ type: "new_listing", url: `/listings/${listing.id}` });
    expect(m.apns).toMatchObject({ payload: { aps: { sound: "default", badge: 1, "mutable-content": 1 } }, fcm_options: { image: stored.url } });
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "SENT" });
  });

  it("goes to the person's browsers and apps together", async () => {
    const u = await person({ devices: ["android"], web: 1 });
    await notify.notifyUsers([orderUpdate(u.id, `both-${u.id}`)]);
    await jobs.executor.idle();
    expect(fcm.sendsTo(u.devices[0]!.token)).toHaveLength(1);
    const [browser] = web.receivedBy(u.webSubs[0]!.id);
    expect(browser!.problems).toEqual([]);
    expect(JSON.parse(browser!.plaintext!)).toMatchObject({ title: `Order both-${u.id} is ready` });
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "SENT", reason: null });
  });
});

describe("dead tokens, retries and fallback", () => {
  it("UNREGISTERED and an invalid token disable that device without a retry; the others still get it", async () => {
    const u = await person({ devices: ["android", "ios", "android"] });
    const [dead, invalid, alive] = u.devices as [(typeof u.devices)[0], (typeof u.devices)[0], (typeof u.devices)[0]];
    fcm.respondWith(dead.token, unregistered());
    fcm.respondWith(invalid.token, invalidToken());
    await notify.notifyUsers([orderUpdate(u.id, `partly-${u.id}`)]);
    await jobs.executor.idle();
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "SENT", reason: "1 of 3 devices", attempts: 1 });
    const rows = new Map((await db.nativeDevice.findMany({ where: { userId: u.id } })).map((d) => [d.id, d]));
    expect(rows.get(dead.id)).toMatchObject({ disabledReason: "fcm: UNREGISTERED", disabledAt: expect.any(Date) });
    expect(rows.get(invalid.id)).toMatchObject({ disabledReason: "fcm: INVALID_ARGUMENT", disabledAt: expect.any(Date) });
    expect(rows.get(alive.id)!.disabledAt).toBeNull();
    expect(await delivery(u.id, "EMAIL")).toBeNull();
    // The next push skips the disabled devices.
    await notify.notifyUsers([orderUpdate(u.id, `partly2-${u.id}`)]);
    await jobs.executor.idle();
    expect(fcm.sendsTo(dead.token)).toHaveLength(1);
    expect(fcm.sendsTo(invalid.token)).toHaveLength(1);
    expect(fcm.sendsTo(alive.token)).toHaveLength(2);
  });

  it("when every device is dead the push fails over to email, as web push does; afterwards the person has no push device", async () => {
    const u = await person({ devices: ["android", "ios"] });
    fcm.respondWith(u.devices[0]!.token, unregistered());
    fcm.respondWith(u.devices[1]!.token, fcmError(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH"));
    await notify.notifyUsers([orderUpdate(u.id, `dead-${u.id}`)]);
    await jobs.executor.idle();
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "FAILED", reason: "devices_gone", attempts: 1 });
    expect(await db.nativeDevice.count({ where: { userId: u.id, disabledAt: null } })).toBe(0);
    expect((await db.nativeDevice.findMany({ where: { userId: u.id } })).map((d) => d.disabledReason).sort()).toEqual(["fcm: SENDER_ID_MISMATCH", "fcm: UNREGISTERED"]);
    expect(await delivery(u.id, "EMAIL")).toMatchObject({ status: "SENT", reason: "fallback:push" });
    const mail = await db.capturedEmail.findFirstOrThrow({ where: { to: u.email } });
    expect(mail.subject).toBe(`Order dead-${u.id} is ready`);
    // No retry was scheduled: each device was tried once.
    expect(fcm.sendsTo(u.devices[0]!.token)).toHaveLength(1);
    expect(fcm.sendsTo(u.devices[1]!.token)).toHaveLength(1);
    // Only disabled devices: no push decision at all (unreachable, like deactivated browsers), nothing sent.
    const sent = fcm.sends.length;
    await notify.notifyUsers([orderUpdate(u.id, `dead2-${u.id}`)]);
    await jobs.executor.idle();
    expect(fcm.sends.length).toBe(sent);
    const n2 = await db.notification.findFirstOrThrow({ where: { userId: u.id, dedupeKey: `fcm-order:dead2-${u.id}` } });
    expect(await db.delivery.count({ where: { notificationId: n2.id, channel: "PUSH" } })).toBe(0);
    const { getPreferenceCenter } = await import("../preferences/preferences");
    expect((await getPreferenceCenter(u.id)).channels.find((c) => c.channel === "PUSH")).toMatchObject({ noteCode: "no_device" });
  });

  it("429 is retried after its Retry-After, then delivered; the device stays enabled", async () => {
    const u = await person({ devices: ["android"] });
    fcm.respondWith(u.devices[0]!.token, { ...fcmError(429, "RESOURCE_EXHAUSTED", "Quota exceeded", "QUOTA_EXCEEDED"), headers: { "retry-after": "2" } });
    const sentAt = Date.now();
    await notify.notifyUsers([orderUpdate(u.id, `quota-${u.id}`)]);
    await jobs.executor.idle(); // the first attempt; the retry is due after Retry-After
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "QUEUED", attempts: 1 });
    expect(fcm.sendsTo(u.devices[0]!.token).map((s) => s.status)).toEqual([429]);
    // The step's retry is planned Retry-After (2 s) after the failure, not the executor's backoff (5 s or more).
    const waiting = (await jobs.executor.runs()).filter((r) => r.functionId.endsWith("send-push") && r.planned.length > 0 && r.createdAt >= sentAt - 1000);
    expect(waiting).toHaveLength(1);
    const due = Math.min(...waiting[0]!.planned.map((p) => p.nextAt));
    expect(due).toBeGreaterThanOrEqual(sentAt + 1900);
    expect(due).toBeLessThanOrEqual(Date.now() + 2100);
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 50));
    await jobs.executor.idle();
    expect(fcm.sendsTo(u.devices[0]!.token).map((s) => s.status)).toEqual([429, 200]);
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "SENT", attempts: 2 });
    expect((await db.nativeDevice.findFirstOrThrow({ where: { userId: u.id } })).disabledAt).toBeNull();
  });

  it("500 is retryable: the leg throws for the step's retry, which delivers; nothing is disabled", async () => {
    const u = await person({ devices: ["ios"] });
    fcm.respondWith(u.devices[0]!.token, fcmError(500, "INTERNAL", "Internal error", "INTERNAL"), fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"));
    const r = await notify.notifyUsers([orderUpdate(u.id, `flaky-${u.id}`)]);
    const id = r.created[0]!.id;
    await jobs.executor.idle(); // the first attempt (500); the executor's own retry waits its backoff (5 s or more)
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "QUEUED", attempts: 1 });
    // The step's retries, run here one after another.
    await expect(mobile.sendPushDeliveries([id])).rejects.toMatchObject({ name: "MobileRetryableError", pending: 1, retryAfterMs: undefined });
    expect(await mobile.sendPushDeliveries([id])).toMatchObject({ SENT: 1 });
    expect(fcm.sendsTo(u.devices[0]!.token).map((s) => s.status)).toEqual([500, 503, 200]);
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "SENT", attempts: 3 });
    expect((await db.nativeDevice.findFirstOrThrow({ where: { userId: u.id } })).disabledAt).toBeNull();
    expect(fcm.sendsTo(u.devices[0]!.token)).toHaveLength(3);
  });

  it("quiet hours hold a native push until they end, like a web push", async () => {
    const at = new Date();
    const u = await person({ devices: ["android"], settings: { quietHoursStart: utcMinute(at, -60), quietHoursEnd: utcMinute(at, 60) } });
    await notify.notifyUsers([orderUpdate(u.id, `quiet-${u.id}`)], at);
    await jobs.executor.idle();
    const held = await delivery(u.id, "PUSH");
    expect(held).toMatchObject({ status: "HELD", reason: "quiet_hours" });
    expect(fcm.sendsTo(u.devices[0]!.token)).toHaveLength(0);
    await db.notificationSettings.updateMany({ where: { userId: u.id }, data: { quietHoursStart: null, quietHoursEnd: null } });
    expect((await mobile.releaseHeldMobile(new Date(held!.releaseAt!.getTime() + 1000))).PUSH).toBeGreaterThanOrEqual(1);
    await jobs.executor.idle();
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "SENT" });
    expect(fcm.sendsTo(u.devices[0]!.token)).toHaveLength(1);
  });
});

describe("the FCM transport", () => {
  const msg = (token: string) => ({
    device: { id: "00000000-0000-4000-8000-000000000001", token, platform: "android" as const },
    payload: pushPayloadFor({ id: "7d6f3c5e-2b1a-4c8d-9e0f-1a2b3c4d5e6f", type: "order_status", title: "Ready", body: "Collect", actionUrl: "/x", createdAt: new Date() }),
    ...pushOptionsFor("normal"),
    badge: 2,
    idempotencyKey: "k",
  });

  it("fetches a new access token after FCM answers 401, and the retry goes through", async () => {
    const t = createFcmTransport({ serviceAccount: parseServiceAccount(JSON.stringify(fcm.account), "test"), baseUrl: fcm.origin });
    const token = fcmToken("android");
    const before = fcm.tokenRequests.length;
    expect(await t.send(msg(token))).toEqual({ ok: true, status: 200 });
    fcm.revokeAccessTokens();
    expect(await t.send(msg(token))).toMatchObject({ ok: false, gone: false, retryable: true, status: 401 });
    expect(await t.send(msg(token))).toEqual({ ok: true, status: 200 });
    expect(fcm.tokenRequests.length - before).toBe(2);
    expect(fcm.sendsTo(token).map((s) => s.status)).toEqual([200, 401, 200]);
  });

  it("a key the token endpoint does not trust: a permanent failure naming the refusal, nothing sent, no key in the message", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const t = createFcmTransport({ serviceAccount: parseServiceAccount(JSON.stringify({ ...fcm.account, private_key: other }), "test"), baseUrl: fcm.origin });
    const token = fcmToken("ios");
    const r = await t.send(msg(token));
    expect(r).toMatchObject({ ok: false, gone: false, retryable: false, status: 400 });
    expect(r.ok ? "" : r.message).toBe("FCM sign-in refused: the token endpoint answered 400 invalid_grant");
    expect(fcm.tokenRequests.at(-1)!.problems).toContain("signature does not verify with the service account's key");
    expect(fcm.sendsTo(token)).toHaveLength(0);
  });

  it("classifies FCM's errors by their codes", () => {
    expect(classifyFcmError(404, unregistered().body)).toMatchObject({ gone: true, retryable: false, code: "UNREGISTERED" });
    expect(classifyFcmError(400, invalidToken().body)).toMatchObject({ gone: true, retryable: false, code: "INVALID_ARGUMENT" });
    expect(classifyFcmError(400, fcmError(400, "INVALID_ARGUMENT", "Invalid registration token", undefined, "message.token").body)).toMatchObject({ gone: true });
    // INVALID_ARGUMENT about something else is our bug: permanent, but the device stays.
    expect(classifyFcmError(400, fcmError(400, "INVALID_ARGUMENT", "Invalid value at 'message.data[0].value'", undefined, "message.data[0].value").body)).toMatchObject({ gone: false, retryable: false });
    expect(classifyFcmError(403, fcmError(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH").body)).toMatchObject({ gone: true, code: "SENDER_ID_MISMATCH" });
    expect(classifyFcmError(403, fcmError(403, "PERMISSION_DENIED", "Permission denied").body)).toMatchObject({ gone: false, retryable: false });
    expect(classifyFcmError(429, fcmError(429, "RESOURCE_EXHAUSTED", "Quota", "QUOTA_EXCEEDED").body, { "retry-after": "30" })).toMatchObject({ gone: false, retryable: true, retryAfterMs: 30_000, code: "QUOTA_EXCEEDED" });
    expect(classifyFcmError(503, fcmError(503, "UNAVAILABLE", "Unavailable", "UNAVAILABLE").body)).toMatchObject({ gone: false, retryable: true });
    expect(classifyFcmError(500, "<html>oops</html>")).toMatchObject({ gone: false, retryable: true, status: 500 });
    expect(classifyFcmError(401, fcmError(401, "UNAUTHENTICATED", "APNs certificate", "THIRD_PARTY_AUTH_ERROR").body)).toMatchObject({ gone: false, retryable: false });
    expect(classifyFcmError(404, fcmError(404, "NOT_FOUND", "Requested entity was not found.").body)).toMatchObject({ gone: false, retryable: false });
  });

  it("reads the service account from JSON or a file and refuses bad ones without echoing the key", async () => {
    const sa = parseServiceAccount(JSON.stringify(fcm.account), "FCM_SERVICE_ACCOUNT_JSON");
    expect(sa).toMatchObject({ projectId: "herald-native-test", clientEmail: fcm.account.client_email, tokenUri: fcm.account.token_uri });
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const dir = mkdtempSync(`${process.env.TMPDIR ?? "/tmp"}/herald-fcm-`);
    writeFileSync(`${dir}/sa.json`, JSON.stringify(fcm.account));
    expect(serviceAccountFromEnv({ FCM_SERVICE_ACCOUNT_FILE: `${dir}/sa.json` })).toEqual(sa);
    expect(serviceAccountFromEnv({})).toBeNull();
    expect(() => serviceAccountFromEnv({ FCM_SERVICE_ACCOUNT_FILE: `${dir}/missing.json` })).toThrow(/FCM_SERVICE_ACCOUNT_FILE: cannot read .*ENOENT/);
    const refusals: [unknown, RegExp][] = [
      ["{not json", /not JSON/],
      [{ ...fcm.account, type: "authorized_user" }, /type must be "service_account"/],
      [{ ...fcm.account, token_uri: "http://evil.example/token" }, /token_uri must be an https URL/],
      [{ ...fcm.account, private_key: "nope" }, /private_key must be a PEM private key/],
      [{ ...fcm.account, client_email: undefined }, /client_email/],
    ];
    for (const [value, pattern] of refusals) {
      let message = "";
      try {
        parseServiceAccount(typeof value === "string" ? value : JSON.stringify(value), "FCM_SERVICE_ACCOUNT_JSON");
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(pattern);
      expect(message).toMatch(/^FCM_SERVICE_ACCOUNT_JSON: /);
      expect(message).not.toContain("PRIVATE KEY");
    }
    expect(() => createFcmTransport({ serviceAccount: sa, baseUrl: "http://fcm.example.com" })).toThrow(/FCM_BASE_URL must be an https URL/);
  });

  it("builds the same message for a payload without a click action or photo, every data value a string", () => {
    const m = fcmMessageFor(msg("tok"), { now: new Date("2026-05-04T10:00:00Z") });
    expect(m.android.notification).toEqual({ sound: "default", tag: "7d6f3c5e-2b1a-4c8d-9e0f-1a2b3c4d5e6f", notification_count: 2 });
    expect(m.apns.headers["apns-expiration"]).toBe(String(Date.parse("2026-05-04T10:00:00Z") / 1000 + 12 * 3600));
    expect(Object.values(m.data).every((v) => typeof v === "string")).toBe(true);
    expect("fcm_options" in m.apns).toBe(false);
  });
});
