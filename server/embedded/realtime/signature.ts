/**
 * HMAC helpers shared by Herald's embedded Pusher-protocol server (docs/protocols.md).
 *
 * Sources: Pusher Channels "Authenticating users / channels" (socket signatures) and the HTTP API
 * "Authentication" section (request signatures); the reference implementation is the `pusher` package
 * (`lib/requests.js`, `lib/auth.js`, `lib/util.js`). Every comparison of a secret-derived value goes
 * through {@link timingSafeEqualHex} (server/signing.ts `constantTimeEqual`).
 *
 * @module
 */
import { createHash, createHmac } from "node:crypto";
import { constantTimeEqual } from "../../signing";

/** `^\d+\.\d+$`: the only socket id shape Pusher issues (two decimal integers joined by a dot). */
export const SOCKET_ID_PATTERN = /^\d+\.\d+$/;

/** Characters allowed in a channel name (Pusher protocol docs, "Channel naming conventions"). */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_\-=@,.;]+$/;

/** Longest channel name Pusher accepts, in characters. */
export const MAX_CHANNEL_NAME_LENGTH = 200;

/**
 * Whether `value` is a syntactically valid socket id (`^\d+\.\d+$`, at most 64 characters).
 * A socket id containing `:` must never reach a signature (Pusher security advisory, 2015).
 */
export function isValidSocketId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 64 && SOCKET_ID_PATTERN.test(value);
}

/** Whether `value` is a valid channel name: 1–200 characters from `[A-Za-z0-9_\-=@,.;]`. */
export function isValidChannelName(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length > 0 &&
    value.length <= MAX_CHANNEL_NAME_LENGTH &&
    CHANNEL_NAME_PATTERN.test(value)
  );
}

/** Lower-case hex HMAC-SHA256 of `message` (UTF-8) keyed with `secret` (UTF-8). */
export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message, "utf8").digest("hex");
}

/** Lower-case hex MD5 of `body` (the HTTP API's `body_md5` parameter). Strings are hashed as UTF-8. */
export function md5Hex(body: string | Buffer): string {
  return createHash("md5").update(body).digest("hex");
}

/**
 * Constant-time comparison of two hex strings (signatures, digests). Returns false, without
 * short-circuiting on content, when the lengths differ or either value is not a string.
 */
export function timingSafeEqualHex(expected: string, actual: unknown): boolean {
  return typeof actual === "string" && constantTimeEqual(expected, actual);
}

/**
 * The string a private or presence channel authorization signs:
 * `"<socket_id>:<channel>"`, plus `":<channel_data>"` for presence channels.
 */
export function channelSignaturePayload(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

/**
 * The `auth` value a channel-authorization endpoint returns: `"<key>:<hex HMAC-SHA256(secret, payload)>"`
 * where the payload is {@link channelSignaturePayload}. The caller must have validated `socketId`
 * and `channel` first.
 */
export function signChannel(
  app: { key: string; secret: string },
  socketId: string,
  channel: string,
  channelData?: string,
): string {
  return `${app.key}:${hmacSha256Hex(app.secret, channelSignaturePayload(socketId, channel, channelData))}`;
}

/**
 * Verifies a `pusher:subscribe` `auth` value (`"<key>:<signature>"`) in constant time.
 * Returns false for any other key, a missing or malformed value, or a wrong signature.
 */
export function verifyChannelAuth(
  app: { key: string; secret: string },
  auth: unknown,
  socketId: string,
  channel: string,
  channelData?: string,
): boolean {
  if (typeof auth !== "string") return false;
  const colon = auth.indexOf(":");
  if (colon < 0) return false;
  const key = auth.slice(0, colon);
  const signature = auth.slice(colon + 1);
  const expected = hmacSha256Hex(app.secret, channelSignaturePayload(socketId, channel, channelData));
  // Evaluate both comparisons so a wrong key costs the same as a wrong signature.
  const keyOk = timingSafeEqualHex(app.key, key);
  const signatureOk = timingSafeEqualHex(expected, signature);
  return keyOk && signatureOk;
}

/**
 * The string an HTTP API request signs: `"<METHOD>\n<path>\n<query>"`, where `<query>` is every query
 * parameter except `auth_signature`, as `key=value` pairs sorted by key and joined with `&`
 * (values as the `pusher` client writes them: not URL-encoded).
 */
export function requestSignaturePayload(
  method: string,
  path: string,
  params: ReadonlyArray<readonly [string, string]>,
): string {
  const query = params
    .filter(([key]) => key !== "auth_signature")
    .slice()
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  return `${method.toUpperCase()}\n${path}\n${query}`;
}

/** Hex HMAC-SHA256 signature of an HTTP API request (see {@link requestSignaturePayload}). */
export function signRequest(
  secret: string,
  method: string,
  path: string,
  params: ReadonlyArray<readonly [string, string]>,
): string {
  return hmacSha256Hex(secret, requestSignaturePayload(method, path, params));
}
