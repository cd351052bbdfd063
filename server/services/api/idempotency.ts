import "server-only";
/**
 * `Idempotency-Key` for the HTTP API's writes (POST /api/v1/events), kept in `idempotency_records` so it
 * holds across every app process. The record's key is `<caller>:<Idempotency-Key>` (the caller is
 * `apikey:<id>`, so two keys never share records); it stores the SHA-256 of the canonical request body (RFC
 * 8785 JSON canonicalization: key order and whitespace do not matter) and the response.
 *
 * Protocol, in order:
 * 1. {@link claimIdempotencyKey} inserts the record as "in progress" (`status = 0`) with
 *    `INSERT … ON CONFLICT (key) DO NOTHING`: the primary key decides, atomically, which of several
 *    concurrent first requests runs (PostgreSQL and PGlite alike).
 * 2. The winner runs and {@link completeIdempotencyKey} stores its status and body; when it fails with a
 *    server error, {@link releaseIdempotencyKey} deletes the record so a retry runs again.
 * 3. Everyone else gets the stored answer (same body) — `replay` —, `mismatch` (another body: 422
 *    IDEMPOTENCY_KEY_REUSED) or `in_progress` (409 IDEMPOTENCY_IN_PROGRESS, retry shortly).
 *
 * Records older than {@link IDEMPOTENCY_TTL_MS} (24 h) are ignored and replaced. An "in progress" record
 * older than {@link ABANDONED_AFTER_MS} is taken to belong to a crashed process and may be claimed again.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { db } from "../../db";

/**
 * A stable UUID for one request: derived from `<caller>:<Idempotency-Key>:<request hash>` like an RFC 9562
 * name-based UUID (SHA-256, version 8 bits set). Handlers use it as the id of what they create, so a retry
 * after a crashed attempt (an abandoned "in progress" record) finds the first attempt's work instead of
 * doing it twice.
 */
export function eventIdFor(name: string): string {
  const h = createHash("sha256").update(`herald/event/${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8 (custom)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Records answer for 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** An "in progress" record this old is abandoned (its process died before completing). */
export const ABANDONED_AFTER_MS = 5 * 60_000;
/** `status` of a record whose request is still running. */
const IN_PROGRESS = 0;
/** 1–255 visible ASCII characters (0x21–0x7E). */
export const IDEMPOTENCY_KEY_FORMAT = /^[\x21-\x7E]{1,255}$/;

/** SHA-256 hex of a JSON value's RFC 8785 canonical form. */
export function requestHash(body: unknown): string {
  return createHash("sha256").update(canonicalize(body) ?? "null", "utf8").digest("hex");
}

export type ClaimResult =
  | { kind: "claimed" }
  | { kind: "replay"; status: number; body: unknown }
  | { kind: "mismatch" }
  | { kind: "in_progress" };

/**
 * Claims `key` for a request whose canonical body hashes to `hash`, or says what to answer instead.
 * @param key `<caller>:<Idempotency-Key>`
 */
export async function claimIdempotencyKey(key: string, hash: string, now = new Date()): Promise<ClaimResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db.$queryRaw<{ key: string }[]>`
      INSERT INTO idempotency_records (key, request_hash, status, response, created_at)
      VALUES (${key}, ${hash}, ${IN_PROGRESS}, 'null'::jsonb, ${now}::timestamptz)
      ON CONFLICT (key) DO NOTHING
      RETURNING key`;
    if (inserted.length > 0) return { kind: "claimed" };
    const row = await db.idempotencyRecord.findUnique({ where: { key } });
    if (!row) continue; // deleted in between (released or expired): try again
    const age = now.getTime() - row.createdAt.getTime();
    const expired = age > IDEMPOTENCY_TTL_MS || (row.status === IN_PROGRESS && age > ABANDONED_AFTER_MS);
    if (expired) {
      // Only the one who deletes this exact record may insert the next one (the others loop and see it).
      await db.idempotencyRecord.deleteMany({ where: { key, createdAt: row.createdAt, status: row.status } });
      continue;
    }
    if (row.requestHash !== hash) return { kind: "mismatch" };
    if (row.status === IN_PROGRESS) return { kind: "in_progress" };
    return { kind: "replay", status: row.status, body: row.response };
  }
  return { kind: "in_progress" };
}

/** Stores the answer of a claimed request. */
export async function completeIdempotencyKey(key: string, status: number, body: unknown): Promise<void> {
  await db.$executeRaw`UPDATE idempotency_records SET status = ${status}, response = ${JSON.stringify(body)}::jsonb WHERE key = ${key} AND status = ${IN_PROGRESS}`;
}

/** Forgets a claimed request that failed on our side, so that a retry with the same key runs again. */
export async function releaseIdempotencyKey(key: string): Promise<void> {
  await db.idempotencyRecord.deleteMany({ where: { key, status: IN_PROGRESS } });
}
