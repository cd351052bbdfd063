/**
 * The push and SMS legs of the pipeline (issue 7) against the real database and the app's functions in the
 * embedded executor: pushes go through the real web-push transport to a local push service stand-in (RFC
 * 8030/8291/8292, test/push-service-stand-in.ts); texts are captured, or refused by a local Twilio stub.
 * Checked: which notifications get a push or text (catalog channels, preferences, master toggles, quiet
 * hours, the per-role daily caps of R8.4, critical override, STOP), the payload a browser
 * decrypts, 404/410 deactivation, and fallback to email when a channel fails for good.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

/** Twilio's auth token, set before the app reads its env: status callbacks are signed with it. */
const TOKEN = vi.hoisted(() => (process.env.TWILIO_AUTH_TOKEN = "status-callback-test-token-0123456789"));
import { startAppJobs } from "@/test/app-jobs";
import { startPushServiceStandIn, type PushServiceStandIn } from "@/test/push-service-stand-in";
import { createBusiness, createUser, follow } from "@/prisma/factory";
import { db } from "@/server/db";
import { createWebPushTransport, type PushTransport } from "@/server/services/push/transport";
import { createTwilioTransport, type SmsTransport } from "@/server/services/sms/transport";
import { formParams, twilioSignature } from "@/server/services/sms/twilio-signature";
import { POST as twilioStatusCallback } from "@/app/api/webhooks/twilio/status/route";
import type * as Notify from "./notify";
import type * as Mobile from "./mobile-deliveries";
import { notificationDeliveries, REASON_TEXT } from "./delivery-log";

const g = globalThis as unknown as { heraldPushTransport?: PushTransport; heraldSmsTransport?: SmsTransport };
let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let standIn: PushServiceStandIn;
let notify: typeof Notify;
let mobile: typeof Mobile;
let twilio: Server;
let twilioAnswer: { status: number; body: Record<string, unknown> } = { status: 201, body: { sid: "SM1" } };
const twilioRequests: URLSearchParams[] = [];

beforeAll(async () => {
  standIn = await startPushServiceStandIn();
  const keys = webpush.generateVAPIDKeys();
  g.heraldPushTransport = createWebPushTransport({
    vapid: { publicKey: keys.publicKey, privateKey: keys.privateKey, subject: "mailto:ops@herald.test" },
    allowPrivateNetwork: true,
    ca: standIn.ca,
  });
  twilio = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      twilioRequests.push(new URLSearchParams(body));
      res.writeHead(twilioAnswer.status, { "content-type": "application/json" }).end(JSON.stringify(twilioAnswer.body));
    });
  });
  await new Promise<void>((r) => twilio.listen(0, "127.0.0.1", r));
  jobs = await startAppJobs();
  [notify, mobile] = await Promise.all([import("./notify"), import("./mobile-deliveries")]);
});
afterAll(async () => {
  await jobs?.stop();
  delete g.heraldPushTransport;
  delete g.heraldSmsTransport;
  await standIn?.close();
  await new Promise<void>((r) => (twilio ? twilio.close(() => r()) : r()));
});

/** A user with quiet hours off (tests run at any time of day) and `devices` push subscriptions at the stand-in. */
async function person(o: { role?: "CUSTOMER" | "NGO"; devices?: number; phone?: string; settings?: Record<string, unknown> } = {}) {
  const u = await createUser(db, { role: o.role ?? "CUSTOMER", timezone: "UTC" });
  await db.notificationSettings.create({ data: { userId: u.id, quietHoursStart: null, quietHoursEnd: null, smsEnabled: true, ...o.settings } });
  const subs = [];
  for (let i = 0; i < (o.devices ?? 0); i++) {
    const s = standIn.subscribe();
    subs.push(s);
    await db.pushSubscription.create({ data: { userId: u.id, endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, label: `Test device ${i + 1}` } });
  }
  if (o.phone) await db.user.update({ where: { id: u.id }, data: { phone: o.phone, phoneVerifiedAt: new Date() } });
  return { ...u, phone: o.phone ?? null, subs };
}

/** Minutes after UTC midnight `m` minutes from `at`'s minute (users here live in UTC), wrapped to 0–1439. */
const utcMinute = (at: Date, m: number) => (((at.getUTCHours() * 60 + at.getUTCMinutes() + m) % 1440) + 1440) % 1440;
/** Quiet-hours settings that hold at `at`: from `minutes` before it to `minutes` after it (UTC). */
const quietAround = (at: Date, minutes: number) => ({ quietHoursStart: utcMinute(at, -minutes), quietHoursEnd: utcMinute(at, minutes) });

const delivery = (userId: string, channel: "PUSH" | "SMS" | "EMAIL", type?: string) =>
  db.delivery.findFirst({ where: { userId, channel, ...(type ? { notification: { type } } : {}) }, orderBy: { createdAt: "desc" } });
/**
 * Someone a channel cannot reach gets no decision row; the notification's delivery details say why.
 * @returns the outcome the details show for `channel` of the user's latest notification (of `type`)
 */
async function unreachable(userId: string, channel: "PUSH" | "SMS", type?: string) {
  const n = await db.notification.findFirstOrThrow({ where: { userId, ...(type ? { type } : {}) }, orderBy: { createdAt: "desc" } });
  expect(await db.delivery.count({ where: { notificationId: n.id, channel } })).toBe(0);
  return (await notificationDeliveries(userId, n.id)).find((o) => o.channel === channel);
}
const orderUpdate = (userId: string, key: string): Notify.Notice => ({
  userId,
  type: "order_status",
  title: `Order ${key} is ready`,
  body: "Collect it at the counter",
  actionUrl: "/notifications",
  dedupeKey: `test-order:${key}`,
});
const phone = () => `+2782${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

describe("web push", () => {
  it("a new listing reaches the follower's browser encrypted, and only where preferences allow", async () => {
    const { owner, business } = await createBusiness(db);
    const withDevice = await person({ devices: 1 });
    const noDevice = await person();
    const prefOff = await person({ devices: 1 });
    await db.notificationPreference.create({ data: { userId: prefOff.id, category: "listings", channel: "PUSH", enabled: false } });
    for (const u of [withDevice, noDevice, prefOff]) await follow(db, u.id, business.id);
    const { createListing } = await import("../listings/create-listing");
    const now = Date.now();
    const listing = await createListing(owner.id, {
      title: "Sourdough loaves",
      priceCents: 2500,
      pickupStart: new Date(now + 3_600_000),
      pickupEnd: new Date(now + 7_200_000),
      expiresAt: new Date(now + 8 * 3_600_000),
    });
    await jobs.executor.idle();

    const [got] = standIn.receivedBy(withDevice.subs[0]!.id);
    expect(got!.problems).toEqual([]);
    expect(got!.status).toBe(201);
    expect(got!.urgency).toBe("normal");
    expect(got!.ttl).toBe(12 * 3600);
    const payload = JSON.parse(got!.plaintext!) as Record<string, unknown>;
    const n = await db.notification.findFirstOrThrow({ where: { userId: withDevice.id, type: "new_listing" } });
    expect(payload).toMatchObject({ v: 1, notificationId: n.id, type: "new_listing", title: `New at ${business.name}: Sourdough loaves`, url: `/listings/${listing.id}` });
    expect(await delivery(withDevice.id, "PUSH")).toMatchObject({ status: "SENT" });
    expect(await unreachable(noDevice.id, "PUSH")).toMatchObject({ status: "skipped", reason: REASON_TEXT.no_device });
    expect(await delivery(prefOff.id, "PUSH")).toMatchObject({ status: "SKIPPED", reason: "preference" });
    expect(standIn.receivedBy(prefOff.subs[0]!.id)).toHaveLength(0);
  });

  it("quiet hours hold a push until they end; one read meanwhile is not pushed", async () => {
    const at = new Date();
    const quiet = quietAround(at, 60);
    const a = await person({ devices: 1, settings: quiet });
    const b = await person({ devices: 1, settings: quiet });
    await notify.notifyUsers([orderUpdate(a.id, `qa-${a.id}`), orderUpdate(b.id, `qb-${b.id}`)], at);
    await jobs.executor.idle();
    const held = await delivery(a.id, "PUSH");
    expect(held).toMatchObject({ status: "HELD", reason: "quiet_hours" });
    expect(held!.releaseAt!.getTime()).toBeGreaterThan(at.getTime() + 59 * 60_000);
    expect(standIn.receivedBy(a.subs[0]!.id)).toHaveLength(0);

    await db.notification.updateMany({ where: { userId: b.id }, data: { readAt: new Date() } });
    await db.notificationSettings.updateMany({ where: { userId: { in: [a.id, b.id] } }, data: { quietHoursStart: null, quietHoursEnd: null } });
    expect(await mobile.releaseHeldMobile(new Date(held!.releaseAt!.getTime() + 1000))).toMatchObject({ PUSH: expect.any(Number) });
    await jobs.executor.idle();
    expect(await delivery(a.id, "PUSH")).toMatchObject({ status: "SENT" });
    expect(standIn.receivedBy(a.subs[0]!.id)).toHaveLength(1);
    expect(await delivery(b.id, "PUSH")).toMatchObject({ status: "SKIPPED", reason: "read" });
    expect(standIn.receivedBy(b.subs[0]!.id)).toHaveLength(0);
  });

  it("a change of quiet hours decides what they held again at once: switched off, sent; a longer window, held to its end", async () => {
    const at = new Date();
    const quiet = quietAround(at, 60);
    const a = await person({ devices: 1, settings: quiet });
    const b = await person({ devices: 1, settings: quiet });
    await notify.notifyUsers([orderUpdate(a.id, `qc-${a.id}`), orderUpdate(b.id, `qc-${b.id}`)], at);
    await jobs.executor.idle();
    expect(await delivery(a.id, "PUSH")).toMatchObject({ status: "HELD", reason: "quiet_hours" });
    expect(await delivery(b.id, "PUSH")).toMatchObject({ status: "HELD", reason: "quiet_hours" });

    const { updatePreferences } = await import("../preferences/preferences");
    await updatePreferences(a.id, { quietHours: { enabled: false, start: quiet.quietHoursStart, end: quiet.quietHoursEnd } });
    await updatePreferences(b.id, { quietHours: { enabled: true, start: quiet.quietHoursStart, end: utcMinute(at, 120) } });
    await jobs.executor.idle(); // no sweep is called: the change itself requested the release
    expect(await delivery(a.id, "PUSH")).toMatchObject({ status: "SENT" });
    expect(standIn.receivedBy(a.subs[0]!.id)).toHaveLength(1);
    const held = await delivery(b.id, "PUSH");
    expect(held).toMatchObject({ status: "HELD", reason: "quiet_hours" });
    expect(held!.releaseAt!.getTime()).toBeGreaterThan(at.getTime() + 119 * 60_000);
    expect(standIn.receivedBy(b.subs[0]!.id)).toHaveLength(0);
  });

  it("stops at the daily cap of R8.4 (5 for a customer, 10 for an NGO)", async () => {
    for (const [role, cap] of [["CUSTOMER", 5], ["NGO", 10]] as const) {
      const u = await person({ role, devices: 1 });
      for (let i = 0; i <= cap; i++) {
        await notify.notifyUsers([orderUpdate(u.id, `cap-${u.id}-${i}`)]);
        await jobs.executor.idle();
      }
      const rows = await db.delivery.findMany({ where: { userId: u.id, channel: "PUSH" } });
      expect(rows.filter((r) => r.status === "SENT")).toHaveLength(cap);
      expect(rows.filter((r) => r.reason === "frequency_cap")).toHaveLength(1);
      expect(standIn.receivedBy(u.subs[0]!.id)).toHaveLength(cap);
    }
  });

  it("counts a burst decided at once against the cap too: seven updates, five pushes", async () => {
    const u = await person({ devices: 1 });
    await notify.notifyUsers(Array.from({ length: 7 }, (_, i) => orderUpdate(u.id, `burst-${u.id}-${i}`)));
    await jobs.executor.idle();
    const rows = await db.delivery.findMany({ where: { userId: u.id, channel: "PUSH" } });
    expect(rows.filter((r) => r.status === "SENT")).toHaveLength(5);
    expect(rows.filter((r) => r.reason === "frequency_cap")).toHaveLength(2);
    expect(standIn.receivedBy(u.subs[0]!.id)).toHaveLength(5);
  });

  it("deactivates devices the push service reports gone (404/410) and falls back to email when none is left", async () => {
    const partly = await person({ devices: 2 });
    standIn.respondWith(partly.subs[0]!.id, 410);
    await notify.notifyUsers([orderUpdate(partly.id, `gone-${partly.id}`)]);
    await jobs.executor.idle();
    expect(await delivery(partly.id, "PUSH")).toMatchObject({ status: "SENT" });
    const subs = await db.pushSubscription.findMany({ where: { userId: partly.id }, orderBy: { createdAt: "asc" } });
    expect(subs.find((s) => s.endpoint === partly.subs[0]!.endpoint)).toMatchObject({ deactivatedReason: "gone: 410" });
    expect(subs.find((s) => s.endpoint === partly.subs[1]!.endpoint)!.deactivatedAt).toBeNull();
    expect(await delivery(partly.id, "EMAIL")).toBeNull();

    const gone = await person({ devices: 2 });
    standIn.respondWith(gone.subs[0]!.id, 404);
    standIn.respondWith(gone.subs[1]!.id, 410);
    await notify.notifyUsers([orderUpdate(gone.id, `allgone-${gone.id}`)]);
    await jobs.executor.idle();
    expect(await delivery(gone.id, "PUSH")).toMatchObject({ status: "FAILED", reason: "devices_gone" });
    expect(await db.pushSubscription.count({ where: { userId: gone.id, deactivatedAt: null } })).toBe(0);
    expect(await delivery(gone.id, "EMAIL")).toMatchObject({ status: "SENT", reason: "fallback:push" });
    const mail = await db.capturedEmail.findFirstOrThrow({ where: { to: gone.email } });
    expect(mail.subject).toBe(`Order allgone-${gone.id} is ready`);
    expect(mail.html).toContain("Collect it at the counter");
    // The next notification does not try the deactivated devices.
    const before = standIn.received.length;
    await notify.notifyUsers([orderUpdate(gone.id, `after-${gone.id}`)]);
    await jobs.executor.idle();
    expect(standIn.received.length).toBe(before);
    expect(await unreachable(gone.id, "PUSH", "order_status")).toMatchObject({ status: "skipped", reason: REASON_TEXT.no_device });
  });

  it("retries 429/500 without deactivating, then gives up to email after the last attempt", async () => {
    const u = await person({ devices: 1 });
    standIn.respondWith(u.subs[0]!.id, 500);
    await notify.notifyUsers([orderUpdate(u.id, `flaky-${u.id}`)]);
    await jobs.executor.idle(); // the first attempt; the executor retries later with backoff
    const n = await db.notification.findFirstOrThrow({ where: { userId: u.id, type: "order_status" } });
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "QUEUED", attempts: 1 });
    // The step's retries, run here one after another.
    let thrown = 0;
    for (let i = 1; i < mobile.MOBILE_MAX_ATTEMPTS; i++) {
      await mobile.sendPushDeliveries([n.id]).catch((e: unknown) => {
        expect(e).toBeInstanceOf(mobile.MobileRetryableError);
        thrown++;
      });
    }
    expect(thrown).toBe(mobile.MOBILE_MAX_ATTEMPTS - 2); // the last attempt gives up instead of throwing
    expect(standIn.receivedBy(u.subs[0]!.id).length).toBe(mobile.MOBILE_MAX_ATTEMPTS);
    expect(await delivery(u.id, "PUSH")).toMatchObject({ status: "FAILED", attempts: mobile.MOBILE_MAX_ATTEMPTS });
    expect((await db.pushSubscription.findFirstOrThrow({ where: { userId: u.id } })).deactivatedAt).toBeNull();
    await jobs.executor.idle();
    expect(await delivery(u.id, "EMAIL")).toMatchObject({ status: "SENT" });
  });
});

describe("SMS", () => {
  /** A pickup reminder an hour ahead (critical) and a booking cancellation (not critical), as notices. */
  const reminder = (userId: string, key: string): Notify.Notice => ({
    userId,
    type: "pickup_reminder",
    title: "Pickup in 1 hour at Green Leaf Bakery",
    body: "17:30 · order HB-7Q4K2",
    dedupeKey: `test-reminder:${key}`,
    channels: ["IN_APP", "PUSH", "SMS"],
    sms: {
      businessName: "Green Leaf Bakery",
      orderNumber: "HB-7Q4K2",
      pickupTime: new Date(Date.now() + 3_600_000).toISOString(),
      pickupLocation: "12 Long Street, Cape Town",
      items: [{ name: "Assorted muffins", quantity: 4 }],
      orderUrl: "/notifications",
    },
  });

  it("texts a critical reminder to a verified number through quiet hours and preferences, never after STOP", async () => {
    const at = new Date();
    const quiet = { ...quietAround(at, 30), smsEnabled: false };
    const reached = await person({ phone: phone(), devices: 1, settings: quiet });
    await db.notificationPreference.create({ data: { userId: reached.id, category: "pickups", channel: "PUSH", enabled: false } });
    const stopped = await person({ phone: phone() });
    await db.user.update({ where: { id: stopped.id }, data: { smsOptedOutAt: new Date() } });
    const unverified = await person();
    await notify.notifyUsers([reminder(reached.id, reached.id), reminder(stopped.id, stopped.id), reminder(unverified.id, unverified.id)], at);
    await jobs.executor.idle();

    expect(await delivery(reached.id, "SMS")).toMatchObject({ status: "SENT", reason: null });
    expect(await delivery(reached.id, "PUSH")).toMatchObject({ status: "SENT" });
    expect(JSON.parse(standIn.receivedBy(reached.subs[0]!.id)[0]!.plaintext!)).toMatchObject({ title: "Pickup in 1 hour at Green Leaf Bakery" });
    expect(standIn.receivedBy(reached.subs[0]!.id)[0]!.urgency).toBe("high");
    const text = await db.capturedSms.findFirstOrThrow({ where: { to: reached.phone! } });
    expect(text.body).toMatch(/^Herald: /);
    expect(text.body).toContain("HB-7Q4K2");
    expect(text.body).not.toContain("STOP"); // critical: no opt-out line
    expect(text.segments).toBe(1);
    expect(await delivery(stopped.id, "SMS")).toMatchObject({ status: "SKIPPED", reason: "opted_out" });
    expect(await unreachable(unverified.id, "SMS")).toMatchObject({ status: "skipped", reason: REASON_TEXT.no_phone });
    // The 24-hour reminder style (email only) sends no text: the notice narrows its channels.
    await notify.notifyUsers([{ ...reminder(reached.id, `email-${reached.id}`), channels: ["IN_APP", "EMAIL"], sms: undefined }], at);
    expect(await db.delivery.count({ where: { userId: reached.id, channel: "SMS" } })).toBe(1);
  });

  it("non-critical texts follow the SMS toggle, quiet hours and the daily cap (2 for a customer)", async () => {
    const cancelled = (userId: string, key: string): Notify.Notice => ({
      userId,
      type: "booking_cancelled",
      title: "Booking cancelled",
      body: "The oven broke down",
      dedupeKey: `test-cancel:${key}`,
    });
    const capped = await person({ phone: phone() });
    const toggleOff = await person({ phone: phone(), settings: { smsEnabled: false } });
    const now = new Date();
    const sleeping = await person({ phone: phone(), settings: quietAround(now, 30) });
    await notify.notifyUsers([cancelled(sleeping.id, sleeping.id)], now);
    expect(await delivery(sleeping.id, "SMS")).toMatchObject({ status: "HELD", reason: "quiet_hours" });
    expect((await delivery(sleeping.id, "SMS"))!.releaseAt!.getTime()).toBeGreaterThan(now.getTime());
    for (let i = 0; i < 3; i++) {
      await notify.notifyUsers([cancelled(capped.id, `${capped.id}-${i}`), cancelled(toggleOff.id, `${toggleOff.id}-${i}`)]);
      await jobs.executor.idle();
    }
    const rows = await db.delivery.findMany({ where: { userId: capped.id, channel: "SMS" } });
    expect(rows.filter((r) => r.status === "SENT")).toHaveLength(2);
    expect(rows.filter((r) => r.reason === "frequency_cap")).toHaveLength(1);
    expect(await db.capturedSms.count({ where: { to: capped.phone! } })).toBe(2);
    expect((await db.capturedSms.findFirstOrThrow({ where: { to: capped.phone! } })).body).toContain("Reply STOP to opt out");
    expect(await db.delivery.count({ where: { userId: toggleOff.id, channel: "SMS", reason: "channel_off" } })).toBe(3);
  });

  it("a number the carrier refuses for good fails over to the reminder email (Twilio 21211)", async () => {
    g.heraldSmsTransport = createTwilioTransport({
      accountSid: "AC00000000000000000000000000000000",
      authToken: "test-token",
      from: "+15005550006",
      baseUrl: `http://127.0.0.1:${(twilio.address() as AddressInfo).port}`,
    });
    twilioAnswer = { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } };
    try {
      const u = await person({ phone: phone() });
      await notify.notifyUsers([reminder(u.id, `bad-${u.id}`)]);
      await jobs.executor.idle();
      expect(twilioRequests.at(-1)!.get("To")).toBe(u.phone);
      expect(await delivery(u.id, "SMS")).toMatchObject({ status: "FAILED" });
      expect((await delivery(u.id, "SMS"))!.reason).toContain("not a valid phone number");
      expect(await delivery(u.id, "EMAIL")).toMatchObject({ status: "SENT" });
      const mail = await db.capturedEmail.findFirstOrThrow({ where: { to: u.email } });
      expect(mail.html).toContain("HB-7Q4K2"); // the pickup reminder template, from the SMS props
    } finally {
      delete g.heraldSmsTransport;
      twilioAnswer = { status: 201, body: { sid: "SM1" } };
    }
  });
  it("Twilio status callbacks: delivered marks the text DELIVERED; undelivered fails it over to email; repeats, late or forged callbacks change nothing", async () => {
    g.heraldSmsTransport = createTwilioTransport({
      accountSid: "AC00000000000000000000000000000000",
      authToken: TOKEN,
      from: "+15005550006",
      baseUrl: `http://127.0.0.1:${(twilio.address() as AddressInfo).port}`,
    });
    const callback = (url: string, fields: Record<string, string>, token = TOKEN) => {
      const body = new URLSearchParams({ AccountSid: `AC${"0".repeat(32)}`, ApiVersion: "2010-04-01", ...fields });
      return twilioStatusCallback(
        new Request(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(token, url, formParams(body)) },
          body: body.toString(),
        }),
      );
    };
    const sendTo = async () => {
      const sid = `SM${randomBytes(16).toString("hex")}`;
      twilioAnswer = { status: 201, body: { sid } };
      const u = await person({ phone: phone() });
      await notify.notifyUsers([reminder(u.id, `status-${u.id}`)]);
      await jobs.executor.idle();
      expect(await delivery(u.id, "SMS")).toMatchObject({ status: "SENT", providerMessageId: sid });
      return { u, sid };
    };
    try {
      // Every text asks Twilio for status callbacks at the app's route.
      const delivered = await sendTo();
      const url = twilioRequests.at(-1)!.get("StatusCallback")!;
      expect(url).toMatch(/^https?:\/\/[^/]+\/api\/webhooks\/twilio\/status$/);

      // "sent" is not an outcome; "delivered" is, once.
      expect((await callback(url, { MessageSid: delivered.sid, MessageStatus: "sent", To: delivered.u.phone! })).status).toBe(200);
      expect(await delivery(delivered.u.id, "SMS")).toMatchObject({ status: "SENT" });
      const res = await callback(url, { MessageSid: delivered.sid, MessageStatus: "delivered", To: delivered.u.phone! });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      expect(await delivery(delivered.u.id, "SMS")).toMatchObject({ status: "DELIVERED" });
      // A forged "undelivered" is refused and a genuine late one cannot undo the delivery.
      const forged = await callback(url, { MessageSid: delivered.sid, MessageStatus: "undelivered", ErrorCode: "30006" }, "not-the-auth-token-0123456789");
      expect(forged.status).toBe(401);
      expect((await callback(url, { MessageSid: delivered.sid, MessageStatus: "undelivered", ErrorCode: "30006" })).status).toBe(200);
      expect(await delivery(delivered.u.id, "SMS")).toMatchObject({ status: "DELIVERED" });
      expect(await delivery(delivered.u.id, "EMAIL", "pickup_reminder")).toBeNull();

      // Undelivered (a landline): FAILED with the carrier's reason, and the reminder goes by email instead.
      const landline = await sendTo();
      const out = await callback(url, { MessageSid: landline.sid, MessageStatus: "undelivered", ErrorCode: "30006", To: landline.u.phone! });
      expect(out.status).toBe(200);
      await jobs.executor.idle();
      const sms = await delivery(landline.u.id, "SMS");
      expect(sms).toMatchObject({ status: "FAILED" });
      expect(sms!.reason).toContain("(30006)");
      const email = await delivery(landline.u.id, "EMAIL");
      expect(email).toMatchObject({ status: "SENT", reason: "fallback:sms" });
      // The delivery log says why this went by email, on the sent step and on the SMS's failed step.
      const { deliveryDetail } = await import("./delivery-log");
      const sentStep = (await deliveryDetail(email!.id)).timeline.find((t) => t.kind === "sent");
      expect(sentStep?.reasonText).toBe("sent by email because the text could not be delivered");
      const failedStep = (await deliveryDetail(sms!.id)).timeline.find((t) => t.kind === "failed");
      expect(failedStep?.reasonText).toContain("30006");
      expect((await db.capturedEmail.findFirstOrThrow({ where: { to: landline.u.email } })).html).toContain("HB-7Q4K2");
      // The same callback again is a duplicate: still one email.
      expect(await (await callback(url, { MessageSid: landline.sid, MessageStatus: "undelivered", ErrorCode: "30006", To: landline.u.phone! })).json()).toEqual({ ok: true, duplicate: true });
      await jobs.executor.idle();
      expect(await db.capturedEmail.count({ where: { to: landline.u.email } })).toBe(1);

      // A callback that overtakes the send step (sid not recorded yet) is not lost: its retry applies.
      const early = await sendTo();
      const sms2 = (await delivery(early.u.id, "SMS"))!;
      await db.delivery.update({ where: { id: sms2.id }, data: { providerMessageId: null } });
      const first = await callback(url, { MessageSid: early.sid, MessageStatus: "delivered", To: early.u.phone! });
      expect(await first.json()).toEqual({ ok: true, ignored: "unknown message" });
      await db.delivery.update({ where: { id: sms2.id }, data: { providerMessageId: early.sid } });
      expect(await (await callback(url, { MessageSid: early.sid, MessageStatus: "delivered", To: early.u.phone! })).json()).toEqual({ ok: true });
      expect(await delivery(early.u.id, "SMS")).toMatchObject({ status: "DELIVERED" });

      // A status without a message sid is refused.
      expect((await callback(url, { MessageStatus: "delivered" })).status).toBe(400);
    } finally {
      delete g.heraldSmsTransport;
      twilioAnswer = { status: 201, body: { sid: "SM1" } };
    }
  });
});
