import "server-only";
/**
 * Sign-up with email verification (issue 17, standalone installs; rules: docs/requirements.md "Standalone
 * accounts", drafted in /tmp/req-accounts.md):
 *
 * - /signup creates a CUSTOMER account whose address is unconfirmed (`users.email_verified_at` null) and
 *   emails a confirmation link (24 h, single use). Until it is followed the account cannot sign in with its
 *   password (server/auth.ts): the address is unproven, and an account someone made with another person's
 *   address must stay inert (no session, no mail beyond the link).
 * - Signing up with an address that already has an account answers exactly as a new one does (same status,
 *   same body, the same work before the answer: a bcrypt hash and one outbox row). The account is left alone
 *   — its password is NOT replaced, whoever typed the form — and its owner gets an email saying someone tried,
 *   with a sign-in link and a password reset link. Sending nothing would leave a person who forgot they have an
 *   account with no clue; sending a confirmation link would let the form's author pick the password of an
 *   account the owner then confirms.
 * - The link again ("Send the link again" on /signin) takes the email AND the password, under the sign-in
 *   limit, so only the person who chose the password can ask for more links to that address.
 * - Following the link shows a button; the click (a POST) confirms, so a mail scanner's GET confirms nothing.
 * - Limits: 10 sign-ups an hour per client address, 5 account emails an hour per email address.
 */
import bcrypt from "bcryptjs";
import { z } from "zod";
import { db } from "../../db";
import { LOCALES, type Locale } from "../../../lib/i18n";
import { NAME_MAX } from "../../../lib/accounts";
import { withEvents } from "../outbox/outbox";
import { AppError } from "../errors";
import { BCRYPT_COST } from "../users/change-password";
import { verifyCredentials } from "../users/credentials";
import { isTimeZone } from "../../../lib/time-zone";
import { accountHash, attemptSignIn } from "../security/login-throttle";
import { maskEmail } from "../email/unsubscribe";
import { accountEmailEvent } from "./account-mail";
import { checkAccountToken, consumeAccountToken, parseAccountToken } from "./account-tokens";
import { ACCOUNT_LIMITS, emailField, invalid, limit, newPasswordField, requireFeature } from "./policy";

export { NAME_MAX };

/** The sign-up form (POST /api/accounts/signup): unknown fields refused. */
export const signUpInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Enter your name")
      .max(NAME_MAX, `At most ${NAME_MAX} characters`)
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "Use letters, not control characters"),
    email: emailField,
    password: newPasswordField,
    /** The language Herald writes in; the form starts with the browser's. */
    locale: z.enum(LOCALES),
    /** The browser's IANA time zone (quiet hours, digests); absent or unknown: UTC. */
    timezone: z.string().max(64).optional(),
    /** Honeypot: hidden from people; a bot that fills it is told "check your inbox" and nothing happens. */
    website: z.string().max(200).optional(),
  })
  .strict();
export type SignUpInput = z.input<typeof signUpInput>;

/** What every well-formed sign-up is told, whatever the address. */
export const CHECK_INBOX = { status: "check_inbox" } as const;

/**
 * Signs someone up (see the module comment): a new unverified account and its confirmation email, or, for an
 * address that has an account, the note to its owner. The email goes out through the outbox.
 * @param meta.address the client address (`clientAddress`); `meta.now` the time (UTC; default now)
 * @returns always {@link CHECK_INBOX} for a well-formed request
 * @throws AppError NOT_FOUND when sign-up is off (HERALD_SIGNUP_ENABLED); VALIDATION_ERROR with `details` per
 *   field; RATE_LIMITED (`details.retry_after`, s) past 10 sign-ups an hour from the address or 5 account
 *   emails an hour to the email address
 */
export async function signUp(input: unknown, meta: { address: string; now?: Date }): Promise<typeof CHECK_INBOX> {
  requireFeature("signup");
  const now = meta.now ?? new Date();
  await limit(`accounts:signup:ip:${meta.address}`, ACCOUNT_LIMITS.signupAddress, now);
  const parsed = signUpInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const { name, email, password, locale, timezone, website } = parsed.data;
  if (website) return CHECK_INBOX;
  await limit(`accounts:mail:${accountHash(email)}`, ACCOUNT_LIMITS.mailPerEmail, now);
  // Hashed whether or not the address is taken: the same work before the same answer.
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  const tz = timezone && isTimeZone(timezone) ? timezone : "UTC";
  await withEvents(async (tx, emit) => {
    const [created] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO users (email, name, password_hash, role, locale, timezone, email_verified_at)
      VALUES (${email}, ${name}, ${passwordHash}, 'CUSTOMER', ${locale}, ${tz}, NULL)
      ON CONFLICT (email) DO NOTHING
      RETURNING id`;
    if (created) {
      await emit(accountEmailEvent("verify_email", created.id, { at: now, locale }));
      await tx.auditLog.create({ data: { actorId: created.id, action: "account.signed_up", targetType: "user", targetId: created.id, details: { address: meta.address }, createdAt: now } });
      return;
    }
    const [existing] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE email = ${email}`;
    if (!existing) return; // deleted between the two statements: nobody to tell
    await emit(accountEmailEvent("account_exists", existing.id, { at: now, locale }));
    await tx.auditLog.create({
      data: { actorId: null, action: "account.sign_up_existing", targetType: "user", targetId: existing.id, details: { account: accountHash(email), address: meta.address }, createdAt: now },
    });
  });
  return CHECK_INBOX;
}

const resendInput = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) }).strict();

/**
 * "Send the link again" (POST /api/accounts/verify-email/resend): checks the email and password under the
 * sign-in limit (server/services/security/login-throttle.ts: a failure here counts as a failed sign-in), then
 * sends a new confirmation link (the older ones keep working until one is used or they expire).
 * @param meta.locale the request's language, for an account that chose none
 * @returns `sent`, or `already_verified` (the person can just sign in)
 * @throws AppError NOT_FOUND when the form is off; VALIDATION_ERROR for malformed input or a wrong pair (the
 *   sign-in form's words: nothing about whether the address has an account); RATE_LIMITED (`details.retry_after`)
 *   past 10 requests an hour from the address, while the sign-in limit locks the account or address, or past
 *   5 account emails an hour to the address
 */
export async function resendVerification(input: unknown, meta: { address: string; locale?: Locale | null; now?: Date }): Promise<{ status: "sent" | "already_verified" }> {
  requireFeature("verification");
  const now = meta.now ?? new Date();
  await limit(`accounts:resend:ip:${meta.address}`, ACCOUNT_LIMITS.resendAddress, now);
  const parsed = resendInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const outcome = await attemptSignIn({ ...parsed.data, address: meta.address }, verifyCredentials, now);
  if (outcome.status === "locked" || (outcome.status === "failed" && outcome.retryAfter !== null)) {
    const retryAfter = outcome.retryAfter ?? 1;
    throw new AppError("RATE_LIMITED", `Too many attempts. Try again in ${retryAfter} seconds.`, { retry_after: retryAfter });
  }
  if (outcome.status === "failed") throw new AppError("VALIDATION_ERROR", "That email and password do not match an account.", { password: ["Wrong email or password"] });
  const user = outcome.user;
  if (user.emailVerified) return { status: "already_verified" };
  await limit(`accounts:mail:${accountHash(user.email)}`, ACCOUNT_LIMITS.mailPerEmail, now);
  await withEvents(async (_tx, emit) => {
    await emit(accountEmailEvent("verify_email", user.id, { at: now, locale: meta.locale ?? null }));
  });
  return { status: "sent" };
}

/** What a confirmation link came to (nothing changes unless `verified`). */
export type VerifyOutcome = "verified" | "used" | "expired" | "invalid";

/**
 * Confirms the address a link names (POST /api/accounts/verify-email, from the link's page): the link is used
 * (it and the user's other confirmation links stop working) and the account may sign in from then on.
 * @returns the outcome; `verified` also when the account was confirmed meanwhile by other means (a password
 *   reset), as long as this link was still unused
 * @throws AppError NOT_FOUND when the form is off; RATE_LIMITED past 30 tries an hour from the client address
 */
export async function verifyEmail(token: unknown, meta: { address: string; now?: Date }): Promise<VerifyOutcome> {
  requireFeature("verification");
  const now = meta.now ?? new Date();
  await limit(`accounts:verify:ip:${meta.address}`, ACCOUNT_LIMITS.verifyAddress, now);
  if (!parseAccountToken(token)) return "invalid";
  return db.$transaction(async (tx) => {
    const check = await consumeAccountToken(tx, token, "VERIFY_EMAIL", now);
    if (check.status !== "valid") return check.status;
    await tx.$executeRaw`UPDATE users SET email_verified_at = coalesce(email_verified_at, ${now}) WHERE id = ${check.userId}::uuid`;
    await tx.auditLog.create({ data: { actorId: check.userId, action: "account.email_verified", targetType: "user", targetId: check.userId, details: { address: meta.address }, createdAt: now } });
    return "verified" as const;
  });
}

/** What the link's page shows before the click. */
export type VerificationState =
  | { status: "valid"; email: string }
  | { status: "used"; verified: boolean }
  | { status: "expired" | "invalid" };

/**
 * The state of a confirmation link, changing nothing (GET /verify-email/<token>): the account's address masked
 * (`th…@example.org`) when the link works; for a used link whether the address is confirmed (the page then
 * says "sign in").
 */
export async function verificationState(token: unknown, now = new Date()): Promise<VerificationState> {
  const check = await checkAccountToken(token, "VERIFY_EMAIL", { now });
  if (check.status === "expired" || check.status === "invalid") return { status: check.status };
  const parsed = parseAccountToken(token)!;
  const [row] = await db.$queryRaw<{ email: string; verified: boolean }[]>`
    SELECT u.email, u.email_verified_at IS NOT NULL AS verified FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ${parsed.id}::uuid`;
  if (!row) return { status: "invalid" };
  return check.status === "valid" ? { status: "valid", email: maskEmail(row.email) } : { status: "used", verified: row.verified };
}
