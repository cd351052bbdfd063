/**
 * ULIDs (https://github.com/ulid/spec): 48-bit ms timestamp + 80 bits of entropy, Crockford base32, 26
 * characters. Used for run ids and event ids, and for the deterministic event ids Inngest derives from the
 * SDK's `x-inngest-event-id-seed` header (docs/protocols.md "Events"), so a retried send carries the same
 * ids and is recognised.
 */
import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * Encodes a ULID from its parts.
 * @param timeMs ms since the epoch (0 … 2^48 − 1).
 * @param entropy exactly 10 bytes.
 * @throws on an out-of-range time or entropy of the wrong length.
 */
export function encodeUlid(timeMs: number, entropy: Uint8Array): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > 0xffff_ffff_ffff) {
    throw new Error(`encodeUlid: time ${timeMs} is not a 48-bit ms timestamp`);
  }
  if (entropy.length !== 10) throw new Error(`encodeUlid: entropy must be 10 bytes, got ${entropy.length}`);
  let value = BigInt(timeMs);
  for (const byte of entropy) value = (value << 8n) | BigInt(byte);
  let out = "";
  for (let i = 25; i >= 0; i--) out += ALPHABET[Number((value >> BigInt(5 * i)) & 31n)];
  return out;
}

/** A random ULID at `timeMs` (ms since the epoch). */
export function ulid(timeMs: number): string {
  return encodeUlid(Math.floor(timeMs), randomBytes(10));
}

/**
 * The id Inngest derives for the `index`-th event of a request carrying
 * `x-inngest-event-id-seed: "<ms>,<base64 of 10 bytes>"`: time = ms, entropy = the 10 bytes with `index`
 * added to the big-endian uint32 in bytes 6–9 (wrapping). Same algorithm as Inngest's
 * `event.SeededIDFromString(value, index).ToULID()`.
 * @returns `undefined` when the seed is malformed (the caller then uses random ids, as Inngest does).
 */
export function seededEventId(seed: string | null | undefined, index: number): string | undefined {
  if (!seed) return undefined;
  const parts = seed.split(",");
  if (parts.length !== 2) return undefined;
  const [msText, b64] = parts as [string, string];
  if (!/^\d+$/.test(msText)) return undefined;
  const ms = Number(msText);
  if (ms <= 0 || ms > 0xffff_ffff_ffff) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const entropy = Buffer.from(b64, "base64");
  if (entropy.length !== 10) return undefined;
  const counter = (entropy.readUInt32BE(6) + index) >>> 0;
  entropy.writeUInt32BE(counter, 6);
  return encodeUlid(ms, entropy);
}

/**
 * A ULID fixed by `key`: time `timeMs`, entropy = first 10 bytes of SHA-256(`key`). Used for events the
 * executor emits itself (e.g. `inngest/function.failed`) so a re-emit after a crash dedupes.
 */
export function deterministicUlid(timeMs: number, key: string): string {
  return encodeUlid(Math.floor(timeMs), createHash("sha256").update(key).digest().subarray(0, 10));
}

/**
 * A generator of ULIDs that sort in creation order within this process, even within one millisecond
 * (or when a FakeClock stands still): same ms as the previous id → previous entropy + 1.
 */
export function monotonicUlidFactory(): (timeMs: number) => string {
  let lastTime = -1;
  let last = Buffer.alloc(10);
  return (timeMs: number) => {
    const t = Math.floor(timeMs);
    if (t <= lastTime) {
      const next = Buffer.from(last);
      for (let i = 9; i >= 0; i--) {
        const byte = (next[i] as number) + 1;
        next[i] = byte & 0xff;
        if (byte <= 0xff) break;
      }
      last = next;
      return encodeUlid(lastTime, last);
    }
    lastTime = t;
    last = randomBytes(10);
    last[0] = (last[0] as number) & 0x7f; // leave room to increment
    return encodeUlid(t, last);
  };
}
