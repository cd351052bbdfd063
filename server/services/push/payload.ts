/**
 * What a push carries and how urgently it travels. Pure (no database, no "server-only"), so the service
 * worker's tests and the Playwright suite build payloads with the same code the sender uses.
 */

/** A notification priority (server/services/notifications/catalog.ts). */
export type PushPriority = "low" | "normal" | "high" | "urgent";

/** RFC 8030 §5.3 `Urgency` header values. */
export type PushUrgency = "very-low" | "low" | "normal" | "high";

/**
 * The JSON the service worker (public/sw.js) receives, encrypted (RFC 8291). Version 1. Kept small: push
 * services accept at least 4096 bytes of payload (RFC 8030 §7.2), and the encryption adds 86 + 17 bytes.
 */
export interface PushPayload {
  v: 1;
  notificationId: string;
  /** Catalog type, e.g. "new_listing". */
  type: string;
  title: string;
  body: string;
  /** App-relative target (`/listings/…`), never absolute: the worker opens it on this origin only. */
  url: string;
  /** Notifications with the same tag replace each other on the device (default: the notification id). */
  tag?: string;
  /** When the notification was created, ISO 8601 UTC. */
  timestamp: string;
  /** A photo to show large (a listing's), an absolute http(s) URL; browsers without support ignore it. */
  image?: string;
}

/** How long the push service may hold a push for an offline device, and how eagerly it wakes it. */
export interface PushOptions {
  /** Seconds (RFC 8030 §5.2 `TTL`); 0 means deliver now or never. */
  ttlSeconds: number;
  urgency: PushUrgency;
}

/**
 * Priority → TTL and urgency (RFC 8030 §5.2, §5.3). The TTL is how long a push is still worth showing:
 * - urgent (security alert, password reset): `high`, 1 hour — wake the device now; stale after an hour.
 * - high (pickup reminder, booking cancelled): `high`, 4 hours — time-bound, the pickup window is hours.
 * - normal (new listing, order update): `normal`, 12 hours — surplus food rarely lasts longer.
 * - low (completed pickup, business news): `low`, 24 hours — delivered when the device is on power or Wi-Fi.
 * `very-low` is never used: it may wait for power *and* Wi-Fi, too late for anything Herald sends.
 */
export function pushOptionsFor(priority: PushPriority): PushOptions {
  switch (priority) {
    case "urgent":
      return { ttlSeconds: 3600, urgency: "high" };
    case "high":
      return { ttlSeconds: 4 * 3600, urgency: "high" };
    case "low":
      return { ttlSeconds: 24 * 3600, urgency: "low" };
    default:
      return { ttlSeconds: 12 * 3600, urgency: "normal" };
  }
}

/** True for a same-origin path (`/x`), false for absolute, protocol-relative (`//host`) or backslash tricks. */
export function isAppRelativeUrl(url: string | null | undefined): url is string {
  return typeof url === "string" && url.length <= 2000 && /^\/(?![/\\])[^\s\\]*$/.test(url);
}

/** Where a notification without a usable target opens. */
export const DEFAULT_PUSH_URL = "/notifications";

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The payload for one notification row: title ≤ 120 and body ≤ 400 characters (longer text is cut with
 * "…", keeping the payload well under the 4 KB push limit), the target when it is app-relative (else
 * {@link DEFAULT_PUSH_URL}), the tag defaulting to the notification id, and its photo when it has one.
 */
export function pushPayloadFor(n: {
  id: string;
  type: string;
  title: string;
  body?: string | null;
  actionUrl?: string | null;
  createdAt: Date | string;
  tag?: string;
  /** The photo's URL (a listing's `data.image_url`); kept only when it is http(s) and at most 500 characters. */
  imageUrl?: string | null;
}): PushPayload {
  const image = typeof n.imageUrl === "string" && n.imageUrl.length <= 500 && /^https?:\/\/[^\s]+$/.test(n.imageUrl) ? n.imageUrl : null;
  return {
    v: 1,
    notificationId: n.id,
    type: n.type,
    title: clip(n.title, 120),
    body: clip(n.body ?? "", 400),
    url: isAppRelativeUrl(n.actionUrl) ? n.actionUrl : DEFAULT_PUSH_URL,
    tag: n.tag ?? n.id,
    timestamp: new Date(n.createdAt).toISOString(),
    ...(image ? { image } : {}),
  };
}
