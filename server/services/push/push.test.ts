/**
 * Web push (issue 7) against a local push service stand-in that checks RFC 8030/8291/8292 on its own
 * (test/push-service-stand-in.ts), and the real database: subscriptions, sending to a user's devices,
 * 404/410 deactivation, retryable failures, the capture transport, the tRPC router and the /n/<id> route.
 * Shared database: every assertion is about this file's own users and rows.
 */
import { randomBytes, randomUUID, createECDH } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import webpush from "web-push";
import { request as httpsRequest } from "node:https";

// Before anything reads env("push"): this file's VAPID identity, capture on, the stand-in on 127.0.0.1 allowed.
const VAPID = webpush.generateVAPIDKeys();
Object.assign(process.env, {
  VAPID_PUBLIC_KEY: VAPID.publicKey,
  VAPID_PRIVATE_KEY: VAPID.privateKey,
  VAPID_SUBJECT: "mailto:ops@herald.test",
  PUSH_CAPTURE: "true",
  PUSH_ALLOW_PRIVATE_ENDPOINTS: "true",
});

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" } }));
vi.mock("../../auth", () => ({ currentUser: async () => session.user, requireUser: async () => session.user }));

import { db } from "../../db";
import { createNotification, createUser } from "../../../prisma/factory";
import { startPushServiceStandIn, type PushServiceStandIn, type StandInSubscription } from "../../../test/push-service-stand-in";
import { trpcCode } from "../../../test/trpc";
import { createCallerFactory } from "../../trpc/init";
import { pushRouter } from "../../trpc/routers/push";
import { AppError } from "../errors";
import { pushOptionsFor, pushPayloadFor, isAppRelativeUrl, type PushPayload } from "./payload";
import { createCaptureAndSendTransport, createCapturePushTransport, createWebPushTransport, MAX_PLAINTEXT_BYTES, type PushTransport } from "./transport";
import { isNonPublicAddress, isNonPublicHost } from "../../http/public-network";
import { listDevices, MAX_DEVICES_PER_USER, removeDevice, savePushSubscription, sendPushToUser } from "./subscriptions";
import { deviceLabel } from "./device-label";
import { checkVapidKeys, vapidConfig } from "./vapid";
import { listCapturedPushes } from "./captured";
import { pushIsCaptured, pushTransport } from ".";
import { GET as openPush } from "../../../app/n/[id]/route";

let standIn: PushServiceStandIn;
let transport: PushTransport;
beforeAll(async () => {
  standIn = await startPushServiceStandIn();
  transport = createWebPushTransport({ vapid: { publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: "mailto:ops@herald.test" }, allowPrivateNetwork: true, ca: standIn.ca });
});
afterAll(() => standIn.close());

const CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

const payload = (over: Partial<PushPayload> = {}): PushPayload => ({
  v: 1,
  notificationId: randomUUID(),
  type: "new_listing",
  title: "New at Mario's: Lasagne",
  body: "Pick up between 17:00 and 19:00 — 50% off",
  url: "/listings/abc",
  tag: "listing-abc",
  timestamp: "2026-05-04T10:00:00.000Z",
  ...over,
});

/** A device of `userId` whose endpoint is on the stand-in. */
async function device(userId: string, ua = CHROME_UA): Promise<StandInSubscription & { deviceId: string }> {
  const s = standIn.subscribe({ applicationServerKey: VAPID.publicKey });
  const saved = await savePushSubscription(userId, { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, ua);
  return { ...s, deviceId: saved.id };
}

describe("the web-push transport against the push service stand-in", () => {
  it("sends what RFC 8030, 8291 and 8292 require, and the payload decrypts to what was sent", async () => {
    const sub = standIn.subscribe({ applicationServerKey: VAPID.publicKey });
    const p = payload();
    const opts = pushOptionsFor("urgent");
    const before = Math.floor(Date.now() / 1000);
    const r = await transport.send({ subscription: sub, payload: p, ...opts, topic: "listing-abc", idempotencyKey: `push:${p.notificationId}` });
    expect(r).toEqual({ ok: true, status: 201 });

    const [got, ...more] = standIn.receivedBy(sub.id);
    expect(more).toHaveLength(0);
    expect(got!.problems).toEqual([]);
    expect(got!.status).toBe(201);
    expect(got!.headers["content-encoding"]).toBe("aes128gcm");
    expect(got!.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    expect(got!.ttl).toBe(3600);
    expect(got!.urgency).toBe("high");
    expect(got!.topic).toBe("listing-abc");
    expect(got!.vapid!.publicKey).toBe(VAPID.publicKey);
    expect(got!.vapid!.header).toMatchObject({ alg: "ES256", typ: "JWT" });
    expect(got!.vapid!.claims).toMatchObject({ aud: standIn.origin, sub: "mailto:ops@herald.test" });
    const exp = got!.vapid!.claims.exp as number;
    expect(exp).toBeGreaterThan(before);
    expect(exp).toBeLessThanOrEqual(before + 24 * 3600 + 5);
    expect(JSON.parse(got!.plaintext!)).toEqual(p);
    expect(got!.bodyLength).toBeLessThanOrEqual(4096);
  });

  it("maps every priority to its TTL and urgency", async () => {
    expect(pushOptionsFor("urgent")).toEqual({ ttlSeconds: 3600, urgency: "high" });
    expect(pushOptionsFor("high")).toEqual({ ttlSeconds: 4 * 3600, urgency: "high" });
    expect(pushOptionsFor("normal")).toEqual({ ttlSeconds: 12 * 3600, urgency: "normal" });
    expect(pushOptionsFor("low")).toEqual({ ttlSeconds: 24 * 3600, urgency: "low" });
    for (const priority of ["low", "normal", "high"] as const) {
      const sub = standIn.subscribe();
      expect((await transport.send({ subscription: sub, payload: payload(), ...pushOptionsFor(priority), idempotencyKey: randomUUID() })).ok).toBe(true);
      const got = standIn.receivedBy(sub.id)[0]!;
      expect(got.problems).toEqual([]);
      expect({ ttlSeconds: got.ttl, urgency: got.urgency }).toEqual(pushOptionsFor(priority));
    }
  });

  it("the stand-in is not fooled: the wrong auth secret does not decrypt, another VAPID key is refused (403, permanent)", async () => {
    const sub = standIn.subscribe({ applicationServerKey: VAPID.publicKey });
    const wrongAuth = { ...sub, auth: randomBytes(16).toString("base64url") };
    const r1 = await transport.send({ subscription: wrongAuth, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() });
    expect(r1).toMatchObject({ ok: false, gone: false, retryable: false, status: 400 });
    expect(standIn.receivedBy(sub.id)[0]!.problems.join()).toMatch(/decryption/);

    const other = webpush.generateVAPIDKeys();
    const otherSender = createWebPushTransport({ vapid: { ...other, subject: "https://herald.test" }, allowPrivateNetwork: true, ca: standIn.ca });
    const r2 = await otherSender.send({ subscription: sub, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() });
    expect(r2).toMatchObject({ ok: false, gone: false, retryable: false, status: 403 });
  });

  it("the stand-in refuses a forged JWT signature, a wrong audience and a missing TTL", async () => {
    const sub = standIn.subscribe();
    const post = (headers: Record<string, string | number>, body: Buffer | null) =>
      new Promise<number>((resolve, reject) => {
        const req = httpsRequest(sub.endpoint, { method: "POST", headers, ca: standIn.ca }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body ?? undefined);
      });
    const details = (audienceOrigin?: string) => {
      const d = webpush.generateRequestDetails({ endpoint: audienceOrigin ? sub.endpoint.replace(standIn.origin, audienceOrigin) : sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload()), {
        vapidDetails: { subject: "mailto:ops@herald.test", publicKey: VAPID.publicKey, privateKey: VAPID.privateKey },
        TTL: 60,
      });
      return { headers: d.headers as Record<string, string | number>, body: d.body as Buffer };
    };
    const good = details();
    expect(await post(good.headers, good.body)).toBe(201);
    const auth = String(good.headers.Authorization);
    const forged = auth.replace(/(t=[\w-]+\.[\w-]+\.)([\w-])/, (_m, head: string, c: string) => `${head}${c === "A" ? "B" : "A"}`);
    expect(await post({ ...good.headers, Authorization: forged }, good.body)).toBe(403);
    const wrongAud = details("https://push.example.com");
    expect(await post(wrongAud.headers, wrongAud.body)).toBe(403);
    const noTtl = { ...good.headers };
    delete noTtl.TTL;
    expect(await post(noTtl, good.body)).toBe(400);
    const problems = standIn.receivedBy(sub.id).map((r) => r.problems.join(" | "));
    expect(problems[0]).toBe("");
    expect(problems[1]).toMatch(/signature does not verify/);
    expect(problems[2]).toMatch(/aud must be the endpoint's origin/);
    expect(problems[3]).toMatch(/TTL header missing/);
  });

  it("classifies 404/410 as gone, 429/500 as retryable (with Retry-After), a refused connection as retryable", async () => {
    const cases: [number, object][] = [
      [404, { ok: false, gone: true, retryable: false, status: 404 }],
      [410, { ok: false, gone: true, retryable: false, status: 410 }],
      [429, { ok: false, gone: false, retryable: true, status: 429, retryAfterMs: 30_000 }],
      [500, { ok: false, gone: false, retryable: true, status: 500 }],
      [413, { ok: false, gone: false, retryable: false, status: 413 }],
    ];
    for (const [status, expected] of cases) {
      const sub = standIn.subscribe();
      standIn.respondWith(sub.id, status, status === 429 ? { "retry-after": "30" } : undefined);
      expect(await transport.send({ subscription: sub, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() })).toMatchObject(expected);
    }
    const sub = standIn.subscribe();
    const closed = { ...sub, endpoint: "https://127.0.0.1:1/push/x" };
    const r = await transport.send({ subscription: closed, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() });
    expect(r).toMatchObject({ ok: false, gone: false, retryable: true });
    expect(r.ok ? "" : r.message).toMatch(/^network: /);
  });

  it("refuses non-public endpoints unless allowed, and payloads over the 4 KB limit, without sending", async () => {
    const strict = createWebPushTransport({ vapid: vapidConfig()!, ca: standIn.ca });
    const sub = standIn.subscribe();
    const r = await strict.send({ subscription: sub, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() });
    expect(r).toMatchObject({ ok: false, gone: false, retryable: false });
    const r2 = await strict.send({ subscription: { ...sub, endpoint: sub.endpoint.replace("127.0.0.1", "localhost") }, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() });
    expect(r2).toMatchObject({ ok: false, retryable: false });
    const big = await transport.send({ subscription: sub, payload: payload({ body: "x".repeat(MAX_PLAINTEXT_BYTES) }), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() });
    expect(big).toMatchObject({ ok: false, gone: false, retryable: false });
    expect(standIn.receivedBy(sub.id)).toHaveLength(0);

    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"]) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ["142.250.1.1", "2a00:1450:4001::200e", "::ffff:142.250.1.1", "fcm.googleapis.com"]) expect(isNonPublicAddress(a), a).toBe(false);
    expect(isNonPublicHost("[::1]")).toBe(true);
    expect(isNonPublicHost("push.localhost")).toBe(true);
    expect(isNonPublicHost("updates.push.services.mozilla.com")).toBe(false);
  });
});

describe("the capture transport", () => {
  it("records the payload, TTL and urgency once per idempotency key", async () => {
    const user = await createUser(db);
    const capture = createCapturePushTransport(db);
    const key = `push:${randomUUID()}`;
    const p = payload();
    const msg = { subscription: standIn.subscribe(), payload: p, ...pushOptionsFor("high"), idempotencyKey: key, userId: user.id };
    expect(await capture.send(msg)).toEqual({ ok: true, status: 201 });
    expect(await capture.send(msg)).toEqual({ ok: true, status: 201 });
    const rows = await db.capturedPush.findMany({ where: { idempotencyKey: key } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: user.id, endpoint: msg.subscription.endpoint, ttl: 4 * 3600, urgency: "high", payload: p });
  });

  it("capture + send: the push service's answer counts; when it cannot be reached the capture does, with a note", async () => {
    const logged: string[] = [];
    const both = createCaptureAndSendTransport(createCapturePushTransport(db), transport, (l) => logged.push(l));
    const sub = standIn.subscribe();
    const k1 = randomUUID();
    expect(await both.send({ subscription: sub, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: k1 })).toEqual({ ok: true, status: 201 });
    expect(standIn.receivedBy(sub.id)).toHaveLength(1);
    expect(await db.capturedPush.count({ where: { idempotencyKey: k1 } })).toBe(1);

    const gone = standIn.subscribe();
    standIn.respondWith(gone.id, 410);
    expect(await both.send({ subscription: gone, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: randomUUID() })).toMatchObject({ ok: false, gone: true });

    const k2 = randomUUID();
    const offline = await both.send({ subscription: { ...sub, endpoint: "https://127.0.0.1:1/push/offline" }, payload: payload(), ...pushOptionsFor("normal"), idempotencyKey: k2 });
    expect(offline).toMatchObject({ ok: true, status: 201 });
    expect(offline.ok && offline.note).toMatch(/captured; the real push was not delivered \(network: /);
    expect(logged).toHaveLength(1);
    expect(await db.capturedPush.count({ where: { idempotencyKey: k2 } })).toBe(1);
  });

  it("pushTransport() follows the env (keys + PUSH_CAPTURE: capture and send); /dev/pushes shows a non-admin only their own", async () => {
    expect(pushTransport().name).toBe("capture+web-push");
    expect(pushIsCaptured()).toBe(true);
    const [a, b, admin] = await Promise.all([createUser(db), createUser(db), createUser(db, { role: "ADMIN" })]);
    const capture = createCapturePushTransport(db);
    const pa = payload({ title: `For A ${randomUUID()}` });
    const pb = payload({ title: `For B ${randomUUID()}` });
    await capture.send({ subscription: standIn.subscribe(), payload: pa, ...pushOptionsFor("low"), idempotencyKey: randomUUID(), userId: a.id });
    await capture.send({ subscription: standIn.subscribe(), payload: pb, ...pushOptionsFor("low"), idempotencyKey: randomUUID(), userId: b.id });
    const seenByA = await listCapturedPushes({ id: a.id, role: "CUSTOMER" });
    expect(seenByA.map((x) => x.payload.title)).toEqual([pa.title]);
    expect(seenByA[0]).toMatchObject({ recipient: a.email, ttl: 86400, urgency: "low", payload: pa });
    const seenByAdmin = (await listCapturedPushes({ id: admin.id, role: "ADMIN" }, 200)).map((x) => x.payload.title);
    expect(seenByAdmin).toEqual(expect.arrayContaining([pa.title, pb.title]));
  });
});

describe("subscriptions", () => {
  it("rejects malformed subscriptions and writes nothing", async () => {
    const user = await createUser(db);
    const s = standIn.subscribe();
    const notOnCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString("base64url");
    const bad: unknown[] = [
      { endpoint: s.endpoint.replace("https:", "http:"), keys: { p256dh: s.p256dh, auth: s.auth } },
      { endpoint: "not a url", keys: { p256dh: s.p256dh, auth: s.auth } },
      { endpoint: s.endpoint.replace("https://", "https://user:pw@"), keys: { p256dh: s.p256dh, auth: s.auth } },
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh.slice(0, -4), auth: s.auth } },
      { endpoint: s.endpoint, keys: { p256dh: notOnCurve, auth: s.auth } },
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: randomBytes(15).toString("base64url") } },
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: "abc$%^&*()+/abcdefgh" } },
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth, extra: "x" } },
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth }, extra: 1 },
      { endpoint: s.endpoint },
      { endpoint: `https://push.example.com/${"x".repeat(2100)}`, keys: { p256dh: s.p256dh, auth: s.auth } },
    ];
    for (const input of bad) {
      const err = await savePushSubscription(user.id, input as never, CHROME_UA).catch((e: unknown) => e);
      expect(err, JSON.stringify(input).slice(0, 120)).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("VALIDATION_ERROR");
    }
    expect(await db.pushSubscription.count({ where: { userId: user.id } })).toBe(0);
  });

  it("saves a device with a label; the same endpoint again updates, reactivates, and moves it to the new user", async () => {
    const [a, b] = await Promise.all([createUser(db), createUser(db)]);
    const d = await device(a.id);
    expect(await listDevices(a.id)).toEqual([{ id: d.deviceId, label: "Chrome on Linux", endpoint: d.endpoint, createdAt: expect.any(String), lastSuccessAt: null }]);
    await removeDevice(a.id, d.deviceId);
    expect(await listDevices(a.id)).toEqual([]);
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const again = await savePushSubscription(b.id, { endpoint: d.endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: d.auth } }, "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0");
    expect(again.id).toBe(d.deviceId);
    expect(again.label).toBe("Firefox on Android");
    expect(await listDevices(a.id)).toEqual([]);
    expect((await listDevices(b.id)).map((x) => x.id)).toEqual([d.deviceId]);
    const row = await db.pushSubscription.findUniqueOrThrow({ where: { id: d.deviceId } });
    expect(row).toMatchObject({ userId: b.id, p256dh: ecdh.getPublicKey().toString("base64url"), deactivatedAt: null, deactivatedReason: null });
  });

  it("removeDevice: another user's device is NOT_FOUND and stays; the owner removes it once", async () => {
    const [owner, other] = await Promise.all([createUser(db), createUser(db)]);
    const d = await device(owner.id);
    for (const [uid, id] of [[other.id, d.deviceId], [owner.id, randomUUID()], [owner.id, "not-a-uuid"]] as const) {
      const err = await removeDevice(uid, id).catch((e: unknown) => e);
      expect((err as AppError).code).toBe("NOT_FOUND");
    }
    expect((await listDevices(owner.id)).map((x) => x.id)).toEqual([d.deviceId]);
    expect(await removeDevice(owner.id, d.deviceId)).toEqual({ removed: true });
    expect(await db.pushSubscription.findUniqueOrThrow({ where: { id: d.deviceId } })).toMatchObject({ deactivatedReason: "removed" });
    expect(((await removeDevice(owner.id, d.deviceId).catch((e: unknown) => e)) as AppError).code).toBe("NOT_FOUND");
  });

  it(`keeps at most ${MAX_DEVICES_PER_USER} active devices: the one unused for longest goes`, async () => {
    const user = await createUser(db);
    const first = await device(user.id);
    await db.pushSubscription.update({ where: { id: first.deviceId }, data: { createdAt: new Date(Date.now() - 86_400_000) } });
    for (let i = 1; i < MAX_DEVICES_PER_USER; i++) await device(user.id);
    expect(await listDevices(user.id)).toHaveLength(MAX_DEVICES_PER_USER);
    await device(user.id);
    const list = await listDevices(user.id);
    expect(list).toHaveLength(MAX_DEVICES_PER_USER);
    expect(list.map((d) => d.id)).not.toContain(first.deviceId);
    expect(await db.pushSubscription.findUniqueOrThrow({ where: { id: first.deviceId } })).toMatchObject({ deactivatedReason: "replaced: device limit" });
  });

  it("labels devices from their User-Agent", () => {
    expect(deviceLabel(CHROME_UA)).toBe("Chrome on Linux");
    expect(deviceLabel("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0")).toBe("Edge on Windows");
    expect(deviceLabel("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")).toBe("Safari on iPhone");
    expect(deviceLabel("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15")).toBe("Safari on macOS");
    expect(deviceLabel(null)).toBe("Unknown browser");
  });
});

describe("sendPushToUser", () => {
  it("reaches every active device; 404 and 410 deactivate that device only and later sends skip it", async () => {
    const user = await createUser(db);
    const [ok, gone410, gone404] = [await device(user.id), await device(user.id), await device(user.id)];
    standIn.respondWith(gone410.id, 410);
    standIn.respondWith(gone404.id, 404);
    const p = payload();
    const r = await sendPushToUser(user.id, p, { ...pushOptionsFor("normal"), idempotencyKey: `push:${p.notificationId}` }, transport);
    expect(r).toMatchObject({ sent: 1, gone: 2, failed: 0, retryable: false, devices: 3, retrySubscriptionIds: [] });
    expect(JSON.parse(standIn.receivedBy(ok.id)[0]!.plaintext!)).toEqual(p);

    const rows = await db.pushSubscription.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    const byId = new Map(rows.map((x) => [x.id, x]));
    expect(byId.get(ok.deviceId)).toMatchObject({ deactivatedAt: null, lastSuccessAt: expect.any(Date) });
    expect(byId.get(gone410.deviceId)).toMatchObject({ deactivatedReason: "gone: 410", deactivatedAt: expect.any(Date), lastSuccessAt: null });
    expect(byId.get(gone404.deviceId)).toMatchObject({ deactivatedReason: "gone: 404", deactivatedAt: expect.any(Date) });
    expect((await listDevices(user.id)).map((d) => d.id)).toEqual([ok.deviceId]);

    const p2 = payload();
    const r2 = await sendPushToUser(user.id, p2, { ...pushOptionsFor("low"), idempotencyKey: `push:${p2.notificationId}` }, transport);
    expect(r2).toMatchObject({ sent: 1, gone: 0, failed: 0, devices: 1 });
    expect(standIn.receivedBy(ok.id)).toHaveLength(2);
    expect(standIn.receivedBy(gone410.id)).toHaveLength(1);
    expect(standIn.receivedBy(gone404.id)).toHaveLength(1);
  });

  it("429 and 500 are retryable and deactivate nothing; retrying only those devices delivers", async () => {
    const user = await createUser(db);
    const [ok, busy, broken] = [await device(user.id), await device(user.id), await device(user.id)];
    standIn.respondWith(busy.id, 429, { "retry-after": "5" });
    standIn.respondWith(broken.id, 500);
    const p = payload();
    const r = await sendPushToUser(user.id, p, { ...pushOptionsFor("high"), idempotencyKey: `push:${p.notificationId}` }, transport);
    expect(r).toMatchObject({ sent: 1, gone: 0, failed: 2, retryable: true, devices: 3 });
    expect([...r.retrySubscriptionIds].sort()).toEqual([busy.deviceId, broken.deviceId].sort());
    expect(r.results.find((x) => x.subscriptionId === busy.deviceId)).toMatchObject({ ok: false, status: 429, retryAfterMs: 5000 });
    expect(await listDevices(user.id)).toHaveLength(3);

    standIn.respondWith(busy.id, 201);
    standIn.respondWith(broken.id, 201);
    const again = await sendPushToUser(user.id, p, { ...pushOptionsFor("high"), idempotencyKey: `push:${p.notificationId}`, subscriptionIds: r.retrySubscriptionIds }, transport);
    expect(again).toMatchObject({ sent: 2, failed: 0, devices: 2, retryable: false });
    expect(standIn.receivedBy(ok.id)).toHaveLength(1);
    expect(JSON.parse(standIn.receivedBy(busy.id).at(-1)!.plaintext!)).toEqual(p);
  });

  it("a user with no devices: nothing sent; another user's devices are never touched", async () => {
    const [lonely, other] = await Promise.all([createUser(db), createUser(db)]);
    const d = await device(other.id);
    const r = await sendPushToUser(lonely.id, payload(), { ...pushOptionsFor("normal"), idempotencyKey: randomUUID() }, transport);
    expect(r).toMatchObject({ sent: 0, gone: 0, failed: 0, devices: 0, retryable: false });
    expect(standIn.receivedBy(d.id)).toHaveLength(0);
  });

  it("with the deployment's transport (capture + send), captures one row per device", async () => {
    const user = await createUser(db);
    await device(user.id);
    await device(user.id);
    const p = payload();
    const r = await sendPushToUser(user.id, p, { ...pushOptionsFor("normal"), idempotencyKey: `push:${p.notificationId}` });
    // The stand-in's certificate is not trusted by the default transport: the real send fails at TLS, which
    // capture+send treats like an unreachable push service (the capture is the delivery).
    expect(r).toMatchObject({ sent: 2, devices: 2 });
    const rows = await db.capturedPush.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(2);
    expect(rows.every((x) => x.idempotencyKey.startsWith(`push:${p.notificationId}:`))).toBe(true);
  });
});

describe("payloads and VAPID config", () => {
  it("builds a payload from a notification: app-relative target only, clipped text, tag = id", () => {
    const base = { id: randomUUID(), type: "new_listing", title: "T", body: "B", createdAt: new Date("2026-05-04T10:00:00Z") };
    expect(pushPayloadFor({ ...base, actionUrl: "/listings/1" })).toEqual({ v: 1, notificationId: base.id, type: "new_listing", title: "T", body: "B", url: "/listings/1", tag: base.id, timestamp: "2026-05-04T10:00:00.000Z" });
    for (const bad of ["https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:alert(1)", null]) expect(pushPayloadFor({ ...base, actionUrl: bad }).url).toBe("/notifications");
    expect(pushPayloadFor({ ...base, title: "x".repeat(500), body: "y".repeat(2000) })).toMatchObject({ title: expect.stringMatching(/^x{119}…$/), body: expect.stringMatching(/^y{399}…$/) });
    expect(isAppRelativeUrl("/a?b=c#d")).toBe(true);
    // A listing's photo travels as an absolute http(s) URL; anything else is left out.
    expect(pushPayloadFor({ ...base, imageUrl: "https://cdn.herald.example/listings/a.png" }).image).toBe("https://cdn.herald.example/listings/a.png");
    for (const bad of ["javascript:alert(1)", "/uploads/x.png", "data:image/png;base64,AAAA", `https://x.example/${"a".repeat(600)}`, null]) {
      expect(pushPayloadFor({ ...base, imageUrl: bad })).not.toHaveProperty("image");
    }
  });

  it("checks the key pair", () => {
    expect(() => checkVapidKeys(VAPID.publicKey, VAPID.privateKey)).not.toThrow();
    expect(() => checkVapidKeys(VAPID.publicKey, webpush.generateVAPIDKeys().privateKey)).toThrow(/does not belong/);
    expect(() => checkVapidKeys(VAPID.publicKey.slice(2), VAPID.privateKey)).toThrow(/65 bytes/);
    expect(vapidConfig()).toEqual({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: "mailto:ops@herald.test" });
  });
});

describe("the push tRPC router", () => {
  const as = (user: { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" } | null) => createCallerFactory(pushRouter)({ user });

  it("gives the public key, saves, lists and removes the caller's own devices only", async () => {
    const [a, b] = await Promise.all([createUser(db), createUser(db)]);
    expect(await trpcCode(as(null).vapidPublicKey())).toBe("UNAUTHORIZED");
    expect(await as(a).vapidPublicKey()).toEqual({ publicKey: VAPID.publicKey });
    const s = standIn.subscribe();
    const saved = await as(a).subscribe({ subscription: { endpoint: s.endpoint, expirationTime: null, keys: { p256dh: s.p256dh, auth: s.auth } }, userAgent: CHROME_UA });
    expect(saved.label).toBe("Chrome on Linux");
    expect((await as(a).devices()).map((d) => d.id)).toEqual([saved.id]);
    expect(await as(b).devices()).toEqual([]);
    expect(await trpcCode(as(b).remove({ id: saved.id }))).toBe("NOT_FOUND");
    expect(await trpcCode(as(a).subscribe({ subscription: { endpoint: s.endpoint, keys: { p256dh: "short", auth: s.auth } } }))).toBe("BAD_REQUEST");
    expect(await trpcCode(as(a).remove({ id: saved.id }))).toBe("OK");
    expect(await as(a).devices()).toEqual([]);
  });
});

describe("the service worker's re-subscribe request (pushsubscriptionchange in public/sw.js)", () => {
  it("POST /api/trpc/push.subscribe with a superjson body saves the new subscription for the session's user", async () => {
    const { POST } = await import("../../../app/api/trpc/[trpc]/route");
    const user = await createUser(db);
    const s = standIn.subscribe();
    session.user = { id: user.id, role: "CUSTOMER" };
    // Exactly the request public/sw.js makes.
    const res = await POST(
      new Request("http://localhost/api/trpc/push.subscribe", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { subscription: { endpoint: s.endpoint, expirationTime: null, keys: { p256dh: s.p256dh, auth: s.auth } }, userAgent: CHROME_UA } }),
      }),
    );
    session.user = null;
    expect(res.status).toBe(200);
    expect((await listDevices(user.id)).map((d) => d.endpoint)).toEqual([s.endpoint]);
  });
});

describe("GET /n/<id> (a clicked push)", () => {
  const open = (id: string) => openPush(new Request(`http://localhost/n/${id}`), { params: Promise.resolve({ id }) });

  it("marks the owner's notification read and redirects (303) to its target; reveals nothing to anyone else", async () => {
    const [owner, other] = await Promise.all([createUser(db), createUser(db)]);
    const n = await createNotification(db, { userId: owner.id, actionUrl: "/businesses/marios" });
    const external = await createNotification(db, { userId: owner.id, actionUrl: "https://evil.example/" });

    session.user = null;
    let res = await open(n.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/signin?callbackUrl=${encodeURIComponent(`/n/${n.id}`)}`);

    session.user = { id: other.id, role: "CUSTOMER" };
    res = await open(n.id);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/notifications"]);
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).toBeNull();

    session.user = { id: owner.id, role: "CUSTOMER" };
    res = await open(n.id);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/businesses/marios"]);
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).toBeInstanceOf(Date);
    res = await open(n.id); // already read: same answer
    expect(res.headers.get("location")).toBe("/businesses/marios");

    res = await open(external.id);
    expect(res.headers.get("location")).toBe("/notifications");
    expect((await db.notification.findUniqueOrThrow({ where: { id: external.id } })).readAt).toBeInstanceOf(Date);

    for (const id of [randomUUID(), "nope"]) expect((await open(id)).headers.get("location")).toBe("/notifications");
    session.user = null;
  });
});
