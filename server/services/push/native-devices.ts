import "server-only";
/**
 * Native app devices (issue 17 "Push to native apps"): an app registers the FCM registration token of the
 * device it runs on (`POST /api/v1/devices`), unregisters it (`DELETE /api/v1/devices/{token}`), and every
 * push a notification earns goes to the user's active devices through FCM (./fcm.ts) beside their browsers
 * (./subscriptions.ts `sendPushToUsers`). Ownership is in every query: another user's token answers NOT_FOUND.
 * Rules: docs/requirements.md R10 (native apps).
 */
import { z } from "zod";
import { LOCALES, type Locale } from "@/lib/i18n";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError, notFound } from "../errors";
import { unseenCountSql } from "../notifications/list-notifications";
import { NATIVE_PLATFORMS, type NativePlatform, type NativePushTransport } from "./fcm";
import type { PushSendResult } from "./transport";
import { nativePushAvailable, nativePushTransport } from ".";
import type { PushToUser } from "./subscriptions";

/**
 * Devices one user may have: web push's MAX_DEVICES_PER_USER (./subscriptions.ts; not imported, which would
 * make the two modules load each other); registering another drops the one seen longest ago.
 */
export const MAX_NATIVE_DEVICES_PER_USER = 20;

/**
 * An FCM registration token as the Firebase SDKs hand it out: URL-safe characters (letters, digits, `_`, `-`,
 * `:` and `.`), 16 to 4096 of them. FCM documents no fixed length, so only the alphabet and a bound are checked;
 * FCM itself says when a token is not (or no longer) valid, and the device is then disabled.
 */
export const fcmToken = () =>
  z
    .string()
    .min(16, "Must be an FCM registration token")
    .max(4096, "Must be an FCM registration token")
    .regex(/^[A-Za-z0-9_:.-]+$/, "Must be an FCM registration token");

/** `POST /api/v1/devices` body (unknown fields refused). */
export const nativeDeviceInput = z
  .object({
    /** The FCM registration token the app got from the Firebase SDK. */
    token: fcmToken(),
    platform: z.enum(NATIVE_PLATFORMS, "Must be android or ios"),
    /** The app's version as it names it, e.g. "2.4.1 (310)". */
    app_version: z
      .string()
      .min(1, "Give the app's version")
      .max(40, "At most 40 characters")
      .regex(/^[0-9A-Za-z][0-9A-Za-z .+_()-]*$/, "Letters, digits, spaces and . + _ ( ) - only"),
    /** The app's language; texts are sent in the language the user chose in Herald (already in each notification). */
    locale: z.enum(LOCALES, `Must be one of ${LOCALES.join(", ")}`).optional(),
  })
  .strict();
export type NativeDeviceInput = z.input<typeof nativeDeviceInput>;

/** A registered device as the API answers it (never the token). Times ISO 8601 UTC. */
export interface NativeDeviceView {
  id: string;
  platform: NativePlatform;
  app_version: string;
  locale: Locale | null;
  created_at: string;
  last_seen_at: string;
}

/**
 * Registers (or refreshes) the caller's device: an upsert by token in one transaction. The same token again
 * updates the platform, version and language, stamps `last_seen_at`, enables a disabled row, and moves it to
 * `userId` when another user had it (the device follows whoever signed in on it last; `created_at` starts
 * again then). Beyond {@link MAX_NATIVE_DEVICES_PER_USER} devices of the user, disabled ones go first, then
 * the ones seen longest ago.
 * @returns the device, and `created`: true when it is new to this user (a new row, or moved from another user)
 * @throws AppError VALIDATION_ERROR for input {@link nativeDeviceInput} refuses (nothing written)
 * @throws AppError NOT_FOUND when native push is not available here (no FCM service account and no capture)
 * Source: docs/requirements.md R10 (native app devices, the per-user limit).
 */
export async function registerNativeDevice(userId: string, input: NativeDeviceInput): Promise<{ device: NativeDeviceView; created: boolean }> {
  const parsed = nativeDeviceInput.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid device", z.flattenError(parsed.error).fieldErrors);
  if (!nativePushAvailable()) throw new AppError("NOT_FOUND", "Push to native apps is not available on this server (FCM is not configured)");
  const { token, platform, app_version: appVersion, locale } = parsed.data;
  return db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ user_id: string }[]>`SELECT user_id FROM native_devices WHERE token = ${token} FOR UPDATE`;
    const [row] = await tx.$queryRaw<{ id: string; platform: NativePlatform; app_version: string; locale: Locale | null; created_at: Date; last_seen_at: Date }[]>`
      INSERT INTO native_devices (user_id, token, platform, app_version, locale)
      VALUES (${userId}::uuid, ${token}, ${platform}, ${appVersion}, ${locale ?? null})
      ON CONFLICT (token) DO UPDATE SET
        created_at = CASE WHEN native_devices.user_id = EXCLUDED.user_id THEN native_devices.created_at ELSE now() END,
        user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, app_version = EXCLUDED.app_version, locale = EXCLUDED.locale,
        last_seen_at = now(), disabled_at = NULL, disabled_reason = NULL
      RETURNING id, platform, app_version, locale, created_at, last_seen_at`;
    await tx.$executeRaw`
      DELETE FROM native_devices WHERE id IN (
        SELECT id FROM native_devices
        WHERE user_id = ${userId}::uuid AND id <> ${row!.id}::uuid
        ORDER BY (disabled_at IS NULL) DESC, last_seen_at DESC, id DESC
        OFFSET ${MAX_NATIVE_DEVICES_PER_USER - 1}
      )`;
    return {
      created: before?.user_id !== userId,
      device: {
        id: row!.id,
        platform: row!.platform,
        app_version: row!.app_version,
        locale: row!.locale,
        created_at: row!.created_at.toISOString(),
        last_seen_at: row!.last_seen_at.toISOString(),
      },
    };
  });
}

/**
 * Unregisters one of the caller's devices (the app signed out, or push was turned off in it): the row is
 * deleted, so nothing is sent to that token again until it is registered again.
 * @throws AppError NOT_FOUND when the token is not registered, or is someone else's (the same answer for both)
 * Source: docs/requirements.md R10 (native app devices).
 */
export async function removeNativeDevice(userId: string, token: string): Promise<void> {
  const removed = await db.$executeRaw`DELETE FROM native_devices WHERE token = ${token} AND user_id = ${userId}::uuid`;
  if (removed === 0) throw notFound("Device");
}

/**
 * The user's app devices that still get pushes (not disabled by FCM), the one seen most recently first, for the
 * preference center's device list. Never the tokens.
 * Source: docs/requirements.md R24.
 */
export async function listNativeDevices(userId: string): Promise<NativeDeviceView[]> {
  const rows = await db.nativeDevice.findMany({
    where: { userId, disabledAt: null },
    orderBy: [{ lastSeenAt: "desc" }, { id: "desc" }],
    select: { id: true, platform: true, appVersion: true, locale: true, createdAt: true, lastSeenAt: true },
  });
  return rows.map((d) => ({
    id: d.id,
    platform: d.platform as NativePlatform,
    app_version: d.appVersion,
    locale: (LOCALES as readonly string[]).includes(d.locale ?? "") ? (d.locale as Locale) : null,
    created_at: d.createdAt.toISOString(),
    last_seen_at: d.lastSeenAt.toISOString(),
  }));
}

/**
 * Removes one of the user's app devices by its id, from the preference center (the app itself unregisters by its
 * token, {@link removeNativeDevice}): the row is deleted, so nothing is sent to it until the app registers again.
 * @throws AppError NOT_FOUND when it is missing or someone else's (the same answer for both)
 * Source: docs/requirements.md R24.
 */
export async function removeNativeDeviceById(userId: string, id: string): Promise<{ removed: true }> {
  const { count } = await db.nativeDevice.deleteMany({ where: { id, userId } });
  if (count === 0) throw notFound("Device");
  return { removed: true };
}

/** One native device's result within a push. */
export type NativeResult = { subscriptionId: string; channel: NativePlatform } & PushSendResult;

/** Devices sent to at once within one batch (the HTTPS requests in flight). */
const IN_FLIGHT = 32;

/**
 * Sends each push to every active native device of its user through `transport`, with the user's unseen
 * count as the badge, then disables, set-based, the devices FCM reported dead (`disabled_reason`
 * "fcm: UNREGISTERED" and so on) so no later send tries them. Two queries load the batch's devices with
 * their badges (no query per user). Each device gets the idempotency key `<opts.idempotencyKey>:<device id>`;
 * `opts.subscriptionIds`, when given, limits the sends to those device ids.
 * @param transport default: the deployment's {@link nativePushTransport}, resolved only when a device exists
 * @returns per push, in the order given, its devices' results (empty when the user has no active device)
 * Source: docs/requirements.md R10 (the FCM message and its errors), https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode.
 */
export async function sendNativeToUsers(pushes: readonly PushToUser[], transport?: NativePushTransport): Promise<NativeResult[][]> {
  const out = pushes.map((): NativeResult[] => []);
  if (pushes.length === 0) return out;
  const userIds = [...new Set(pushes.map((p) => p.userId))];
  const devices = await db.$queryRaw<{ id: string; user_id: string; token: string; platform: NativePlatform }[]>`
    SELECT id, user_id, token, platform FROM native_devices
    WHERE user_id = ANY(${userIds}::uuid[]) AND disabled_at IS NULL
    ORDER BY created_at, id`;
  if (devices.length === 0) return out;
  const owners = [...new Set(devices.map((d) => d.user_id))];
  const badges = await db.$queryRaw<{ user_id: string; badge: number }[]>`
    SELECT u.id AS user_id, ${unseenCountSql(Prisma.sql`u.id`)}::int AS badge FROM unnest(${owners}::uuid[]) AS u(id)`;
  const badgeOf = new Map(badges.map((b) => [b.user_id, b.badge]));
  const devicesOf = new Map<string, typeof devices>();
  for (const d of devices) devicesOf.set(d.user_id, [...(devicesOf.get(d.user_id) ?? []), d]);
  const jobs = pushes.flatMap((p, i) =>
    (devicesOf.get(p.userId) ?? []).filter((d) => !p.opts.subscriptionIds || p.opts.subscriptionIds.includes(d.id)).map((d) => ({ push: i, device: d })),
  );
  if (jobs.length === 0) return out;
  const t = transport ?? nativePushTransport();
  const results: NativeResult[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, jobs.length) }, async () => {
      while (next < jobs.length) {
        const k = next++;
        const { push, device } = jobs[k]!;
        const { payload, opts, userId } = pushes[push]!;
        const r = await t
          .send({
            device: { id: device.id, token: device.token, platform: device.platform },
            payload,
            ttlSeconds: opts.ttlSeconds,
            urgency: opts.urgency,
            badge: badgeOf.get(userId) ?? 0,
            idempotencyKey: `${opts.idempotencyKey}:${device.id}`,
            userId,
          })
          .catch((err: unknown): PushSendResult => ({ ok: false, gone: false, retryable: true, message: err instanceof Error ? err.message : String(err) }));
        results[k] = { subscriptionId: device.id, channel: device.platform, ...r };
      }
    }),
  );
  const dead = results.filter((r) => !r.ok && r.gone).map((r) => ({ id: r.subscriptionId, reason: `fcm: ${(!r.ok && (r.code ?? r.status)) || "gone"}` }));
  if (dead.length) {
    await db.$executeRaw`
      UPDATE native_devices d SET disabled_at = now(), disabled_reason = x.reason
      FROM jsonb_to_recordset(${JSON.stringify(dead)}::jsonb) AS x(id uuid, reason text)
      WHERE d.id = x.id AND d.disabled_at IS NULL`;
  }
  results.forEach((r, k) => out[jobs[k]!.push]!.push(r));
  return out;
}
