/**
 * `POST /api/v1/devices` and `DELETE /api/v1/devices/{token}` (issue 17 "Push to native apps") through the
 * real route handlers and the real database: idempotent registration, the `devices` scope, strict bodies,
 * ownership, a token moving to whoever registers it, the per-user cap, and the preference center counting
 * app devices. Native pushes are captured here (the embedded mode's transport), so registration is open;
 * one test turns native push off to see the refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { createNativeCaptureTransport, disabledNativeTransport, type NativePushTransport } from "@/server/services/push/fcm";
import { MAX_NATIVE_DEVICES_PER_USER } from "@/server/services/push/native-devices";
import { MAX_DEVICES_PER_USER } from "@/server/services/push/subscriptions";
import { getPreferenceCenter } from "@/server/services/preferences/preferences";
import { POST as register } from "./devices/route";
import { DELETE as remove } from "./devices/[token]/route";
import { call, req, tokenFor, userWithToken } from "./_test/helpers";
import { signEmbedToken } from "@/server/services/embed/embed-token";

// The platform's signed user tokens (R21.2) are accepted here too; the env group is read lazily, on first use.
const EMBED_SECRET = "devices-test-embed-secret-0123456789abcdef";
process.env.HERALD_EMBED_SECRET = EMBED_SECRET;

const g = globalThis as unknown as { heraldNativePushTransport?: NativePushTransport };
beforeAll(() => {
  g.heraldNativePushTransport = createNativeCaptureTransport(db);
});
afterAll(() => {
  delete g.heraldNativePushTransport;
});

let seq = 0;
const fcmToken = () => `dev${++seq}${Date.now().toString(36)}:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx_wQ`;
const body = (token: string, over: Record<string, unknown> = {}) => ({ token, platform: "android", app_version: "2.4.1 (310)", locale: "af", ...over });
const post = (apiToken: string | null, b: unknown) => call(register, req("POST", "/api/v1/devices", { token: apiToken, body: b }));
const del = (apiToken: string, fcm: string) => call(remove, req("DELETE", `/api/v1/devices/${encodeURIComponent(fcm)}`, { token: apiToken }), { token: fcm });

describe("POST /api/v1/devices", () => {
  it("registers a device (201) and the same token again refreshes it (200): one row, never the token in the answer", async () => {
    const { user, token } = await userWithToken();
    const fcm = fcmToken();
    const first = await post(token, body(fcm));
    expect(first.status).toBe(201);
    const row = await db.nativeDevice.findUniqueOrThrow({ where: { token: fcm } });
    expect(first.body).toEqual({
      message: "Device registered",
      created: true,
      device: { id: row.id, platform: "android", app_version: "2.4.1 (310)", locale: "af", created_at: row.createdAt.toISOString(), last_seen_at: row.lastSeenAt.toISOString() },
    });
    expect(JSON.stringify(first.body)).not.toContain(fcm);
    expect(row).toMatchObject({ userId: user.id, platform: "android", appVersion: "2.4.1 (310)", locale: "af", disabledAt: null });

    const again = await post(token, body(fcm, { app_version: "2.5.0", locale: undefined }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ message: "Device updated", created: false, device: { id: row.id, app_version: "2.5.0", locale: null, created_at: row.createdAt.toISOString() } });
    expect(new Date(again.body.device.last_seen_at).getTime()).toBeGreaterThanOrEqual(row.lastSeenAt.getTime());
    expect(await db.nativeDevice.count({ where: { token: fcm } })).toBe(1);
    expect(await db.nativeDevice.count({ where: { userId: user.id } })).toBe(1);

    // A device FCM disabled comes back when the app registers its token again.
    await db.nativeDevice.update({ where: { id: row.id }, data: { disabledAt: new Date(), disabledReason: "fcm: UNREGISTERED" } });
    expect((await post(token, body(fcm))).status).toBe(200);
    expect(await db.nativeDevice.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ disabledAt: null, disabledReason: null });
  });

  it("needs the devices scope (403) and a token (401); writes nothing then", async () => {
    const { user } = await userWithToken();
    const readOnly = await tokenFor(user.id, ["notifications:read"]);
    const fcm = fcmToken();
    const denied = await post(readOnly, body(fcm));
    expect([denied.status, denied.body.error.code, denied.body.error.details]).toEqual([403, "PERMISSION_DENIED", { required_scope: "devices" }]);
    expect(denied.headers.get("www-authenticate")).toContain('scope="devices"');
    expect((await post(null, body(fcm))).status).toBe(401);
    expect(await db.nativeDevice.count({ where: { token: fcm } })).toBe(0);
    const onlyDevices = await tokenFor(user.id, ["devices"]);
    expect((await post(onlyDevices, body(fcm))).status).toBe(201);
    expect((await del(readOnly, fcm)).status).toBe(403);
    expect(await db.nativeDevice.count({ where: { token: fcm } })).toBe(1);
  });

  it("refuses unknown fields and bad values with 400 naming the field, writing nothing", async () => {
    const { user, token } = await userWithToken();
    const fcm = fcmToken();
    const cases: [unknown, string][] = [
      [{ ...body(fcm), user_id: user.id }, "user_id"],
      [body(fcm, { platform: "windows" }), "platform"],
      [body(fcm, { locale: "fr" }), "locale"],
      [body(fcm, { app_version: "" }), "app_version"],
      [body(fcm, { app_version: "<script>" }), "app_version"],
      [body("short"), "token"],
      [body("has space in it but is long enough"), "token"],
      [body("x".repeat(4097)), "token"],
      [{ platform: "ios", app_version: "1" }, "token"],
      [body(fcm, { token: 12345678901234567 }), "token"],
    ];
    for (const [b, field] of cases) {
      const r = await post(token, b);
      expect([r.status, r.body.error.code], JSON.stringify(b).slice(0, 80)).toEqual([400, "VALIDATION_ERROR"]);
      expect(Object.keys(r.body.error.details)).toContain(field);
    }
    const nul = await call(register, req("POST", "/api/v1/devices", { token, rawBody: JSON.stringify(body(`${fcm}\u0000`)) }));
    expect(nul.status).toBe(400);
    expect(await db.nativeDevice.count({ where: { userId: user.id } })).toBe(0);
  });

  it("moves a token to whoever registers it last (201 for them); the first user can no longer remove it", async () => {
    const a = await userWithToken();
    const b = await userWithToken();
    const fcm = fcmToken();
    expect((await post(a.token, body(fcm))).status).toBe(201);
    const moved = await post(b.token, body(fcm, { platform: "ios" }));
    expect([moved.status, moved.body.created, moved.body.device.platform]).toEqual([201, true, "ios"]);
    expect(await db.nativeDevice.findUniqueOrThrow({ where: { token: fcm } })).toMatchObject({ userId: b.user.id, platform: "ios" });
    expect(await db.nativeDevice.count({ where: { userId: a.user.id } })).toBe(0);
    const notMine = await del(a.token, fcm);
    expect([notMine.status, notMine.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(await db.nativeDevice.count({ where: { token: fcm } })).toBe(1);
  });

  it(`keeps at most ${MAX_NATIVE_DEVICES_PER_USER} devices per user: disabled ones go first, then the one seen longest ago`, async () => {
    expect(MAX_NATIVE_DEVICES_PER_USER).toBe(MAX_DEVICES_PER_USER);
    const { user, token } = await userWithToken();
    const tokens = Array.from({ length: MAX_NATIVE_DEVICES_PER_USER }, () => fcmToken());
    for (const t of tokens) expect((await post(token, body(t))).status).toBe(201);
    // The second one FCM disabled; the first one was seen longest ago.
    await db.nativeDevice.update({ where: { token: tokens[1]! }, data: { disabledAt: new Date(), disabledReason: "fcm: UNREGISTERED" } });
    await db.nativeDevice.update({ where: { token: tokens[0]! }, data: { lastSeenAt: new Date(Date.now() - 86_400_000) } });
    const extra = [fcmToken(), fcmToken()];
    for (const t of extra) expect((await post(token, body(t))).status).toBe(201);
    const left = (await db.nativeDevice.findMany({ where: { userId: user.id }, select: { token: true } })).map((d) => d.token);
    expect(left).toHaveLength(MAX_NATIVE_DEVICES_PER_USER);
    expect(left).not.toContain(tokens[1]);
    expect(left).not.toContain(tokens[0]);
    expect(left).toEqual(expect.arrayContaining([...tokens.slice(2), ...extra]));
  });

  it("answers 404 and writes nothing when this server cannot push to apps (no FCM, nothing captured)", async () => {
    const { token } = await userWithToken();
    const fcm = fcmToken();
    g.heraldNativePushTransport = disabledNativeTransport;
    try {
      const r = await post(token, body(fcm));
      expect([r.status, r.body.error.code]).toEqual([404, "NOT_FOUND"]);
      expect(r.body.error.message).toMatch(/FCM is not configured/);
      expect(await db.nativeDevice.count({ where: { token: fcm } })).toBe(0);
    } finally {
      g.heraldNativePushTransport = createNativeCaptureTransport(db);
    }
  });
});

describe("DELETE /api/v1/devices/{token}", () => {
  it("removes the caller's device once (then 404); someone else's is a 404 and stays; a malformed token is a 400", async () => {
    const a = await userWithToken();
    const b = await userWithToken();
    const mine = fcmToken();
    const theirs = fcmToken();
    await post(a.token, body(mine));
    await post(b.token, body(theirs));
    const other = await del(a.token, theirs);
    expect([other.status, other.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(await db.nativeDevice.count({ where: { token: theirs, userId: b.user.id } })).toBe(1);
    const ok = await del(a.token, mine);
    expect([ok.status, ok.body]).toEqual([200, { message: "Device removed" }]);
    expect(await db.nativeDevice.count({ where: { token: mine } })).toBe(0);
    expect((await del(a.token, mine)).status).toBe(404);
    const bad = await del(a.token, "not/a token");
    expect([bad.status, Object.keys(bad.body.error.details)]).toEqual([400, ["token"]]);
  });
});

describe("the preference center", () => {
  it("counts an app's device as a push device: no 'No device yet' note while one is registered", async () => {
    const { user, token } = await userWithToken();
    const push = async () => (await getPreferenceCenter(user.id)).channels.find((c) => c.channel === "PUSH");
    expect(await push()).toMatchObject({ noteCode: "no_device" });
    const fcm = fcmToken();
    await post(token, body(fcm));
    expect(await push()).toMatchObject({ noteCode: null, note: null });
    await db.nativeDevice.update({ where: { token: fcm }, data: { disabledAt: new Date(), disabledReason: "fcm: UNREGISTERED" } });
    expect(await push()).toMatchObject({ noteCode: "no_device" });
    await post(token, body(fcm));
    await del(token, fcm);
    expect(await push()).toMatchObject({ noteCode: "no_device" });
  });
});

describe("the platform's user token", () => {
  it("registers and removes the person's device with a user token the platform signed; a forged or expired one is 401 and writes nothing", async () => {
    const { user } = await userWithToken();
    const userToken = signEmbedToken(user.id, EMBED_SECRET, 600);
    const fcm = fcmToken();
    expect((await post(userToken, body(fcm))).status).toBe(201);
    expect((await db.nativeDevice.findUniqueOrThrow({ where: { token: fcm } })).userId).toBe(user.id);

    const forged = signEmbedToken(user.id, "another-secret-that-is-long-enough-0123456789", 600);
    const expired = signEmbedToken(user.id, EMBED_SECRET, 600, Date.now() - 3_600_000);
    const other = fcmToken();
    for (const bad of [forged, expired]) expect((await post(bad, body(other))).status).toBe(401);
    expect(await db.nativeDevice.count({ where: { token: other } })).toBe(0);

    expect((await del(userToken, fcm)).status).toBe(200);
    expect(await db.nativeDevice.count({ where: { token: fcm } })).toBe(0);
  });
});
