/**
 * Signatures keyed per purpose from one app secret (NEXTAUTH_SECRET): unsubscribe links, click-tracking
 * links, newsletter confirm/unsubscribe tokens and phone verification codes each use their own key,
 * HMAC-SHA256(secret, purpose label), so a signature made for one purpose never verifies for another and
 * rotating the secret invalidates them all (RFC 2104 HMAC). Also Herald's one constant-time comparison of
 * secrets ({@link constantTimeEqual}, and {@link sameSignature} when the length must not show either), used by the
 * services and the embedded engines alike, so that nobody wraps `crypto.timingSafeEqual` by hand
 * (https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b). Pure Node: no database, no "server-only".
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

/**
 * Whether `a` and `b` hold the same bytes, compared in time that depends only on their length, not on where
 * they first differ.
 *
 * A string is compared as its UTF-8 bytes. Inputs of different byte lengths are unequal: the answer is
 * `false` at once, without the `RangeError` that `crypto.timingSafeEqual` throws for them; so the length of a
 * secret is not hidden (compare fixed-length values, such as digests or MACs, where that matters).
 * @param a a Buffer (any Uint8Array) or a string
 * @param b likewise; a string and a Buffer of the same UTF-8 bytes are equal
 * @returns true when the bytes are identical (two empty inputs included)
 */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === "string" ? Buffer.from(a, "utf8") : a;
  const y = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  if (x.byteLength !== y.byteLength) return false;
  return timingSafeEqual(x, y);
}
