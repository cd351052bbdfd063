import "server-only";
/**
 * Browser push subscriptions per device (issue 7): save (subscribe / re-subscribe), list, remove, and send
 * one payload to every active device of a user, deactivating the ones the push service reports gone.
 * Ownership lives in every query (`where: { id, userId }`): another user's device answers NOT_FOUND.
 */
import { createPublicKey } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import { AppError, notFound } from "../errors";
import { deviceLabel } from "./device-label";
import type { PushPayload, PushUrgency } from "./payload";
import { pushTransport } from ".";
import type { PushSendResult, PushTransport } from "./transport";
import type { NativePushTransport } from "./fcm";
import { sendNativeToUsers } from "./native-devices";
import { isNonPublicHost } from "../../http/public-network";

/** Active devices one user may have; subscribing another retires the one unused for longest. */
export const MAX_DEVICES_PER_USER = 20;

const base64url = (what: string, bytes: number) =>
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be base64url`)
    .transform((s) => s.replace(/=+$/, ""))
    .refine((s) => Buffer.from(s, "base64url").length === bytes, `${what} must be ${bytes} bytes`);

/** True when the 65-byte uncompressed point lies on P-256 (OpenSSL checks it when importing the key). */
function isP256Point(b64: string): boolean {
  const raw = Buffer.from(b64, "base64url");
  if (raw.length !== 65 || raw[0] !== 0x04) return false;
  try {
    createPublicKey({ key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") }, format: "jwk" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Host suffixes of the browsers' public push services (issue 12 "Push endpoints"). An endpoint's host must
 * be one of them or a subdomain of one:
 * - `fcm.googleapis.com`: Firebase Cloud Messaging (Chrome, Edge on Android, Opera, Samsung Internet, Brave);
 * - `push.services.mozilla.com`: Mozilla autopush (Firefox: `updates.push.services.mozilla.com`);
 * - `push.apple.com`: Apple (Safari 16+: `web.push.apple.com`; Apple asks servers to allow `*.push.apple.com`,
 *   https://developer.apple.com/documentation/usernotifications/sending-web-push-notifications-in-web-apps-and-browsers);
 * - `notify.windows.com`: Windows Push Notification Services (Edge on Windows: `*.notify.windows.com`).
 */
export const PUSH_SERVICE_HOSTS: readonly string[] = ["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"];

const isIpLiteral = (hostname: string) => hostname.startsWith("[") || isIP(hostname) !== 0;

/**
 * Why an endpoint cannot be stored, or null when it can (subscribe time; the transport checks the
 * resolved address again at connect time, so a listed name that resolves inward is still never reached).
 * Rules: an absolute `https:` URL (RFC 8030 §8) without credentials or fragment, whose host is a
 * {@link PUSH_SERVICE_HOSTS} name or one of `opts.extraHosts` (exact or a subdomain, no trailing dot), not
 * an IP literal (`127.1`, `0x7f.1` and `[::1]` are IP literals after URL parsing), on the default port.
 * @param opts.allowPrivate PUSH_ALLOW_PRIVATE_ENDPOINTS (tests, local push-service stand-ins): lifts the
 *   host and port rules, keeps the rest
 * @param opts.extraHosts PUSH_SERVICE_EXTRA_HOSTS: more accepted host suffixes (a self-hosted push service)
 * @returns a message for the `endpoint` field, or null
 */
export function pushEndpointProblem(value: string, opts: { allowPrivate: boolean; extraHosts?: readonly string[] }): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "endpoint must be a URL";
  }
  if (url.protocol !== "https:") return "endpoint must be https (RFC 8030 §8)";
  if (url.username || url.password) return "endpoint must not carry credentials";
  if (url.hash) return "endpoint must not have a fragment";
  if (opts.allowPrivate) return null;
  const host = url.hostname.toLowerCase();
  const listed = [...PUSH_SERVICE_HOSTS, ...(opts.extraHosts ?? [])].some((h) => host === h || host.endsWith(`.${h}`));
  if (!listed || isIpLiteral(host) || isNonPublicHost(host) || url.port !== "") return "endpoint must be on a browser's public push service";
  return null;
}

function endpointProblem(value: string): string | null {
  const { PUSH_ALLOW_PRIVATE_ENDPOINTS, PUSH_SERVICE_EXTRA_HOSTS } = env("push");
  return pushEndpointProblem(value, { allowPrivate: PUSH_ALLOW_PRIVATE_ENDPOINTS, extraHosts: PUSH_SERVICE_EXTRA_HOSTS });
}

/**
 * A browser `PushSubscription` as `subscription.toJSON()` gives it (W3C Push API): an https endpoint and the
 * RFC 8291 keys, base64url: `p256dh` an uncompressed P-256 point (65 bytes), `auth` 16 bytes.
 * `expirationTime` is accepted and ignored.
 */
export const pushSubscriptionInput = z
  .object({
    endpoint: z
      .string()
      .max(2048)
      .superRefine((v, ctx) => {
        const problem = endpointProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        p256dh: base64url("p256dh", 65).refine(isP256Point, "p256dh must be a P-256 public key"),
        auth: base64url("auth", 16),
      })
      .strict(),
  })
  .strict();

export type PushSubscriptionInput = z.input<typeof pushSubscriptionInput>;

/** One device in the preference center's list. Times are ISO 8601 UTC. */
export interface PushDevice {
  id: string;
  /** "Chrome on Android", from the User-Agent. */
  label: string;
  /** The push service URL (the browser compares it with its own to mark "This device"). */
  endpoint: string;
  createdAt: string;
  lastSuccessAt: string | null;
}

const DEVICE_SELECT = { id: true, label: true, endpoint: true, createdAt: true, lastSuccessAt: true } as const;
const toDevice = (d: { id: string; label: string; endpoint: string; createdAt: Date; lastSuccessAt: Date | null }): PushDevice => ({
  id: d.id,
  label: d.label,
  endpoint: d.endpoint,
  createdAt: d.createdAt.toISOString(),
  lastSuccessAt: d.lastSuccessAt?.toISOString() ?? null,
});

/**
 * Saves this device's subscription for `userId`. The endpoint is unique: subscribing again from the same
 * browser updates the keys and label, reactivates a deactivated row, and moves it to this user (the
 * browser's subscription follows whoever signed in last). Beyond {@link MAX_DEVICES_PER_USER} active
 * devices, the ones unused for longest are deactivated ("replaced: device limit").
 * @param userAgent the browser's User-Agent (≤ 512 chars kept), for the label.
 * @throws AppError VALIDATION_ERROR (with field details) for anything {@link pushSubscriptionInput} refuses; nothing is written then.
 */
export async function savePushSubscription(userId: string, input: PushSubscriptionInput, userAgent?: string | null): Promise<PushDevice> {
  const parsed = pushSubscriptionInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid push subscription", z.flattenError(parsed.error).fieldErrors);
  }
  const { endpoint, keys } = parsed.data;
  const ua = userAgent ? userAgent.slice(0, 512) : null;
  const label = deviceLabel(ua);
  const saved = await db.pushSubscription.upsert({
    where: { endpoint },
    create: { userId, endpoint, p256dh: keys.p256dh, auth: keys.auth, label, userAgent: ua },
    update: { userId, p256dh: keys.p256dh, auth: keys.auth, label, userAgent: ua, deactivatedAt: null, deactivatedReason: null },
    select: DEVICE_SELECT,
  });
  await db.$executeRaw`
    UPDATE push_subscriptions SET deactivated_at = now(), deactivated_reason = 'replaced: device limit', updated_at = now()
    WHERE id IN (
      SELECT id FROM push_subscriptions
      WHERE user_id = ${userId}::uuid AND deactivated_at IS NULL AND id <> ${saved.id}::uuid
      ORDER BY COALESCE(last_success_at, created_at) DESC, id DESC
      OFFSET ${MAX_DEVICES_PER_USER - 1}
    )`;
  return toDevice(saved);
}

/** The user's active devices, newest first. */
export async function listDevices(userId: string): Promise<PushDevice[]> {
  const rows = await db.pushSubscription.findMany({
    where: { userId, deactivatedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: DEVICE_SELECT,
  });
  return rows.map(toDevice);
}

/**
 * Removes one of the user's devices: it is deactivated ("removed") and never sent to again; subscribing
 * from that browser later brings it back.
 * @throws AppError NOT_FOUND when it is missing, already removed, or someone else's.
 */
export async function removeDevice(userId: string, id: string): Promise<{ removed: true }> {
  if (!z.uuid().safeParse(id).success) throw notFound("Device");
  const { count } = await db.pushSubscription.updateMany({
    where: { id, userId, deactivatedAt: null },
    data: { deactivatedAt: new Date(), deactivatedReason: "removed" },
  });
  if (count === 0) throw notFound("Device");
  return { removed: true };
}

/** What {@link sendPushToUser} did, over the user's browsers and native app devices together. */
export interface PushToUserResult {
  /** Devices the push reached (or was captured for). */
  sent: number;
  /** Devices the push service reported gone (web 404/410, FCM UNREGISTERED…): now deactivated / disabled. */
  gone: number;
  /** Devices that failed otherwise (retryable or permanent). */
  failed: number;
  /** Whether any failure is worth retrying: retry with `subscriptionIds: retrySubscriptionIds`. */
  retryable: boolean;
  /** Active devices tried. 0 means the user has none. */
  devices: number;
  /** The devices whose failure was retryable. */
  retrySubscriptionIds: string[];
  /** Per device: browsers first, then native devices (`channel` android / ios), each in the order tried. */
  results: ({ subscriptionId: string; channel?: "web" | "android" | "ios" } & PushSendResult)[];
}

/** One push of a batch: a payload for every active device of one user. */
export interface PushToUser {
  userId: string;
  payload: PushPayload;
  opts: { ttlSeconds: number; urgency: PushUrgency; idempotencyKey: string; topic?: string; subscriptionIds?: readonly string[] };
}

/** Devices sent to at once within one batch (the HTTPS requests in flight). */
const PUSHES_IN_FLIGHT = 32;

/**
 * Sends each push to every active device of its user — their browsers' subscriptions and, through FCM, their
 * native app devices (./native-devices.ts `sendNativeToUsers`, at the same time) — then, set-based over the
 * whole batch: stamps `last_success_at` on the browsers reached, and deactivates the ones the push service
 * reported gone (`deactivated_reason` "gone: 404" / "gone: 410", RFC 8030 §7.3) so no later send tries them
 * (native devices FCM reports dead are disabled likewise). One query loads every browser of the batch (no
 * query per user). Whether a user wants the push at all (preferences, quiet hours, caps) is the caller's decision.
 *
 * Each device gets the idempotency key `<opts.idempotencyKey>:<subscriptionId>`. Pass `subscriptionIds`
 * (from `retrySubscriptionIds`) to retry only the devices that failed in a retryable way (the service worker
 * also shows one notification per `tag`, so a repeat replaces rather than duplicates).
 * @param transport default: the deployment's {@link pushTransport}
 * @param nativeTransport default: the deployment's native transport (./index.ts `nativePushTransport`),
 *   resolved only when a user of the batch has a native device
 * @returns one result per push, in the order given
 */
export async function sendPushToUsers(pushes: readonly PushToUser[], transport: PushTransport = pushTransport(), nativeTransport?: NativePushTransport): Promise<PushToUserResult[]> {
  if (pushes.length === 0) return [];
  const native = sendNativeToUsers(pushes, nativeTransport);
  native.catch(() => undefined); // awaited below; not an unhandled rejection while the browsers are sent to
  const subs = await db.pushSubscription.findMany({
    where: { userId: { in: [...new Set(pushes.map((p) => p.userId))] }, deactivatedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, userId: true, endpoint: true, p256dh: true, auth: true },
  });
  const subsOf = new Map<string, typeof subs>();
  for (const s of subs) subsOf.set(s.userId, [...(subsOf.get(s.userId) ?? []), s]);
  const jobs = pushes.flatMap((p, i) =>
    (subsOf.get(p.userId) ?? []).filter((s) => !p.opts.subscriptionIds || p.opts.subscriptionIds.includes(s.id)).map((s) => ({ push: i, sub: s })),
  );
  const results: ({ subscriptionId: string } & PushSendResult)[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PUSHES_IN_FLIGHT, jobs.length) }, async () => {
      while (next < jobs.length) {
        const k = next++;
        const { push, sub } = jobs[k]!;
        const { payload, opts, userId } = pushes[push]!;
        const r = await transport
          .send({
            subscription: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth },
            payload,
            ttlSeconds: opts.ttlSeconds,
            urgency: opts.urgency,
            ...(opts.topic ? { topic: opts.topic } : {}),
            idempotencyKey: `${opts.idempotencyKey}:${sub.id}`,
            userId,
          })
          .catch((err: unknown): PushSendResult => ({ ok: false, gone: false, retryable: true, message: err instanceof Error ? err.message : String(err) }));
        results[k] = { subscriptionId: sub.id, ...r };
      }
    }),
  );
  const now = new Date();
  const okIds = results.filter((r) => r.ok).map((r) => r.subscriptionId);
  if (okIds.length) await db.pushSubscription.updateMany({ where: { id: { in: okIds } }, data: { lastSuccessAt: now } });
  const goneByStatus = new Map<number, string[]>();
  for (const r of results) if (!r.ok && r.gone) goneByStatus.set(r.status ?? 410, [...(goneByStatus.get(r.status ?? 410) ?? []), r.subscriptionId]);
  for (const [status, ids] of goneByStatus) {
    await db.pushSubscription.updateMany({ where: { id: { in: ids }, deactivatedAt: null }, data: { deactivatedAt: now, deactivatedReason: `gone: ${status}` } });
  }
  const byPush = pushes.map((): PushToUserResult["results"] => []);
  results.forEach((r, k) => byPush[jobs[k]!.push]!.push({ ...r, channel: "web" }));
  (await native).forEach((mine, i) => byPush[i]!.push(...mine));
  return byPush.map((mine) => {
    const sent = mine.filter((r) => r.ok).length;
    const gone = mine.filter((r) => !r.ok && r.gone).length;
    const retrySubscriptionIds = mine.filter((r) => !r.ok && r.retryable).map((r) => r.subscriptionId);
    return { sent, gone, failed: mine.length - sent - gone, retryable: retrySubscriptionIds.length > 0, devices: mine.length, retrySubscriptionIds, results: mine };
  });
}

/** {@link sendPushToUsers} for one user. */
export async function sendPushToUser(
  userId: string,
  payload: PushPayload,
  opts: PushToUser["opts"],
  transport: PushTransport = pushTransport(),
  nativeTransport?: NativePushTransport,
): Promise<PushToUserResult> {
  const [r] = await sendPushToUsers([{ userId, payload, opts }], transport, nativeTransport);
  return r!;
}
