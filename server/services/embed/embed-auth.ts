import "server-only";
/**
 * Who an embedded inbox speaks for (docs/requirements.md R21.2): the embedding configuration from the
 * environment, and a user token (./embed-token.ts) turned into the person it names, or nobody.
 *
 * @module
 */
import { db } from "../../db";
import { env } from "../../env";
import type { Role } from "../../generated/prisma/client";
import { verifyEmbedToken } from "./embed-token";

/** The embedding settings (server/env.ts group `embed`) while embedding is on. */
export interface EmbedConfig {
  /** `HERALD_EMBED_SECRET`. */
  secret: string;
  /** `HERALD_EMBED_ORIGINS`: the exact origins CORS allows. */
  origins: readonly string[];
  /** `HERALD_EMBED_TOKEN_MAX_AGE_S`: the longest token lifetime accepted, seconds. */
  maxAgeS: number;
}

/**
 * The embedding settings, or null when embedding is off (`HERALD_EMBED_SECRET` unset or empty): then
 * every `/api/embed/v1` endpoint answers 404.
 * @throws Error naming the variable when one is malformed (server/env.ts)
 */
export function embedConfig(): EmbedConfig | null {
  const e = env("embed");
  if (!e.HERALD_EMBED_SECRET) return null;
  return { secret: e.HERALD_EMBED_SECRET, origins: e.HERALD_EMBED_ORIGINS, maxAgeS: e.HERALD_EMBED_TOKEN_MAX_AGE_S };
}

/** The person an accepted token names. */
export interface EmbedPrincipal {
  userId: string;
  role: Role;
  /** The language they chose in Herald ("en", "af", "zu"), or null. */
  locale: string | null;
  /** When the token stops working. */
  expiresAt: Date;
}

/**
 * Authenticates a user token: well-formed, its HMAC matching under the configured secret (constant-time),
 * not expired, expiring at most `maxAgeS` ahead, and naming a user that exists (a deleted account's row is
 * gone, R16.3). One indexed lookup by primary key, only after the MAC matched.
 * @param token the bearer token as sent
 * @param config {@link embedConfig}'s settings
 * @param now the time, ms since the epoch (default: now)
 * @returns the principal, or null for any refusal (the caller answers one 401 for all of them)
 */
export async function authenticateEmbedToken(token: string, config: EmbedConfig, now: number = Date.now()): Promise<EmbedPrincipal | null> {
  const checked = verifyEmbedToken(token, config.secret, { maxAgeS: config.maxAgeS, now });
  if (!checked.ok) return null;
  const user = await db.user.findUnique({ where: { id: checked.userId }, select: { id: true, role: true, locale: true } });
  if (!user) return null;
  return { userId: user.id, role: user.role, locale: user.locale, expiresAt: checked.expiresAt };
}
