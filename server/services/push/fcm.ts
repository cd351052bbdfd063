import "server-only";
/**
 * Push to native apps through Firebase Cloud Messaging's HTTP v1 API (issue 17 "Push to native apps";
 * https://firebase.google.com/docs/cloud-messaging/send/v1-api): one message to one app device.
 *
 * - {@link createFcmTransport}: signs in with the project's service account (OAuth 2 JWT bearer grant through
 *   `google-auth-library`, scope {@link FCM_SCOPE}; the access token is reused until 5 minutes before it
 *   expires) and POSTs `{ message }` ({@link fcmMessageFor}) to `/v1/projects/<project_id>/messages:send`.
 * - {@link createNativeCaptureTransport}: writes `captured_pushes` (channel `android` / `ios`), shown at
 *   /dev/pushes, once per idempotency key; {@link createNativeCaptureAndSendTransport}: both.
 *
 * Results are classified like web push's (./transport.ts), from FCM's error codes
 * (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode): `gone` — disable that device, never
 * retry — for UNREGISTERED (404), INVALID_ARGUMENT about the registration token (400) and SENDER_ID_MISMATCH
 * (403: the token belongs to another Firebase project); `retryable` for 429 QUOTA_EXCEEDED, 5xx (UNAVAILABLE,
 * INTERNAL), 401 (the access token was refused: it is fetched again) and network failures, with `Retry-After`
 * when FCM sends one; anything else (another 400, PERMISSION_DENIED, THIRD_PARTY_AUTH_ERROR) is permanent.
 */
import { readFileSync } from "node:fs";
import { JWT } from "google-auth-library";
import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client";
import type { PushPayload, PushUrgency } from "./payload";
import { captureThenSend, classifyStatus, type PushSendResult } from "./transport";

/** The OAuth 2 scope FCM's send API needs (https://firebase.google.com/docs/cloud-messaging/auth-server). */
export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
/** Google's token endpoint: a service account JSON's usual `token_uri`. */
export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

/** A native app's platform. */
export type NativePlatform = "android" | "ios";
export const NATIVE_PLATFORMS = ["android", "ios"] as const satisfies readonly NativePlatform[];

/** What Herald uses of a service account's JSON key. */
export interface FcmServiceAccount {
  projectId: string;
  clientEmail: string;
  /** PEM (PKCS #8) RSA private key. Secret: never logged. */
  privateKey: string;
  privateKeyId?: string;
  /** Where the signed assertion is exchanged for an access token (the JSON's `token_uri`). */
  tokenUri: string;
}

/** http(s) URL that is https, or http on a loopback host (local stand-ins in tests). */
export function isSecureOrLoopbackUrl(value: string): boolean {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && (u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]");
}

const serviceAccountJson = z.object({
  type: z.literal("service_account", "type must be \"service_account\""),
  project_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,99}$/, "project_id is missing or malformed"),
  client_email: z.email("client_email must be the service account's email"),
  private_key: z.string().regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, "private_key must be a PEM private key"),
  private_key_id: z.string().max(200).optional(),
  token_uri: z.string().refine(isSecureOrLoopbackUrl, "token_uri must be an https URL").default(GOOGLE_TOKEN_URI),
});

/**
 * Reads a service account's JSON key (as the Firebase console downloads it).
 * @param text the JSON
 * @param source what to name in errors (an env variable or a path), never the content
 * @throws Error naming `source` and the first field that is wrong (never echoing the key)
 */
export function parseServiceAccount(text: string, source: string): FcmServiceAccount {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${source}: not JSON (expected a service account's JSON key)`);
  }
  const parsed = serviceAccountJson.safeParse(value);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues[0]?.message ?? "not a service account key"}`);
  const j = parsed.data;
  return {
    projectId: j.project_id,
    clientEmail: j.client_email,
    privateKey: j.private_key,
    ...(j.private_key_id ? { privateKeyId: j.private_key_id } : {}),
    tokenUri: j.token_uri,
  };
}

/**
 * The service account of the env group `fcm`, or null when none is set.
 * @param e `env("fcm")`
 * @throws Error when the JSON (or the file) is unreadable or not a service account key
 */
export function serviceAccountFromEnv(e: { FCM_SERVICE_ACCOUNT_JSON?: string; FCM_SERVICE_ACCOUNT_FILE?: string }): FcmServiceAccount | null {
  if (e.FCM_SERVICE_ACCOUNT_JSON) return parseServiceAccount(e.FCM_SERVICE_ACCOUNT_JSON, "FCM_SERVICE_ACCOUNT_JSON");
  if (e.FCM_SERVICE_ACCOUNT_FILE) {
    let text: string;
    try {
      text = readFileSync(e.FCM_SERVICE_ACCOUNT_FILE, "utf8");
    } catch (err) {
      throw new Error(`FCM_SERVICE_ACCOUNT_FILE: cannot read ${e.FCM_SERVICE_ACCOUNT_FILE} (${(err as { code?: string }).code ?? "error"})`);
    }
    return parseServiceAccount(text, `FCM_SERVICE_ACCOUNT_FILE (${e.FCM_SERVICE_ACCOUNT_FILE})`);
  }
  return null;
}

/** Why getting an access token failed, classified like a send. */
export class FcmAuthError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = "FcmAuthError";
  }
}

/** OAuth 2 access tokens for FCM (cached by the JWT client until 5 minutes before they expire). */
export interface FcmAccessTokens {
  /** @throws FcmAuthError when the token endpoint refuses or cannot be reached */
  get(): Promise<string>;
  /** Forgets the cached token (FCM answered 401): the next {@link get} asks for a new one. */
  reset(): void;
}

/**
 * Access tokens from a service account through `google-auth-library`'s JWT client (RFC 7523 JWT bearer
 * grant, RS256, https://developers.google.com/identity/protocols/oauth2/service-account#httprest), scope
 * {@link FCM_SCOPE}. google-auth-library 10.9 signs for and posts to Google's own token endpoint whatever
 * the JSON's `token_uri` says; when `token_uri` is another address (a stand-in), the assertion's `aud` is set
 * to it (`additionalClaims`) and the token request is sent there (a request interceptor of the client's own
 * transporter), so the grant is exactly the one Google's endpoint would get.
 */
export function createFcmAccessTokens(sa: FcmServiceAccount): FcmAccessTokens {
  const custom = sa.tokenUri !== GOOGLE_TOKEN_URI;
  const jwt = new JWT({
    email: sa.clientEmail,
    key: sa.privateKey,
    ...(sa.privateKeyId ? { keyId: sa.privateKeyId } : {}),
    scopes: [FCM_SCOPE],
    ...(custom ? { additionalClaims: { aud: sa.tokenUri } } : {}),
  });
  if (custom) {
    jwt.transporter.interceptors.request.add({
      resolved: async (opts) => {
        if (String(opts.url) === GOOGLE_TOKEN_URI) opts.url = new URL(sa.tokenUri);
        return opts;
      },
    });
  }
  return {
    async get() {
      try {
        const { token } = await jwt.getAccessToken();
        if (!token) throw new FcmAuthError("the token endpoint answered without an access token", false);
        return token;
      } catch (err) {
        if (err instanceof FcmAuthError) throw err;
        const e = err as { status?: unknown; response?: { status?: unknown; data?: unknown }; code?: unknown };
        const status = typeof e.response?.status === "number" ? e.response.status : typeof e.status === "number" ? e.status : undefined;
        const data = e.response?.data as { error?: unknown } | undefined;
        const code = typeof data?.error === "string" ? data.error.slice(0, 60) : undefined;
        if (status === undefined) throw new FcmAuthError(`FCM sign-in failed: network: ${typeof e.code === "string" ? e.code : "no answer"}`, true);
        const retryable = status === 429 || status >= 500;
        throw new FcmAuthError(`FCM sign-in refused: the token endpoint answered ${status}${code ? ` ${code}` : ""}`, retryable, status);
      }
    },
    reset() {
      jwt.credentials = { refresh_token: "jwt-placeholder", expiry_date: 1 };
    },
  };
}

/** One push to one native device. */
export interface NativePushMessage {
  device: { id: string; token: string; platform: NativePlatform };
  /** The same payload a browser gets (./payload.ts): texts, target, tag, photo. */
  payload: PushPayload;
  /** How long FCM and APNs may hold it for an offline device (./payload.ts `pushOptionsFor`). */
  ttlSeconds: number;
  /** `high` sends at high priority (Android `high`, APNs 10); anything else at normal (Android `normal`, APNs 5). */
  urgency: PushUrgency;
  /** The recipient's unseen count: the app icon's badge. */
  badge: number;
  /** Stable per notification × device: the capture stores each key once. */
  idempotencyKey: string;
  /** The recipient (recorded by the capture). */
  userId?: string;
}

/** The FCM v1 `Message` (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages). */
export interface FcmMessage {
  token: string;
  notification: { title: string; body: string; image?: string };
  /** Every value a string (FCM refuses anything else). */
  data: Record<string, string>;
  android: {
    priority: "high" | "normal";
    /** Duration in seconds, e.g. "43200s". */
    ttl: string;
    collapse_key: string;
    notification: { sound: "default"; tag: string; notification_count: number; click_action?: string };
  };
  apns: {
    headers: Record<string, string>;
    payload: { aps: { sound: "default"; badge: number; "mutable-content"?: 1 } };
    fcm_options?: { image: string };
  };
}

/**
 * The FCM message for one push: the notification's stored title and body (already in the recipient's
 * language), its photo when it has one, and per platform:
 * - Android (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages#androidconfig): priority
 *   `high` for urgent and high notifications (they wake the device) else `normal`; `ttl` as the web push TTL;
 *   `collapse_key` the type (an offline device gets only the latest of a type); the default sound, the tag
 *   (a later push with the same tag replaces it in the drawer), the unseen count as `notification_count`, and
 *   `click_action` when FCM_ANDROID_CLICK_ACTION is set.
 * - APNs (https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns):
 *   `apns-priority` 10 (now) or 5 (power-considerate) by the same rule, `apns-push-type: alert`,
 *   `apns-collapse-id` the type (iOS shows the latest of a type in place of the earlier one),
 *   `apns-expiration` now + TTL (Unix seconds); `aps.sound` default and `aps.badge` the unseen count; with a
 *   photo `mutable-content: 1` and `fcm_options.image` (https://firebase.google.com/docs/cloud-messaging/ios/send-image).
 * - `data` (strings only): notification_id, type, url (app-relative), tag, created_at, badge.
 * @param opts.now the send time (for `apns-expiration`), default now
 */
export function fcmMessageFor(msg: NativePushMessage, opts: { clickAction?: string; now?: Date } = {}): FcmMessage {
  const p = msg.payload;
  const high = msg.urgency === "high";
  const ttl = Math.max(0, Math.floor(msg.ttlSeconds));
  const collapse = p.type.slice(0, 64);
  const tag = p.tag ?? p.notificationId;
  const badge = Math.max(0, Math.floor(msg.badge));
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return {
    token: msg.device.token,
    notification: { title: p.title, body: p.body, ...(p.image ? { image: p.image } : {}) },
    data: { notification_id: p.notificationId, type: p.type, url: p.url, tag, created_at: p.timestamp, badge: String(badge) },
    android: {
      priority: high ? "high" : "normal",
      ttl: `${ttl}s`,
      collapse_key: collapse,
      notification: { sound: "default", tag, notification_count: badge, ...(opts.clickAction ? { click_action: opts.clickAction } : {}) },
    },
    apns: {
      headers: {
        "apns-priority": high ? "10" : "5",
        "apns-push-type": "alert",
        "apns-collapse-id": collapse,
        "apns-expiration": String(ttl === 0 ? 0 : nowSeconds + ttl),
      },
      payload: { aps: { sound: "default", badge, ...(p.image ? { "mutable-content": 1 as const } : {}) } },
      ...(p.image ? { fcm_options: { image: p.image } } : {}),
    },
  };
}

/** Sends one push to one native device. Never throws for a delivery problem: see {@link PushSendResult}. */
export interface NativePushTransport {
  readonly name: "fcm" | "capture" | "capture+fcm" | "disabled";
  send(msg: NativePushMessage): Promise<PushSendResult>;
}

interface FcmErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: { "@type"?: string; errorCode?: string; fieldViolations?: { field?: string }[] }[] };
}

/**
 * Classifies FCM's answer to a send that was not 2xx (see the module comment).
 * @param status the HTTP status
 * @param body the parsed JSON body (anything: a proxy's HTML page parses to nothing useful)
 * @param headers for `Retry-After`
 */
export function classifyFcmError(status: number, body: unknown, headers?: Record<string, string | undefined>): PushSendResult & { ok: false } {
  const e = (body && typeof body === "object" ? (body as FcmErrorBody).error : undefined) ?? {};
  const details = Array.isArray(e.details) ? e.details : [];
  const fcmCode = details.find((d) => typeof d?.errorCode === "string")?.errorCode ?? (typeof e.status === "string" ? e.status : undefined);
  const text = typeof e.message === "string" ? e.message.slice(0, 200) : "";
  const message = `FCM answered ${status}${fcmCode ? ` ${fcmCode}` : ""}${text ? `: ${text}` : ""}`;
  const aboutToken =
    details.some((d) => Array.isArray(d?.fieldViolations) && d.fieldViolations.some((f) => f?.field === "message.token")) || /registration token/i.test(text);
  const dead = fcmCode === "UNREGISTERED" || fcmCode === "SENDER_ID_MISMATCH" || (status === 400 && fcmCode === "INVALID_ARGUMENT" && aboutToken);
  if (dead) return { ok: false, gone: true, retryable: false, status, code: fcmCode, message };
  if (status === 401 && fcmCode !== "THIRD_PARTY_AUTH_ERROR") return { ok: false, gone: false, retryable: true, status, ...(fcmCode ? { code: fcmCode } : {}), message };
  const c = classifyStatus(status, message, headers);
  return { ...c, gone: false, ...(fcmCode ? { code: fcmCode } : {}) };
}

/**
 * The real thing: FCM's HTTP v1 send endpoint (`POST <baseUrl>/v1/projects/<project_id>/messages:send`,
 * `Authorization: Bearer <access token>`).
 * @param opts.baseUrl FCM's origin (FCM_BASE_URL); https, or http on loopback (tests)
 * @param opts.clickAction FCM_ANDROID_CLICK_ACTION
 * @param opts.timeoutMs per request, default 10 000 ms
 * @throws Error when `baseUrl` is neither https nor loopback http
 */
export function createFcmTransport(opts: { serviceAccount: FcmServiceAccount; baseUrl: string; clickAction?: string; timeoutMs?: number }): NativePushTransport {
  if (!isSecureOrLoopbackUrl(opts.baseUrl)) throw new Error("FCM_BASE_URL must be an https URL");
  const tokens = createFcmAccessTokens(opts.serviceAccount);
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/v1/projects/${encodeURIComponent(opts.serviceAccount.projectId)}/messages:send`;
  return {
    name: "fcm",
    async send(msg) {
      let token: string;
      try {
        token = await tokens.get();
      } catch (err) {
        const a = err instanceof FcmAuthError ? err : new FcmAuthError(String(err), true);
        return { ok: false, gone: false, retryable: a.retryable, ...(a.status ? { status: a.status } : {}), message: a.message };
      }
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify({ message: fcmMessageFor(msg, { clickAction: opts.clickAction }) }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
          cache: "no-store",
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: unknown } }).cause;
        return { ok: false, gone: false, retryable: true, message: `network: ${typeof cause?.code === "string" ? cause.code : err instanceof Error ? err.name : "error"}` };
      }
      const text = await res.text().catch(() => "");
      if (res.ok) return { ok: true, status: res.status };
      let body: unknown = null;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = null;
      }
      if (res.status === 401) tokens.reset();
      return classifyFcmError(res.status, body, { "retry-after": res.headers.get("retry-after") ?? undefined });
    },
  };
}

/** Captures into `captured_pushes` (channel android / ios; /dev/pushes), the same idempotency key once. */
export function createNativeCaptureTransport(db: PrismaClient): NativePushTransport {
  return {
    name: "capture",
    async send(msg) {
      await db.capturedPush.createMany({
        data: [
          {
            userId: msg.userId ?? null,
            channel: msg.device.platform,
            endpoint: `fcm:${msg.device.id}`,
            payload: { ...msg.payload, badge: msg.badge } as unknown as object,
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
 * Captures, then sends through FCM (FCM configured while PUSH_CAPTURE is on): FCM's answer counts (UNREGISTERED
 * still disables the device), except when FCM cannot be reached at all, where the capture counts as the
 * delivery and the network error is returned as `note` (and logged), as web push does (./transport.ts
 * `captureThenSend`).
 */
export function createNativeCaptureAndSendTransport(capture: NativePushTransport, real: NativePushTransport, log?: (line: string) => void): NativePushTransport {
  return captureThenSend("capture+fcm", "the FCM send", capture, real, log);
}

/** When FCM is not configured and pushes are not captured: every send fails permanently, saying why. */
export const disabledNativeTransport: NativePushTransport = {
  name: "disabled",
  async send() {
    return { ok: false, gone: false, retryable: false, message: "Native push is not configured (no FCM service account)" };
  },
};
