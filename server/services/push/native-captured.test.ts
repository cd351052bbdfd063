/**
 * Native app pushes in the embedded mode (issue 17): no FCM service account, PUSH_CAPTURE on, so the
 * deployment's native transport captures each push into `captured_pushes` (channel `android` / `ios`) and
 * /dev/pushes lists them beside web pushes. Also: capture and send at once when FCM is configured too
 * (FCM's answer counts; an unreachable FCM does not lose the push). Real database, the app's functions in
 * the embedded executor, a local FCM stand-in (test/fcm-stand-in.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { startFcmStandIn, unregistered, type FcmStandIn } from "@/test/fcm-stand-in";
import { createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import type * as Notify from "../delivery/notify";
import { createFcmTransport, createNativeCaptureAndSendTransport, createNativeCaptureTransport, parseServiceAccount, type NativePushTransport } from "./fcm";
import type { PushTransport } from "./transport";
import { pushOptionsFor, pushPayloadFor } from "./payload";

const g = globalThis as unknown as { heraldPushTransport?: PushTransport; heraldNativePushTransport?: NativePushTransport };
const ENV_KEYS = ["FCM_SERVICE_ACCOUNT_JSON", "FCM_SERVICE_ACCOUNT_FILE", "FCM_BASE_URL", "PUSH_CAPTURE", "VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let notify: typeof Notify;
let fcm: FcmStandIn;

beforeAll(async () => {
  // The embedded mode: pushes captured, no FCM service account (and no VAPID keys: web pushes are captured only).
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.PUSH_CAPTURE = "true";
  delete g.heraldNativePushTransport;
  delete g.heraldPushTransport;
  fcm = await startFcmStandIn();
  jobs = await startAppJobs();
  notify = await import("../delivery/notify");
});
afterAll(async () => {
  await jobs?.stop();
  await fcm?.close();
  delete g.heraldNativePushTransport;
  delete g.heraldPushTransport;
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

let seq = 0;
const fcmToken = () => `cap${++seq}${Date.now().toString(36)}:APA91bHun4MxP5egoKMwt2KZFBaFUH`;

describe("the embedded mode", () => {
  it("captures native pushes (no FCM configured) and /dev/pushes shows them as Android and iOS app pushes, to their owner and admins only", async () => {
    const { nativePushTransport, nativePushAvailable } = await import(".");
    expect(nativePushTransport().name).toBe("capture");
    expect(nativePushAvailable()).toBe(true);
    const { registerNativeDevice } = await import("./native-devices");
    const u = await createUser(db, { timezone: "UTC" });
    await db.notificationSettings.create({ data: { userId: u.id, quietHoursStart: null, quietHoursEnd: null } });
    const android = (await registerNativeDevice(u.id, { token: fcmToken(), platform: "android", app_version: "1.0.0" })).device;
    const ios = (await registerNativeDevice(u.id, { token: fcmToken(), platform: "ios", app_version: "1.0.0" })).device;
    await notify.notifyUsers([
      { userId: u.id, type: "pickup_reminder", title: "Pickup in 1 hour", body: "17:30 · order HB-7Q4K2", dedupeKey: `cap:${u.id}`, channels: ["IN_APP", "PUSH"] },
    ]);
    await jobs.executor.idle();
    const n = await db.notification.findFirstOrThrow({ where: { userId: u.id, type: "pickup_reminder" } });
    expect(await db.delivery.findFirst({ where: { userId: u.id, channel: "PUSH" } })).toMatchObject({ status: "SENT", reason: null });

    const rows = await db.capturedPush.findMany({ where: { userId: u.id }, orderBy: { channel: "asc" } });
    expect(rows.map((r) => [r.channel, r.endpoint, r.idempotencyKey, r.ttl, r.urgency])).toEqual([
      ["android", `fcm:${android.id}`, `push:${n.id}:${android.id}`, 4 * 3600, "high"],
      ["ios", `fcm:${ios.id}`, `push:${n.id}:${ios.id}`, 4 * 3600, "high"],
    ]);
    expect(rows[0]!.payload).toMatchObject({ notificationId: n.id, type: "pickup_reminder", title: "Pickup in 1 hour", body: "17:30 · order HB-7Q4K2", badge: 1 });

    const { listCapturedPushes } = await import("./captured");
    const view = await listCapturedPushes({ id: u.id, role: "CUSTOMER" });
    expect(view.map((v) => v.channel).sort()).toEqual(["android", "ios"]);
    expect(view.every((v) => v.endpointHost === "" && v.payload.badge === 1 && v.payload.title === "Pickup in 1 hour")).toBe(true);
    const stranger = await createUser(db);
    expect((await listCapturedPushes({ id: stranger.id, role: "CUSTOMER" })).some((v) => v.userId === u.id)).toBe(false);
    const admin = await createUser(db, { role: "ADMIN" });
    expect((await listCapturedPushes({ id: admin.id, role: "ADMIN" }, 200)).filter((v) => v.userId === u.id)).toHaveLength(2);

    // The delivery log's detail finds the captured pushes of the PUSH delivery (both devices).
    const { deliveryDetail } = await import("../delivery/delivery-log");
    const d = await db.delivery.findFirstOrThrow({ where: { userId: u.id, channel: "PUSH" } });
    expect((await deliveryDetail(d.id)).capturedPushes).toMatchObject({ devices: 2, title: "Pickup in 1 hour", openable: true });
  });
});

describe("capture and send (FCM configured while PUSH_CAPTURE is on)", () => {
  const message = (token: string, deviceId: string) => ({
    device: { id: deviceId, token, platform: "android" as const },
    payload: pushPayloadFor({ id: "7d6f3c5e-2b1a-4c8d-9e0f-1a2b3c4d5e6f", type: "order_status", title: "Ready", body: "Collect", createdAt: new Date() }),
    ...pushOptionsFor("normal"),
    badge: 0,
    idempotencyKey: `push:test:${deviceId}`,
  });

  it("captures and sends; FCM's UNREGISTERED still counts; an unreachable FCM leaves the capture as the delivery, with a note", async () => {
    const sa = parseServiceAccount(JSON.stringify(fcm.account), "test");
    const logs: string[] = [];
    const both = createNativeCaptureAndSendTransport(createNativeCaptureTransport(db), createFcmTransport({ serviceAccount: sa, baseUrl: fcm.origin }), (l) => logs.push(l));
    expect(both.name).toBe("capture+fcm");
    const ok = fcmToken();
    expect(await both.send(message(ok, "00000000-0000-4000-8000-00000000000a"))).toEqual({ ok: true, status: 200 });
    expect(fcm.sendsTo(ok)).toHaveLength(1);
    expect(await db.capturedPush.count({ where: { idempotencyKey: "push:test:00000000-0000-4000-8000-00000000000a" } })).toBe(1);

    const dead = fcmToken();
    fcm.respondWith(dead, unregistered());
    expect(await both.send(message(dead, "00000000-0000-4000-8000-00000000000b"))).toMatchObject({ ok: false, gone: true, code: "UNREGISTERED" });

    const offline = createNativeCaptureAndSendTransport(
      createNativeCaptureTransport(db),
      createFcmTransport({ serviceAccount: { ...sa, tokenUri: "http://127.0.0.1:1/token" }, baseUrl: "http://127.0.0.1:1" }),
      (l) => logs.push(l),
    );
    const r = await offline.send(message(fcmToken(), "00000000-0000-4000-8000-00000000000c"));
    expect(r).toMatchObject({ ok: true, status: 201 });
    expect(r.ok && r.note).toMatch(/^captured; the FCM send was not delivered \(FCM sign-in failed: network/);
    expect(logs.at(-1)).toMatch(/^\[push\] captured; the FCM send was not delivered/);
    expect(await db.capturedPush.count({ where: { idempotencyKey: "push:test:00000000-0000-4000-8000-00000000000c" } })).toBe(1);
  });
});
