/**
 * Signatures keyed per purpose from one app secret (NEXTAUTH_SECRET): unsubscribe links, click-tracking
 * links, newsletter confirm/unsubscribe tokens and phone verification codes each use their own key,
 * HMAC-SHA256(secret, purpose label), so a signature made for one purpose never verifies for another and
 * rotating the secret invalidates them all (RFC 2104 HMAC).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * HMAC-SHA256 of `payload` under the key derived for `purpose` (e.g. "herald/unsubscribe/v1").
 * Returns the 32-byte digest; callers encode it (base64url or hex). Deterministic for the same inputs.
 */
export function purposeMac(secret: string, purpose: string, payload: string): Buffer {
  const key = createHmac("sha256", secret).update(purpose).digest();
  return createHmac("sha256", key).update(payload).digest();
}

/**
 * Constant-time comparison of two signatures, hashes or tokens as strings: their SHA-256 digests are
 * compared, so neither the content nor the length of `expected` shows in the time taken.
 */
export function sameSignature(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
