import "server-only";
/**
 * Personal access tokens for Herald's HTTP API (`Authorization: Bearer hrld_pat_…`). A token is
 * `hrld_pat_` + 32 random bytes in base64url, shown once when created; only its SHA-256 (hex) is stored, with
 * the first 12 characters as `prefix` so people can tell tokens apart. Each token carries scopes from
 * {@link TOKEN_SCOPES} and an optional expiry; revoked or expired tokens never authenticate.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../../db";
import type { Role } from "../../generated/prisma/client";
import { AppError } from "../errors";

/** What a token may do. Each `/api/v1` endpoint needs exactly one of these. */
export const TOKEN_SCOPES = {
  "notifications:read": "Read your notifications and unread count",
  "notifications:write": "Mark notifications read and delete them",
  preferences: "Read and change your notification preferences",
  following: "Follow and unfollow businesses, list follows and followers",
  /** Issue 17 "Push to native apps": `POST /api/v1/devices`, `DELETE /api/v1/devices/{token}`. */
  devices: "Register and remove your app's devices for push notifications",
} as const;
export type TokenScope = keyof typeof TOKEN_SCOPES;
export const TOKEN_SCOPE_NAMES = Object.keys(TOKEN_SCOPES) as [TokenScope, ...TokenScope[]];

export const TOKEN_PREFIX = "hrld_pat_";
/** Active (unrevoked) tokens a user may hold at once. */
export const MAX_TOKENS_PER_USER = 50;
/** `lastUsedAt` is written at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** `hrld_pat_` + base64url of 32 bytes (43 characters). */
const TOKEN_FORMAT = /^hrld_pat_[A-Za-z0-9_-]{43}$/;

/** Input of {@link createToken} (also the tRPC input): unknown fields rejected. */
export const createTokenInput = z
  .object({
    name: z.string().trim().min(1, "Give the token a name").max(80, "At most 80 characters"),
    scopes: z.array(z.enum(TOKEN_SCOPE_NAMES)).min(1, "Choose at least one scope").max(TOKEN_SCOPE_NAMES.length),
    /** Days until the token expires (1–365); absent or null: never. */
    expiresInDays: z.number().int().min(1).max(365).nullish(),
  })
  .strict();
export type CreateTokenInput = z.input<typeof createTokenInput>;

/** A token as lists show it: never the secret, never the hash. */
export interface TokenSummary {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
}

/** The caller of an `/api/v1` request, as authenticated by {@link verifyToken}. */
export interface TokenPrincipal {
  /** A personal access token, or (routes that take one) the platform's signed user token (R21.2). */
  kind: "pat" | "user_token";
  tokenId: string;
  userId: string;
  role: Role;
  scopes: TokenScope[];
}

/** SHA-256 hex of a token: the only form stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const summary = (t: { id: string; name: string; prefix: string; scopes: string[]; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null }, now = new Date()): TokenSummary => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scopes: t.scopes.filter((s): s is TokenScope => Object.hasOwn(TOKEN_SCOPES, s)),
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  expired: t.expiresAt !== null && t.expiresAt <= now,
});

/**
 * Creates a token for the user. The returned `token` is the only time the secret exists outside the
 * caller's hands: show it once.
 * @throws AppError VALIDATION_ERROR (bad input, or {@link MAX_TOKENS_PER_USER} active tokens already)
 */
export async function createToken(userId: string, input: CreateTokenInput): Promise<{ token: string; summary: TokenSummary }> {
  const parsed = createTokenInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid token", z.flattenError(parsed.error).fieldErrors);
  }
  const { name, scopes, expiresInDays } = parsed.data;
  const active = await db.personalAccessToken.count({ where: { userId, revokedAt: null } });
  if (active >= MAX_TOKENS_PER_USER) {
    throw new AppError("VALIDATION_ERROR", `You can have at most ${MAX_TOKENS_PER_USER} tokens. Revoke one first.`, { limit: MAX_TOKENS_PER_USER });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await db.personalAccessToken.create({
    data: {
      userId,
      name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 12),
      scopes: [...new Set(scopes)],
      expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
    },
  });
  return { token, summary: summary(row) };
}

/** The user's tokens that are not revoked (expired ones included, flagged), newest first. */
export async function listTokens(userId: string): Promise<TokenSummary[]> {
  const rows = await db.personalAccessToken.findMany({
    where: { userId, revokedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true },
  });
  const now = new Date();
  return rows.map((r) => summary(r, now));
}

/**
 * Revokes one of the user's tokens; it stops authenticating at once. Revoking a revoked token is a no-op.
 * @throws AppError NOT_FOUND when missing or someone else's (the same answer for both).
 */
export async function revokeToken(userId: string, id: string): Promise<void> {
  const row = await db.personalAccessToken.findFirst({ where: { id, userId }, select: { revokedAt: true } });
  if (!row) throw new AppError("NOT_FOUND", "Token not found");
  if (!row.revokedAt) await db.personalAccessToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/**
 * The principal a bearer token stands for, or null when the token is malformed, unknown, revoked or
 * expired (callers answer all four the same way). Looks the token up by its SHA-256 (the comparison happens
 * on the hash, so timing reveals nothing about the secret), and records `lastUsedAt` at most once a minute.
 */
export async function verifyToken(token: string, now = new Date()): Promise<TokenPrincipal | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  const row = await db.personalAccessToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, scopes: true, lastUsedAt: true, expiresAt: true, revokedAt: true, user: { select: { role: true } } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt < stale) {
    await db.personalAccessToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] },
      data: { lastUsedAt: now },
    });
  }
  return {
    kind: "pat",
    tokenId: row.id,
    userId: row.userId,
    role: row.user.role,
    scopes: row.scopes.filter((s): s is TokenScope => Object.hasOwn(TOKEN_SCOPES, s)),
  };
}
