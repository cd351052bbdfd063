/**
 * The push transport port (docs/architecture.md, "Two modes"; docs/requirements.md R10): one message to one browser subscription.
 *
 * - {@link createWebPushTransport}: the real thing, through the maintained `web-push` library: the payload
 *   encrypted as `aes128gcm` for the subscription's keys (RFC 8291 on RFC 8188), a VAPID JWT (RFC 8292,
 *   `Authorization: vapid t=…, k=…`), and the `TTL`, `Urgency` and optional `Topic` headers (RFC 8030 §5).
 * - {@link createCapturePushTransport}: writes `captured_pushes` (shown at /dev/pushes), once per
 *   idempotency key.
 * - {@link createCaptureAndSendTransport}: both (the embedded mode; see ./index.ts for who gets which).
 *
 * Results are classified for the caller instead of thrown: `gone` when the push service says the
 * subscription no longer exists (404, 410: RFC 8030 §7.3) — deactivate it, never retry; `retryable` for
 * 429, 5xx, 408 and network failures; anything else (other 4xx, a payload over the limit, a refused
 * endpoint) is permanent.
 *
 * No SSRF through push: endpoints come from browsers, i.e. from users. Unless `allowPrivateNetwork` is set
 * (tests, local stand-ins), a request never connects to a loopback, private, link-local or otherwise
 * non-public address — checked on the IP literal, and on every address DNS returns (at connect time, so a
 * name that later resolves elsewhere is caught too).
 */
import { Agent } from "node:https";
import { isNonPublicHost, NonPublicAddressError, publicOnlyLookup } from "../../http/public-network";
import webpush from "web-push";
import type { PrismaClient } from "../../generated/prisma/client";
import type { PushPayload, PushUrgency } from "./payload";
import type { VapidConfig } from "./vapid";

/** A browser's push subscription as stored (`push_subscriptions`), keys base64url. */
export interface PushTarget {
  endpoint: string;
  /** The browser's P-256 ECDH public key (65 bytes decoded). */
  p256dh: string;
  /** The 16-byte auth secret. */
  auth: string;
}

/** One push to one subscription. */
export interface PushMessage {
  subscription: PushTarget;
  payload: PushPayload;
  /** RFC 8030 §5.2, seconds ≥ 0. */
  ttlSeconds: number;
  /** RFC 8030 §5.3. */
  urgency: PushUrgency;
  /** RFC 8030 §5.4: a newer push with the same topic replaces an undelivered older one (≤ 32 base64url chars). */
  topic?: string;
  /** Stable per notification × device: the capture stores each key once. */
  idempotencyKey: string;
  /** The recipient (recorded by the capture). */
  userId?: string;
}

/** What happened to one push. */
export type PushSendResult =
  | {
      ok: true;
      /** The push service's status (201 Created), or 201 for a capture. */
      status: number;
      /** Set when something worth logging happened although the push counts as delivered (capture+send). */
      note?: string;
    }
  | {
      ok: false;
      /** 404/410: the subscription is gone for good: deactivate it. */
      gone: boolean;
      /** Worth trying again later (429, 5xx, 408, network). */
      retryable: boolean;
      status?: number;
      /** From `Retry-After` on 429/503, ms from now (1 s – 1 h). */
      retryAfterMs?: number;
      /** The push service's own error code, when it gives one (FCM: UNREGISTERED, QUOTA_EXCEEDED…). */
      code?: string;
      message: string;
    };

export interface PushTransport {
  readonly name: "web-push" | "capture" | "capture+web-push" | "disabled";
  /** Never throws for a delivery problem: see {@link PushSendResult}. */
  send(msg: PushMessage): Promise<PushSendResult>;
}

/**
 * The most plaintext one aes128gcm record carries within the 4096-byte payload every push service accepts
 * (RFC 8030 §7.2): 4096 − 86 (header: salt 16, rs 4, idlen 1, key 65) − 1 (padding delimiter) − 16 (tag).
 */
export const MAX_PLAINTEXT_BYTES = 4096 - 86 - 1 - 16;

/** `Retry-After` (seconds or HTTP date) → ms from now, clamped to 1 s – 1 h. */
function retryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 1000), 3_600_000) : undefined;
}

/** Classifies a push service's non-2xx answer (RFC 8030 §7.3, §8.4; RFC 8292 §4.2). */
export function classifyStatus(status: number, message: string, headers?: Record<string, string | string[] | undefined>): PushSendResult & { ok: false } {
  if (status === 404 || status === 410) return { ok: false, gone: true, retryable: false, status, message };
  if (status === 429 || status === 408 || status >= 500) {
    const after = retryAfter(headers?.["retry-after"]);
    return { ok: false, gone: false, retryable: true, status, message, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  }
  return { ok: false, gone: false, retryable: false, status, message };
}

/** Node system errors (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, TLS…) are worth retrying; our own refusals are not. */
function classifyError(err: unknown): PushSendResult & { ok: false } {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(err);
  if (err instanceof NonPublicAddressError) return { ok: false, gone: false, retryable: false, message };
  const network = typeof e?.code === "string" || message === "Socket timeout";
  return { ok: false, gone: false, retryable: network, message: network ? `network: ${message}` : message };
}

/**
 * Sends through `web-push` (maintained, implements RFC 8030/8291/8292): aes128gcm, VAPID with a 12-hour
 * JWT, TTL/Urgency/Topic headers, over a keep-alive HTTPS agent.
 * @param opts.allowPrivateNetwork connect to non-public addresses (tests, local stand-ins). Default false.
 * @param opts.ca extra trusted CA certificate(s) (a test stand-in's self-signed certificate).
 * @param opts.timeoutMs per request, default 10 000 ms.
 */
export function createWebPushTransport(opts: { vapid: VapidConfig; allowPrivateNetwork?: boolean; ca?: string | Buffer; timeoutMs?: number }): PushTransport {
  const allowPrivate = opts.allowPrivateNetwork ?? false;
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ...(opts.ca ? { ca: opts.ca } : {}), ...(allowPrivate ? {} : { lookup: publicOnlyLookup }) });
  const vapidDetails = { subject: opts.vapid.subject, publicKey: opts.vapid.publicKey, privateKey: opts.vapid.privateKey };
  return {
    name: "web-push",
    async send(msg) {
      let url: URL;
      try {
        url = new URL(msg.subscription.endpoint);
      } catch {
        return { ok: false, gone: false, retryable: false, message: "endpoint is not a URL" };
      }
      if (url.protocol !== "https:") return { ok: false, gone: false, retryable: false, message: "endpoint is not https" };
      if (!allowPrivate && isNonPublicHost(url.hostname)) return { ok: false, gone: false, retryable: false, message: `push endpoint ${url.hostname} is not a public address` };
      const body = JSON.stringify(msg.payload);
      if (Buffer.byteLength(body) > MAX_PLAINTEXT_BYTES) {
        return { ok: false, gone: false, retryable: false, message: `payload is ${Buffer.byteLength(body)} bytes; at most ${MAX_PLAINTEXT_BYTES}` };
      }
      try {
        const res = await webpush.sendNotification({ endpoint: msg.subscription.endpoint, keys: { p256dh: msg.subscription.p256dh, auth: msg.subscription.auth } }, body, {
          vapidDetails,
          TTL: Math.max(0, Math.floor(msg.ttlSeconds)),
          urgency: msg.urgency,
          ...(msg.topic ? { topic: msg.topic } : {}),
          contentEncoding: "aes128gcm",
          agent,
          timeout: opts.timeoutMs ?? 10_000,
        });
        return { ok: true, status: res.statusCode };
      } catch (err) {
        if (err instanceof webpush.WebPushError) {
          const detail = typeof err.body === "string" && err.body ? `: ${err.body.slice(0, 200)}` : "";
          return classifyStatus(err.statusCode, `push service answered ${err.statusCode}${detail}`, err.headers as Record<string, string | undefined>);
        }
        return classifyError(err);
      }
    },
  };
}

/** Captures into `captured_pushes` (the embedded mode's /dev/pushes); the same idempotency key is stored once. */
export function createCapturePushTransport(db: PrismaClient): PushTransport {
  return {
    name: "capture",
    async send(msg) {
      await db.capturedPush.createMany({
        data: [
          {
            userId: msg.userId ?? null,
            endpoint: msg.subscription.endpoint,
            payload: msg.payload as unknown as object,
            ttl: Math.max(0, Math.floor(msg.ttlSeconds)),
            urgency: msg.urgency,
            idempotencyKey: msg.idempotencyKey,
          },
        ],
        skipDuplicates: true,
      });
      return { ok: true, status: 201 };
    },
  };
}

/**
 * Captures, then sends for real (the embedded mode): what the push service answers counts (a 410 or FCM's
 * UNREGISTERED still retires the device), except when it cannot be reached at all — a dev machine offline —
 * where the capture counts as the delivery and the network error is returned as `note` (and logged). Serves web
 * push and FCM alike.
 * @param service the real service's name in the note ("the real push", "the FCM send")
 */
export function captureThenSend<M, N extends string>(
  name: N,
  service: string,
  capture: { send(msg: M): Promise<PushSendResult> },
  real: { send(msg: M): Promise<PushSendResult> },
  log: (line: string) => void = (l) => console.warn(l),
): { readonly name: N; send(msg: M): Promise<PushSendResult> } {
  return {
    name,
    async send(msg) {
      const captured = await capture.send(msg);
      if (!captured.ok) return captured;
      const sent = await real.send(msg);
      if (sent.ok || sent.status !== undefined || !sent.retryable) return sent;
      const note = `captured; ${service} was not delivered (${sent.message})`;
      log(`[push] ${note}`);
      return { ok: true, status: captured.status, note };
    },
  };
}

/** {@link captureThenSend} for web push. */
export function createCaptureAndSendTransport(capture: PushTransport, real: PushTransport, log?: (line: string) => void): PushTransport {
  return captureThenSend("capture+web-push", "the real push", capture, real, log);
}

/** When push is not configured (no VAPID keys): every send fails permanently, saying why. */
export const disabledPushTransport: PushTransport = {
  name: "disabled",
  async send() {
    return { ok: false, gone: false, retryable: false, message: "Push is not configured (no VAPID keys)" };
  },
};
