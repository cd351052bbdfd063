import "server-only";
/**
 * API keys for host platforms (docs/requirements.md R15.2): the credential of `POST /api/v1/events`
 * (`Authorization: Bearer hrld_key_…`). Admins create, list and revoke them. A key is `hrld_key_` + 32 random
 * bytes in base64url, shown once when created; only its SHA-256 (hex) is stored (`keyHash`), with the first
 * 12 characters as `prefix` so admins can tell keys apart. A key is not tied to a user or business: it acts
 * for the host platform as a whole. Revoked keys never authenticate.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../../db";
import { AppError } from "../errors";
import type { RateLimitRule } from "./rate-limit";

export const API_KEY_PREFIX = "hrld_key_";
/** `hrld_key_` + base64url of 32 bytes (43 characters). */
const KEY_FORMAT = /^hrld_key_[A-Za-z0-9_-]{43}$/;
/** Active (unrevoked) keys at once. */
export const MAX_API_KEYS = 100;
/** Per key: 600 requests a minute (fixed window, `apikey:<id>` bucket of ./rate-limit.ts). */
export const API_KEY_LIMIT: RateLimitRule = { limit: 600, windowMs: 60_000 };
/** `lastUsedAt` is written at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Input of {@link createApiKey} (also the tRPC input). */
export const createApiKeyInput = z
  .object({ name: z.string().trim().min(1, "Give the key a name").max(80, "At most 80 characters") })
  .strict();
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

/** A key as lists show it: never the secret, never the hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
}

/** The caller of `POST /api/v1/events`, as authenticated by {@link verifyApiKey}. */
export interface ApiKeyPrincipal {
  kind: "apikey";
  keyId: string;
  name: string;
}

/** SHA-256 hex of a key: the only form stored. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

type Row = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; createdBy: { name: string } | null };
const select = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, createdBy: { select: { name: true } } } as const;
const summary = (k: Row): ApiKeySummary => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  createdBy: k.createdBy?.name ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

/**
 * Creates a key (the caller must be an admin: the tRPC router's `adminProcedure` checks). The returned `key`
 * is the only time the secret exists outside the caller's hands: show it once.
 * @throws AppError VALIDATION_ERROR (bad name, or {@link MAX_API_KEYS} active keys already)
 */
export async function createApiKey(adminUserId: string, input: CreateApiKeyInput): Promise<{ key: string; summary: ApiKeySummary }> {
  const parsed = createApiKeyInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid key", z.flattenError(parsed.error).fieldErrors);
  }
  if ((await db.apiKey.count({ where: { revokedAt: null } })) >= MAX_API_KEYS) {
    throw new AppError("VALIDATION_ERROR", `At most ${MAX_API_KEYS} active API keys. Revoke one first.`, { limit: MAX_API_KEYS });
  }
  const key = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  const row = await db.apiKey.create({
    data: { name: parsed.data.name, keyHash: hashApiKey(key), prefix: key.slice(0, 12), createdById: adminUserId },
    select,
  });
  return { key, summary: summary(row) };
}

/** Every key that is not revoked, newest first. */
export async function listApiKeys(): Promise<ApiKeySummary[]> {
  const rows = await db.apiKey.findMany({ where: { revokedAt: null }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select });
  return rows.map(summary);
}

/**
 * Revokes a key; it stops authenticating at once. Revoking a revoked key is a no-op.
 * @throws AppError NOT_FOUND
 */
export async function revokeApiKey(id: string): Promise<void> {
  const row = await db.apiKey.findUnique({ where: { id }, select: { revokedAt: true } });
  if (!row) throw new AppError("NOT_FOUND", "API key not found");
  if (!row.revokedAt) await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
}

/**
 * The principal an API key stands for, or null when it is malformed, unknown or revoked (callers answer
 * all three alike). Looked up by SHA-256; `lastUsedAt` is written at most once a minute.
 */
export async function verifyApiKey(key: string, now = new Date()): Promise<ApiKeyPrincipal | null> {
  if (!KEY_FORMAT.test(key)) return null;
  const row = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, select: { id: true, name: true, lastUsedAt: true, revokedAt: true } });
  if (!row || row.revokedAt) return null;
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt < stale) {
    await db.apiKey.updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] }, data: { lastUsedAt: now } });
  }
  return { kind: "apikey", keyId: row.id, name: row.name };
}
