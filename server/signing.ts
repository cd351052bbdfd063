/**
 * Signatures keyed per purpose from one app secret (NEXTAUTH_SECRET): unsubscribe links, click-tracking
 * links, newsletter confirm/unsubscribe tokens and phone verification codes each use their own key,
 * HMAC-SHA256(secret, purpose label), so a signature made for one purpose never verifies for another and
 * rotating the secret invalidates them all (RFC 2104 HMAC).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * HMAC-SHA256 of `payload` under the key derived for `purpose` (e.g. "herald/unsubscribe/v1").
 * Returns the 32-byte digest; callers encode it (base64url or hex). Deterministic for the same inputs.
 */
export function purposeMac(secret: string, purpose: string, payload: string): Buffer {
  const key = createHmac("sha256", secret).update(purpose).digest();
  return createHmac("sha256", key).update(payload).digest();
}

/** Constant-time comparison of two signatures (or hashes) as strings; false when their lengths differ. */
export function sameSignature(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given, "utf8"), Buffer.from(expected, "utf8")];
  return a.length === b.length && timingSafeEqual(a, b);
}
