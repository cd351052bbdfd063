import "server-only";
/**
 * Single-use links sent by email (issue 17, standalone accounts; rules in docs/requirements.md "Standalone
 * accounts"): verifying the address of an account made at /signup, and choosing a new password.
 *
 * A link carries `<id>.<secret>`: the `account_tokens` row's id (looked up by primary key) and 32 random bytes
 * (base64url, 43 characters). Only the SHA-256 of the secret is stored, so a copy of the database opens no
 * link; the presented secret's hash is compared in constant time (server/signing.ts; OWASP Forgot Password Cheat
 * Sheet, https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html: "single use",
 * "expire after an appropriate period", "stored in a secure manner"). A secret that does not match reads as
 * `invalid` whatever the row's state, so a guess learns nothing about the link it aims at.
 */
import { createHash, randomBytes } from "node:crypto";
import { db } from "../../db";
import { constantTimeEqual } from "../../signing";
import type { AccountTokenPurpose, Prisma } from "../../generated/prisma/client";

/** A verification link works this long (ms): 24 hours. */
export const VERIFY_EMAIL_TTL_MS = 24 * 3_600_000;
/** A password reset link works this long (ms): 1 hour, as the email says (emails/password-reset.tsx). */
export const RESET_PASSWORD_TTL_MS = 60 * 60_000;

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** What a link came to: `valid` (with its row), or why not. */
export type TokenCheck =
  | { status: "valid"; id: string; userId: string; expiresAt: Date }
  | { status: "expired" | "used" | "invalid" };

type Client = Pick<typeof db, "$queryRaw" | "$executeRaw">;

const sha256 = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");

/** `<id>` and `<secret>` of a well-formed token, else null (anything longer than 80 characters is not one). */
export function parseAccountToken(raw: unknown): { id: string; secret: string } | null {
  if (typeof raw !== "string" || raw.length > 80) return null;
  const m = TOKEN.exec(raw);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/**
 * Creates a link for `userId` and returns its token (`<id>.<secret>`: put it in the email, never store or log
 * it). Deletes the user's links of this purpose that were used or expired more than a day ago first, so they do
 * not pile up (a link used or expired since still says so on its page).
 * @param ttlMs how long it works ({@link VERIFY_EMAIL_TTL_MS}, {@link RESET_PASSWORD_TTL_MS})
 * @param now its issue time (UTC; default now)
 */
export async function issueAccountToken(userId: string, purpose: AccountTokenPurpose, ttlMs: number, now = new Date(), client: Client = db): Promise<string> {
  const secret = randomBytes(32).toString("base64url");
  const dayAgo = new Date(now.getTime() - 86_400_000);
  await client.$executeRaw`
    DELETE FROM account_tokens
    WHERE user_id = ${userId}::uuid AND purpose = ${purpose}::"AccountTokenPurpose" AND (consumed_at <= ${dayAgo} OR expires_at <= ${dayAgo})`;
  const [row] = await client.$queryRaw<{ id: string }[]>`
    INSERT INTO account_tokens (user_id, purpose, secret_hash, expires_at, created_at)
    VALUES (${userId}::uuid, ${purpose}::"AccountTokenPurpose", ${sha256(secret)}, ${new Date(now.getTime() + ttlMs)}, ${now})
    RETURNING id`;
  return `${row!.id}.${secret}`;
}

/**
 * Checks a link without using it (what its page shows before the click).
 * @param opts.lock lock the row (`FOR UPDATE`) inside the caller's transaction `client`, so two clicks at once
 *   cannot both use it
 * @returns `valid`, or `invalid` (malformed, unknown, another purpose, or a secret that does not match),
 *   `used`, `expired` (only told when the secret matches)
 */
export async function checkAccountToken(raw: unknown, purpose: AccountTokenPurpose, opts: { now?: Date; client?: Client; lock?: boolean } = {}): Promise<TokenCheck> {
  const parsed = parseAccountToken(raw);
  if (!parsed) return { status: "invalid" };
  const client = opts.client ?? db;
  const rows = opts.lock
    ? await client.$queryRaw<TokenRow[]>`
        SELECT id, user_id, purpose::text AS purpose, secret_hash, expires_at, consumed_at FROM account_tokens WHERE id = ${parsed.id}::uuid FOR UPDATE`
    : await client.$queryRaw<TokenRow[]>`
        SELECT id, user_id, purpose::text AS purpose, secret_hash, expires_at, consumed_at FROM account_tokens WHERE id = ${parsed.id}::uuid`;
  const row = rows[0];
  // Hash and compare even without a row, so an unknown id costs what a known one does.
  const presented = Buffer.from(sha256(parsed.secret), "hex");
  const stored = Buffer.from(row?.secret_hash ?? "0".repeat(64), "hex");
  const matches = constantTimeEqual(stored, presented);
  if (!row || !matches || row.purpose !== purpose) return { status: "invalid" };
  if (row.consumed_at) return { status: "used" };
  if (row.expires_at.getTime() <= (opts.now ?? new Date()).getTime()) return { status: "expired" };
  return { status: "valid", id: row.id, userId: row.user_id, expiresAt: row.expires_at };
}

interface TokenRow {
  id: string;
  user_id: string;
  purpose: string;
  secret_hash: string;
  expires_at: Date;
  consumed_at: Date | null;
}

/**
 * Uses a link inside the caller's transaction `tx`: checks it with its row locked, then marks it and every
 * other open link of the user for this purpose used (one link works, once).
 * @returns the check: when `valid`, the link is used once `tx` commits
 */
export async function consumeAccountToken(tx: Prisma.TransactionClient, raw: unknown, purpose: AccountTokenPurpose, now = new Date()): Promise<TokenCheck> {
  const check = await checkAccountToken(raw, purpose, { now, client: tx, lock: true });
  if (check.status !== "valid") return check;
  await tx.$executeRaw`
    UPDATE account_tokens SET consumed_at = ${now}
    WHERE user_id = ${check.userId}::uuid AND purpose = ${purpose}::"AccountTokenPurpose" AND consumed_at IS NULL`;
  return check;
}
