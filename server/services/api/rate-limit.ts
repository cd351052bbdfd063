import "server-only";
/**
 * Rate limits of the HTTP API (docs/requirements.md R15.5), kept in the database (`rate_limit_buckets`) so they hold
 * across every app process: fixed windows, one `INSERT … ON CONFLICT … DO UPDATE … RETURNING` per request.
 * Old buckets are dead weight only (the `window_start` index makes a pruner a single DELETE).
 */
import { db } from "../../db";
import type { Role } from "../../generated/prisma/client";

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Per token, by the owner's role (docs/requirements.md R15.5: customer 50, NGO 75, business 100, admin 500 a minute). */
export const ROLE_LIMITS: Record<Role, RateLimitRule> = {
  CUSTOMER: { limit: 50, windowMs: 60_000 },
  BUSINESS: { limit: 100, windowMs: 60_000 },
  NGO: { limit: 75, windowMs: 60_000 },
  ADMIN: { limit: 500, windowMs: 60_000 },
};

/** Per client IP for unauthenticated and failed-auth requests (docs/requirements.md R15.5: 100 an hour). */
export const ANON_LIMIT: RateLimitRule = { limit: 100, windowMs: 3_600_000 };

/**
 * Limits where a stranger can knock (issue 12 "Rate limits everywhere a stranger can knock"), each a fixed
 * window counted in `rate_limit_buckets` (shared by every app process); refusals are 429 with `Retry-After`
 * (RFC 6585 §4) or tRPC TOO_MANY_REQUESTS. Addresses come from `clientAddress` (issue 12 "Client address").
 * - `trpcMutation`: tRPC mutations per signed-in user (`trpc:user:<id>`): 120/min, far above any person.
 * - `pusherAuthUser` / `pusherAuthAddress`: POST /api/pusher/auth per user (120/min) and per address
 *   (`pusher-auth:ip:<address>`, 600/min: one call per channel subscription, many people behind one NAT).
 * - `unsubscribeAddress`: POST /api/unsubscribe/<token> per address, 120/min (mailbox providers send RFC 8058
 *   one-click POSTs for many recipients from few addresses).
 * - `newsletterAddress`: POST /api/newsletter and /api/newsletter/confirm per address together, 30/hour;
 *   `newsletterEmail`: signups per email (`newsletter:email:<sha-256>`), 5/hour, so nobody floods an inbox
 *   with confirmation mails. The newsletter service keeps its own 10 signups/hour per address too.
 */
export const PUBLIC_LIMITS = {
  trpcMutation: { limit: 120, windowMs: 60_000 },
  pusherAuthUser: { limit: 120, windowMs: 60_000 },
  pusherAuthAddress: { limit: 600, windowMs: 60_000 },
  unsubscribeAddress: { limit: 120, windowMs: 60_000 },
  newsletterAddress: { limit: 30, windowMs: 3_600_000 },
  newsletterEmail: { limit: 5, windowMs: 3_600_000 },
} as const satisfies Record<string, RateLimitRule>;

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests left in this window (0 when over). */
  remaining: number;
  /** When the window ends. */
  resetAt: Date;
  /** Whole seconds until the window ends (at least 1): the `Retry-After` value. */
  retryAfter: number;
}

/** The start of the fixed window that `now` falls in (windows are aligned to the Unix epoch). */
export function windowStart(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/**
 * Counts one request against `key` (e.g. `pat:<token id>`, `ip:<address>`) and says whether it is allowed.
 * Every request is counted, refused ones too, so hammering past the limit does not reset anything.
 */
export async function hitRateLimit(key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitResult> {
  const start = windowStart(now, rule.windowMs);
  const [row] = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO rate_limit_buckets (key, window_start, count) VALUES (${key}, ${start}, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + 1
    RETURNING count`;
  const count = Number(row?.count ?? 1);
  const resetAt = new Date(start.getTime() + rule.windowMs);
  return {
    allowed: count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    resetAt,
    retryAfter: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
  };
}

/** The `X-RateLimit-*` (and, when refused, `Retry-After`) headers for a result. `Reset` is Unix seconds. */
export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  return {
    "x-ratelimit-limit": String(r.limit),
    "x-ratelimit-remaining": String(r.remaining),
    "x-ratelimit-reset": String(Math.ceil(r.resetAt.getTime() / 1000)),
    ...(r.allowed ? {} : { "retry-after": String(r.retryAfter) }),
  };
}
