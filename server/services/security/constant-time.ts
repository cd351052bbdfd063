/**
 * The one constant-time comparison of secrets (MACs, token hashes, per-process stamps) used by Herald's
 * services, so that each caller does not wrap `crypto.timingSafeEqual` by hand
 * (https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b).
 *
 * Pure Node: no database, no "server-only", so modules that must stay plain (a webhook signature check, the
 * embed token a platform may copy) can use it.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";

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
