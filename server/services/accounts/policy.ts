import "server-only";
/**
 * Standalone accounts (issue 17, "Accounts the platform already has": installs without a host platform):
 * which of its doors are open, the password rule they share with /settings/account, and their rate limits.
 * Rules: docs/requirements.md "Standalone accounts" (drafted in /tmp/req-accounts.md).
 */
import { z } from "zod";
import { env } from "../../env";
import { AppError } from "../errors";
import { fieldErrors } from "../api/contract";
import { hitRateLimit, type RateLimitRule } from "../api/rate-limit";
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH } from "../users/change-password";

/** Which account pages and endpoints are open. */
export interface AccountFeatures {
  /** /signup and POST /api/accounts/signup (HERALD_SIGNUP_ENABLED). */
  signup: boolean;
  /** /forgot-password, /reset-password/<token> and their endpoints (HERALD_PASSWORD_RESET_ENABLED). */
  passwordReset: boolean;
  /**
   * Confirming an address and asking for its link again: open whenever the email and password form is, so an
   * account made while sign-up was on can still finish after an operator closed sign-up.
   */
  verification: boolean;
}

/**
 * The open doors, from the `accounts` env group (server/env.ts), each closed when the email and password form
 * is off (HERALD_CREDENTIALS_SIGNIN=false, `oidc` group): a password nobody can sign in with is no use.
 */
export function accountFeatures(): AccountFeatures {
  const accounts = env("accounts");
  const credentials = env("oidc").HERALD_CREDENTIALS_SIGNIN !== false;
  return {
    signup: credentials && accounts.HERALD_SIGNUP_ENABLED,
    passwordReset: credentials && accounts.HERALD_PASSWORD_RESET_ENABLED,
    verification: credentials,
  };
}

/**
 * @throws AppError NOT_FOUND when `feature` is off (its pages answer 404 too), so a closed door looks like no door
 */
export function requireFeature(feature: keyof AccountFeatures): void {
  if (!accountFeatures()[feature]) throw new AppError("NOT_FOUND", "Not found");
}

/**
 * A new password: the rule of /settings/account (server/services/users/change-password.ts): at least
 * {@link MIN_PASSWORD_LENGTH} characters (NIST SP 800-63B §3.1.1.2 asks at least 8; Herald asks 12) and at most
 * {@link MAX_PASSWORD_BYTES} UTF-8 bytes, bcrypt's limit, refused rather than cut.
 */
export const newPasswordField = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
  .refine((s) => Buffer.byteLength(s, "utf8") <= MAX_PASSWORD_BYTES, `Use at most ${MAX_PASSWORD_BYTES} bytes (about 72 letters)`);

/** An email address as typed: trimmed and lower-cased (how `users.email` is stored and compared). */
export const emailField = z
  .string()
  .trim()
  .max(254, "At most 254 characters")
  .pipe(z.email("Enter a valid email address"))
  .transform((e) => e.toLowerCase());

/**
 * The limits (fixed windows in `rate_limit_buckets`, shared by every instance; issue 12 "Rate limits
 * everywhere a stranger can knock"). Per client address: each form on its own. Per email address (the key is
 * its SHA-256): one budget for every account email it can be sent (sign-up, the link again, password reset),
 * counted whether or not an account exists, so neither the answer nor the limit tells.
 */
export const ACCOUNT_LIMITS = {
  signupAddress: { limit: 10, windowMs: 3_600_000 },
  resendAddress: { limit: 10, windowMs: 3_600_000 },
  verifyAddress: { limit: 30, windowMs: 3_600_000 },
  forgotAddress: { limit: 10, windowMs: 3_600_000 },
  resetAddress: { limit: 30, windowMs: 3_600_000 },
  mailPerEmail: { limit: 5, windowMs: 3_600_000 },
} as const satisfies Record<string, RateLimitRule>;

/**
 * Counts one request against `key` under `rule`.
 * @throws AppError RATE_LIMITED (`details.retry_after`: whole seconds) past the limit
 */
export async function limit(key: string, rule: RateLimitRule, now = new Date()): Promise<void> {
  const r = await hitRateLimit(key, rule, now);
  if (!r.allowed) throw new AppError("RATE_LIMITED", `Too many requests. Try again in ${r.retryAfter} seconds.`, { retry_after: r.retryAfter });
}

/**
 * A VALIDATION_ERROR for a failed parse: the first issue's message, the issues by field
 * (server/services/api/contract.ts `fieldErrors`), and the ZodError as `cause` so the edge can word them for
 * the reader (server/i18n-errors.ts `localizeAppError`).
 */
export function invalid(error: z.ZodError): AppError {
  return new AppError("VALIDATION_ERROR", error.issues[0]?.message ?? "Invalid input", fieldErrors(error), { cause: error });
}
