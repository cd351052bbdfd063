/**
 * User tokens of the embeddable inbox (docs/requirements.md R21.2). The host platform mints one on its
 * server for the person signed in there, and hands it to `<herald-inbox user-token="…">`:
 *
 * ```
 * <user id>.<expiry, Unix seconds>.<base64url(HMAC-SHA256(HERALD_EMBED_SECRET, "<user id>.<expiry>"))>
 * ```
 *
 * The user id is Herald's (a lowercase UUID), the expiry a whole number of seconds, the MAC 32 bytes in
 * unpadded base64url (43 characters). Herald accepts a token whose MAC matches (compared in constant time),
 * whose expiry is in the future and at most `HERALD_EMBED_TOKEN_MAX_AGE_S` ahead (so a leaked token is
 * worth little; a platform cannot mint one that lives for years), and whose user exists
 * (./embed-auth.ts). Tokens cannot be revoked one by one: rotating the secret revokes them all.
 * HMAC-SHA256: RFC 2104, https://nodejs.org/api/crypto.html#cryptocreatehmacalgorithm-key-options.
 *
 * Plain Node (no database, no "server-only"): the same code a platform's server can copy to sign.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../../signing";

/** A Herald user id as the token carries it: a lowercase UUID. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Expiry: Unix seconds, 1–12 digits, no sign, no leading zero. */
const EXPIRY = /^[1-9]\d{0,11}$/;
/** The MAC: 32 bytes, unpadded base64url. */
const MAC = /^[A-Za-z0-9_-]{43}$/;
/** Longer tokens are refused before any work (a UUID, 12 digits, 43 characters and two dots are 91). */
export const MAX_EMBED_TOKEN_LENGTH = 128;
/** Clock skew between the platform's server and Herald tolerated on the max-age check, in seconds. */
export const EMBED_TOKEN_SKEW_S = 60;

/** HMAC-SHA256 of `<userId>.<expiry>` under `secret` (32 bytes). */
function mac(secret: string, userId: string, expiry: string): Buffer {
  return createHmac("sha256", secret).update(`${userId}.${expiry}`).digest();
}

/**
 * Mints a user token for `userId` that expires `ttlSeconds` from `now`.
 * @param userId the person's Herald user id (a lowercase UUID)
 * @param secret `HERALD_EMBED_SECRET` (at least 32 characters)
 * @param ttlSeconds lifetime in whole seconds, 1 or more (Herald refuses tokens that live longer than
 *   `HERALD_EMBED_TOKEN_MAX_AGE_S`, default 86,400)
 * @param now the time, ms since the epoch (default: now)
 * @returns `<userId>.<expiry>.<mac>`
 * @throws RangeError for a user id that is not a lowercase UUID, a secret under 32 characters, or a TTL
 *   that is not a positive whole number
 */
export function signEmbedToken(userId: string, secret: string, ttlSeconds: number, now: number = Date.now()): string {
  if (!USER_ID.test(userId)) throw new RangeError("userId must be a Herald user id (a lowercase UUID)");
  if (secret.length < 32) throw new RangeError("the secret must be at least 32 characters");
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError("ttlSeconds must be a positive whole number");
  const expiry = String(Math.floor(now / 1000) + ttlSeconds);
  return `${userId}.${expiry}.${mac(secret, userId, expiry).toString("base64url")}`;
}

/** Why a token was refused (never shown to the caller, who gets one 401 for all of them). */
export type EmbedTokenRefusal = "malformed" | "bad_signature" | "expired" | "too_long_lived";

/** The outcome of {@link verifyEmbedToken}. */
export type EmbedTokenResult = { ok: true; userId: string; expiresAt: Date } | { ok: false; reason: EmbedTokenRefusal };

/**
 * Checks a user token's shape, MAC and expiry (not the user: ./embed-auth.ts looks them up).
 * @param token as sent in `Authorization: Bearer <token>`
 * @param secret `HERALD_EMBED_SECRET`
 * @param opts.maxAgeS the longest lifetime accepted, seconds: an expiry further ahead than this (plus
 *   {@link EMBED_TOKEN_SKEW_S}) is refused as `too_long_lived`
 * @param opts.now the time, ms since the epoch (default: now)
 * @returns `{ ok: true, userId, expiresAt }`, or `{ ok: false, reason }`. Never throws. The MAC is
 *   compared in constant time (server/signing.ts) before the expiry is looked at, so a forged token learns nothing
 *   from the answer's timing or reason.
 */
export function verifyEmbedToken(token: string, secret: string, opts: { maxAgeS: number; now?: number }): EmbedTokenResult {
  if (typeof token !== "string" || token.length > MAX_EMBED_TOKEN_LENGTH) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [userId = "", expiry = "", given = ""] = parts;
  if (!USER_ID.test(userId) || !EXPIRY.test(expiry) || !MAC.test(given)) return { ok: false, reason: "malformed" };
  const expected = mac(secret, userId, expiry);
  const presented = Buffer.from(given, "base64url");
  // 43 base64url characters decode to exactly 32 bytes; a non-canonical last character still decodes to 32
  // bytes but re-encodes differently, so the text is compared too (one token, one spelling).
  if (!constantTimeEqual(presented, expected) || presented.toString("base64url") !== given) {
    return { ok: false, reason: "bad_signature" };
  }
  const nowS = Math.floor((opts.now ?? Date.now()) / 1000);
  const exp = Number(expiry);
  if (exp <= nowS) return { ok: false, reason: "expired" };
  if (exp > nowS + opts.maxAgeS + EMBED_TOKEN_SKEW_S) return { ok: false, reason: "too_long_lived" };
  return { ok: true, userId, expiresAt: new Date(exp * 1000) };
}
