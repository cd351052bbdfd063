import "server-only";
/**
 * Password reset by email (issue 17, standalone installs; rules: docs/requirements.md "Standalone accounts",
 * drafted in /tmp/req-accounts.md; OWASP Forgot Password Cheat Sheet,
 * https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html):
 *
 * - "Forgot your password?" takes an email address and always answers the same, in the same time: the link
 *   (1 h, single use) is emailed by a background function (./account-mail.ts) only when an account has that
 *   address.
 * - The link's page shows a form; only its POST uses the link (a mail scanner's GET changes nothing). A new
 *   password follows the rule of /settings/account (12 characters to 72 bytes). In one transaction: the
 *   password is replaced, the address counts as confirmed (the link proved the mailbox), every session of the
 *   account ends (server/services/users/sessions.ts), every other reset link of the account stops working, and
 *   a security notice is written (in-app, and by email whatever the preferences: `security_alert` is
 *   critical), so someone who reset the password of an account not theirs cannot do it quietly.
 * - Limits: 10 requests an hour per client address and 5 account emails an hour per email address; 30
 *   new-password attempts an hour per client address.
 */
import bcrypt from "bcryptjs";
import { z } from "zod";
import { db } from "../../db";
import type { Locale } from "../../../lib/i18n";
import { withEvents } from "../outbox/outbox";
import { AppError } from "../errors";
import { BCRYPT_COST } from "../users/change-password";
import { revokeUserSessions } from "../users/sessions";
import { accountHash } from "../security/login-throttle";
import { maskEmail } from "../email/unsubscribe";
import { notifyUsersIn } from "../delivery/notify";
import { signalEvents } from "../realtime";
import { recipientLocale, translator } from "../../i18n";
import { UNKNOWN_ADDRESS } from "../security/client-address";
import { accountEmailEvent } from "./account-mail";
import { checkAccountToken, consumeAccountToken, parseAccountToken } from "./account-tokens";
import { ACCOUNT_LIMITS, emailField, invalid, limit, newPasswordField, requireFeature } from "./policy";

/** The "Forgot your password?" form (POST /api/accounts/forgot-password). */
export const forgotPasswordInput = z.object({ email: emailField }).strict();

/** What every well-formed request is told, whether or not the address has an account. */
export const RESET_REQUESTED = { status: "check_inbox" } as const;

/**
 * Asks for a reset link for `input.email` (see the module comment).
 * @param meta.address the client address (rate limit; named in the email); `meta.locale` the request's
 *   language, for an account that chose none
 * @returns always {@link RESET_REQUESTED} for a well-formed request
 * @throws AppError NOT_FOUND when password reset is off (HERALD_PASSWORD_RESET_ENABLED); VALIDATION_ERROR
 *   (`details.email`); RATE_LIMITED (`details.retry_after`, s) past 10 requests an hour from the address or 5
 *   account emails an hour to the email address (counted for any address, with or without an account)
 */
export async function requestPasswordReset(input: unknown, meta: { address: string; locale?: Locale | null; now?: Date }): Promise<typeof RESET_REQUESTED> {
  requireFeature("passwordReset");
  const now = meta.now ?? new Date();
  await limit(`accounts:forgot:ip:${meta.address}`, ACCOUNT_LIMITS.forgotAddress, now);
  const parsed = forgotPasswordInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const { email } = parsed.data;
  await limit(`accounts:mail:${accountHash(email)}`, ACCOUNT_LIMITS.mailPerEmail, now);
  await withEvents(async (tx, emit) => {
    const [user] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE email = ${email}`;
    if (user) await emit(accountEmailEvent("password_reset", user.id, { at: now, address: meta.address, locale: meta.locale ?? null }));
    await tx.auditLog.create({
      data: { actorId: null, action: "auth.password_reset_requested", targetType: "login", targetId: accountHash(email), details: { address: meta.address, account: user ? "exists" : "none" }, createdAt: now },
    });
  });
  return RESET_REQUESTED;
}

/** The new password form (POST /api/accounts/reset-password). */
export const resetPasswordInput = z
  .object({
    token: z.string().min(1).max(100),
    password: newPasswordField,
    confirmPassword: z.string().max(200),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.confirmPassword !== v.password) ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "The two passwords do not match" });
  });

/** A link that did not work: why. */
export type ResetLinkProblem = "used" | "expired" | "invalid";

/** What a reset came to. */
export type ResetOutcome = { status: "reset"; email: string; sessionsRevoked: number } | { status: ResetLinkProblem };

/**
 * Sets a new password with a reset link (see the module comment): nothing changes unless the link is valid.
 * @param meta.address the client address (rate limit; in the notice's email and the audit log)
 * @returns `reset` with the account's email (the page signs the person in with it) and how many sessions
 *   ended, or why the link did not work
 * @throws AppError NOT_FOUND when password reset is off; VALIDATION_ERROR with `details` per field (a password
 *   outside the rule, a confirmation that differs, unknown fields); RATE_LIMITED past 30 attempts an hour
 *   from the client address
 */
export async function resetPassword(input: unknown, meta: { address: string; now?: Date }): Promise<ResetOutcome> {
  requireFeature("passwordReset");
  const now = meta.now ?? new Date();
  await limit(`accounts:reset:ip:${meta.address}`, ACCOUNT_LIMITS.resetAddress, now);
  const parsed = resetPasswordInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const { token, password } = parsed.data;
  if (!parseAccountToken(token)) return { status: "invalid" };
  // Quick refusals before the costly hash; the transaction checks again with the row locked.
  const pre = await checkAccountToken(token, "RESET_PASSWORD", { now });
  if (pre.status !== "valid") return { status: pre.status };
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  const result = await withEvents(async (tx, emit) => {
    const check = await consumeAccountToken(tx, token, "RESET_PASSWORD", now);
    if (check.status !== "valid") return { outcome: { status: check.status } as ResetOutcome, signals: [] };
    const [prior] = await tx.$queryRaw<{ confirmed: boolean }[]>`
      SELECT email_verified_at IS NOT NULL AS confirmed FROM users WHERE id = ${check.userId}::uuid FOR UPDATE`;
    // An unconfirmed account's provider identities never proved this mailbox (an account made through the
    // platform's provider from an unverified email): whoever typed the address there loses that way in.
    if (prior && !prior.confirmed) await tx.$executeRaw`DELETE FROM oidc_accounts WHERE user_id = ${check.userId}::uuid`;
    const [user] = await tx.$queryRaw<{ email: string; locale: string | null }[]>`
      UPDATE users SET password_hash = ${passwordHash}, email_verified_at = coalesce(email_verified_at, ${now}), updated_at = ${now}
      WHERE id = ${check.userId}::uuid
      RETURNING email, locale`;
    // The link proved the mailbox: open confirmation links have nothing left to prove.
    await tx.$executeRaw`UPDATE account_tokens SET consumed_at = ${now} WHERE user_id = ${check.userId}::uuid AND consumed_at IS NULL`;
    const sessionsRevoked = await revokeUserSessions(check.userId, { db: tx });
    const t = translator(recipientLocale(user!.locale));
    const address = meta.address !== UNKNOWN_ADDRESS ? meta.address.slice(0, 64) : null;
    const notified = await notifyUsersIn(
      tx,
      emit,
      [
        {
          userId: check.userId,
          type: "security_alert",
          title: t("accountMail.passwordChanged.title"),
          body: t("accountMail.passwordChanged.body"),
          actionUrl: "/settings/account",
          data: { event: "password_changed", occurred_at: now.toISOString(), ...(address ? { ip_address: address } : {}) },
          dedupeKey: `password-reset:${check.id}`,
          email: { event: "password_changed", occurredAt: now.toISOString(), ...(address ? { ipAddress: address } : {}), secureAccountUrl: "/forgot-password" },
        },
      ],
      now,
    );
    await tx.auditLog.create({
      data: { actorId: check.userId, action: "auth.password_reset", targetType: "user", targetId: check.userId, details: { address: meta.address, sessionsRevoked }, createdAt: now },
    });
    return { outcome: { status: "reset", email: user!.email, sessionsRevoked } as ResetOutcome, signals: notified.signals };
  });
  await signalEvents(result.signals);
  return result.outcome;
}

/** What the reset link's page shows before the form is sent. */
export type ResetLinkState = { status: "valid"; email: string; username: string } | { status: ResetLinkProblem };

/**
 * The state of a reset link, changing nothing (GET /reset-password/<token>): when the link works, the
 * account's address masked (`email`, shown) and whole (`username`, for password managers: the link's holder
 * can set the password, so the address is theirs to see).
 */
export async function resetLinkState(token: unknown, now = new Date()): Promise<ResetLinkState> {
  const check = await checkAccountToken(token, "RESET_PASSWORD", { now });
  if (check.status !== "valid") return { status: check.status };
  const user = await db.user.findUnique({ where: { id: check.userId }, select: { email: true } });
  return user ? { status: "valid", email: maskEmail(user.email), username: user.email } : { status: "invalid" };
}

/** Thrown for a reset whose link did not work, by callers that prefer an error (the route answers 400). */
export function linkProblem(status: ResetLinkProblem): AppError {
  const message = { used: "This link was already used.", expired: "This link has expired.", invalid: "This link is not valid." }[status];
  return new AppError("VALIDATION_ERROR", message, { token: [message], outcome: status });
}
