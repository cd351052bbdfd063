import "server-only";
/**
 * The emails of standalone accounts (issue 17), sent by the `send-account-email` function from events the
 * account services record in the outbox (docs/architecture.md "Outbox"). Sending after the answer, not in
 * the request, means a request for an address with an account and one without take the same time and get the
 * same answer (OWASP Forgot Password Cheat Sheet: "ensure that responses return in a consistent amount of
 * time … by using asynchronous calls"), and a provider outage delays a link instead of losing it.
 *
 * The link's secret is made here, right before the email is rendered, so it exists only in the email.
 * Each email is in the recipient's language: the one they chose, else the language of the request that asked
 * for it, else the platform's.
 */
import { db } from "../../db";
import { env } from "../../env";
import { accountEmailRequested } from "../../events";
import { emailTransport } from "../email";
import { renderEmail, type EmailPropsByTemplate } from "../email/render";
import { recipientLocale, platformLocale } from "../../i18n";
import { UNKNOWN_ADDRESS } from "../security/client-address";
import { accountFeatures } from "./policy";
import { issueAccountToken, RESET_PASSWORD_TTL_MS, VERIFY_EMAIL_TTL_MS } from "./account-tokens";
import type { Locale } from "../../../lib/i18n";
import type { OutboxEventInput } from "../outbox/outbox";

/** Which account email. */
export type AccountEmailKind = "verify_email" | "account_exists" | "password_reset";

/** What an `accounts/email-requested` event carries (server/events.ts). */
export interface AccountEmailRequest {
  kind: AccountEmailKind;
  userId: string;
  /** ISO 8601 (UTC). */
  requestedAt: string;
  /** The requester's client address, or null when unknown. */
  address: string | null;
  /** The request's language, or null. */
  locale: Locale | null;
}

/** The outbox event asking for one account email (record it with `emit` inside the request's transaction). */
export function accountEmailEvent(kind: AccountEmailKind, userId: string, meta: { at: Date; address?: string | null; locale?: Locale | null }): OutboxEventInput {
  return accountEmailRequested.create({
    kind,
    userId,
    requestedAt: meta.at.toISOString(),
    address: meta.address && meta.address !== UNKNOWN_ADDRESS ? meta.address.slice(0, 64) : null,
    locale: meta.locale ?? null,
  });
}

/** What {@link sendAccountEmail} did. */
export type AccountEmailOutcome =
  | { status: "sent"; kind: AccountEmailKind }
  | { status: "skipped"; reason: "no_account" | "already_verified" | "suppressed" | "feature_off" };

/**
 * Sends the email an `accounts/email-requested` event asks for.
 * - `verify_email`: a confirmation link (24 h) to an account still unverified (else nothing: it was confirmed
 *   meanwhile).
 * - `account_exists`: the note that someone signed up with this address, with a sign-in link (and a reset link
 *   when password reset is on).
 * - `password_reset`: a reset link (1 h, emails/password-reset.tsx) naming the requester's address.
 * Nothing goes to an account deleted meanwhile, nor to an address on the suppression list for a hard bounce
 * or a complaint (a stranger's form must not mail someone who asked not to be mailed).
 * @param eventId the event's id: the provider's idempotency key, so a retry after a lost answer sends nothing twice
 * @throws EmailSendError when the provider refuses (the step retries; the link made for it stays unused)
 */
export async function sendAccountEmail(req: AccountEmailRequest, eventId: string): Promise<AccountEmailOutcome> {
  const user = await db.user.findUnique({ where: { id: req.userId }, select: { id: true, name: true, email: true, locale: true, emailVerifiedAt: true } });
  if (!user) return { status: "skipped", reason: "no_account" };
  if (req.kind === "verify_email" && user.emailVerifiedAt) return { status: "skipped", reason: "already_verified" };
  const features = accountFeatures();
  if ((req.kind === "password_reset" && !features.passwordReset) || (req.kind === "verify_email" && !features.verification)) {
    return { status: "skipped", reason: "feature_off" };
  }
  const [suppressed] = await db.$queryRaw<{ one: number }[]>`
    SELECT 1 AS one FROM email_suppressions
    WHERE email_hash = encode(sha256(convert_to(${user.email}, 'UTF8')), 'hex') AND reason IN ('hard_bounce', 'complaint')`;
  if (suppressed) return { status: "skipped", reason: "suppressed" };

  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  const locale = recipientLocale(user.locale, req.locale ?? platformLocale());
  const recipientName = user.name.trim().split(/\s+/)[0]?.slice(0, 100) || undefined;
  const base = { appUrl, ...(recipientName ? { recipientName } : {}), locale };
  let rendered;
  if (req.kind === "verify_email") {
    const token = await issueAccountToken(user.id, "VERIFY_EMAIL", VERIFY_EMAIL_TTL_MS);
    const props: EmailPropsByTemplate["verify_email"] = { ...base, verifyUrl: `${appUrl}/verify-email/${token}`, expiresInHours: VERIFY_EMAIL_TTL_MS / 3_600_000 };
    rendered = await renderEmail("verify_email", props);
  } else if (req.kind === "password_reset") {
    const token = await issueAccountToken(user.id, "RESET_PASSWORD", RESET_PASSWORD_TTL_MS);
    const props: EmailPropsByTemplate["password_reset"] = {
      ...base,
      resetUrl: `${appUrl}/reset-password/${token}`,
      expiresInMinutes: RESET_PASSWORD_TTL_MS / 60_000,
      ...(req.address ? { requestedFromIp: req.address } : {}),
    };
    rendered = await renderEmail("password_reset", props);
  } else {
    const props: EmailPropsByTemplate["account_exists"] = {
      ...base,
      signInUrl: `${appUrl}/signin`,
      ...(features.passwordReset ? { resetUrl: `${appUrl}/forgot-password` } : {}),
    };
    rendered = await renderEmail("account_exists", props);
  }
  await emailTransport().send({
    to: user.email,
    from: env("email").EMAIL_FROM,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: {},
    tags: [{ name: "type", value: req.kind }],
    idempotencyKey: `account-email:${eventId}`,
  });
  return { status: "sent", kind: req.kind };
}
