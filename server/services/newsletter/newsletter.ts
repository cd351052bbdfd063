import "server-only";
/**
 * The newsletter (docs/requirements.md R14.7; issue 6): people without an account sign up on the public
 * `/newsletter` page, confirm by email (double opt-in), and from then on receive campaigns whose audience
 * is `{"kind":"newsletter"}`. They leave with the same one-click unsubscribe as everyone else (RFC 8058).
 *
 * - Signup answers the same "check your inbox" whether the address is new, pending, confirmed or
 *   suppressed, so the form cannot be used to learn who subscribes. A confirmation email goes out at most
 *   once per 10 minutes per address; each IP may sign up 10 times an hour.
 * - Confirmation links are signed (HMAC-SHA256 over subscriber id and issue time, key derived from
 *   NEXTAUTH_SECRET) and expire after 72 hours. Confirming happens on a POST from the confirmation page,
 *   never on the GET a mail scanner makes.
 * - Unsubscribe links are signed with their own purpose label, so a newsletter token can never act on an
 *   account's settings and vice versa; they name the campaign email they came in (analytics).
 */
import { purposeMac, sameSignature } from "../../signing";
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import { emailTransport } from "../email";
import { renderEmail } from "../email/render";
import { maskEmail, tokenHash, UNDO_WINDOW_MS, undoableByToken } from "../email/unsubscribe";
import { AppError } from "../errors";
import { fieldErrors } from "../api/contract";
import { hitRateLimit } from "../api/rate-limit";
import { platformLocale } from "../../i18n";
import type { Locale } from "../../../lib/i18n";

/** How long a confirmation link works (hours). */
export const CONFIRM_LINK_HOURS = 72;
/** At most one confirmation email per address in this window (ms). */
export const CONFIRM_RESEND_MS = 10 * 60_000;
/** Signups per client IP per hour. */
export const SIGNUPS_PER_IP_PER_HOUR = 10;

export const newsletterSignupInput = z
  .object({
    email: z.email("Enter a valid email address").max(254, "At most 254 characters"),
    name: z.string().trim().max(100, "At most 100 characters").optional(),
    /** Honeypot: hidden from people; a bot that fills it is told "check your inbox" and nothing happens. */
    website: z.string().max(200).optional(),
  })
  .strict();
export type NewsletterSignupInput = z.input<typeof newsletterSignupInput>;

// ----- signed tokens ------------------------------------------------------------------------------------

function sign(purpose: string, payload: string): string {
  return purposeMac(env("auth").NEXTAUTH_SECRET, `herald/newsletter-${purpose}/v1`, payload).toString("base64url");
}

function verify(purpose: string, token: string): string[] | null {
  if (typeof token !== "string" || token.length > 300) return null;
  const dot = token.lastIndexOf(".");
  if (dot < 1) return null;
  const payload = token.slice(0, dot);
  if (!sameSignature(token.slice(dot + 1), sign(purpose, payload))) return null;
  return payload.split("~");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `<subscriber id>~<issued at, ms>.<signature>` */
export function confirmToken(subscriberId: string, issuedAt: Date): string {
  const payload = `${subscriberId}~${issuedAt.getTime()}`;
  return `${payload}.${sign("confirm", payload)}`;
}

/**
 * The unsubscribe token in a newsletter email: `<subscriber id>~<newsletter delivery id or ->.<signature>`.
 * Deterministic, like account unsubscribe tokens.
 */
export function newsletterUnsubscribeToken(subscriberId: string, deliveryId?: string): string {
  const payload = `${subscriberId}~${deliveryId ?? "-"}`;
  return `${payload}.${sign("unsubscribe", payload)}`;
}

function readUnsubscribeToken(token: string): { subscriberId: string; deliveryId: string | null } | null {
  const parts = verify("unsubscribe", token);
  if (!parts || parts.length !== 2 || !UUID.test(parts[0]!)) return null;
  return { subscriberId: parts[0]!, deliveryId: UUID.test(parts[1]!) ? parts[1]! : null };
}

// ----- signup and confirmation --------------------------------------------------------------------------

/**
 * Signs an address up (or re-sends its confirmation) and emails the double opt-in link.
 * @param meta.ip the client's address (rate limit); `meta.at` the current time (UTC); `meta.locale` the
 *   language of the signup request (its Accept-Language), in which the confirmation email is written —
 *   the platform's (`HERALD_DEFAULT_LOCALE`) when absent
 * @returns always `{ status: "check_inbox" }` for a well-formed request, whatever the address's state
 * @throws AppError VALIDATION_ERROR (field errors); RATE_LIMITED past 10 signups an hour from one IP;
 *   EmailSendError when the transport fails (the signup stays PENDING and can be retried)
 */
export async function signUpForNewsletter(input: NewsletterSignupInput, meta: { ip: string; at?: Date; locale?: Locale }): Promise<{ status: "check_inbox" }> {
  const parsed = newsletterSignupInput.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", "Check the form", fieldErrors(parsed.error), { cause: parsed.error });
  const at = meta.at ?? new Date();
  const rl = await hitRateLimit(`newsletter-signup:${meta.ip}`, { limit: SIGNUPS_PER_IP_PER_HOUR, windowMs: 3_600_000 }, at);
  if (!rl.allowed) throw new AppError("RATE_LIMITED", `Too many signups from your network; try again after ${rl.resetAt.toISOString()}`);
  const answer = { status: "check_inbox" } as const;
  if (parsed.data.website) return answer;
  const email = parsed.data.email.trim().toLowerCase();
  const name = parsed.data.name || null;
  const [suppressed] = await db.$queryRaw<{ one: number }[]>`
    SELECT 1 AS one FROM email_suppressions WHERE email_hash = encode(sha256(convert_to(${email}, 'UTF8')), 'hex')`;
  if (suppressed) return answer;
  // Claim the right to send a confirmation now: a new row, or an unconfirmed one not emailed in the last
  // 10 minutes. One statement, so two simultaneous signups send one email.
  const [claimed] = await db.$queryRaw<{ id: string; name: string | null }[]>`
    INSERT INTO newsletter_subscribers (email, name, status, confirmation_sent_at)
    VALUES (${email}, ${name}, 'PENDING', ${at}::timestamptz)
    ON CONFLICT (email) DO UPDATE SET
      status = 'PENDING', confirmation_sent_at = EXCLUDED.confirmation_sent_at,
      name = coalesce(EXCLUDED.name, newsletter_subscribers.name), updated_at = now()
    WHERE newsletter_subscribers.status <> 'CONFIRMED'
      AND (newsletter_subscribers.confirmation_sent_at IS NULL
           OR newsletter_subscribers.confirmation_sent_at <= ${new Date(at.getTime() - CONFIRM_RESEND_MS)}::timestamptz)
    RETURNING id, name`;
  if (!claimed) return answer;
  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  const { subject, html, text } = await renderEmail("newsletter_confirm", {
    appUrl,
    ...(claimed.name ? { recipientName: claimed.name.split(/\s+/)[0]! } : {}),
    confirmUrl: `${appUrl}/newsletter/confirm/${confirmToken(claimed.id, at)}`,
    expiresInHours: CONFIRM_LINK_HOURS,
    locale: meta.locale ?? platformLocale(),
  });
  try {
    await emailTransport().send({
      to: email,
      from: env("email").EMAIL_FROM,
      subject,
      html,
      text,
      headers: {},
      tags: [{ name: "type", value: "newsletter_confirm" }],
      idempotencyKey: `newsletter-confirm:${claimed.id}:${at.getTime()}`,
    });
  } catch (e) {
    // Not sent: let the next attempt send at once instead of waiting out the resend window.
    await db.newsletterSubscriber.updateMany({ where: { id: claimed.id, confirmationSentAt: at }, data: { confirmationSentAt: null } });
    throw e;
  }
  return answer;
}

export type ConfirmOutcome = "confirmed" | "already_confirmed" | "expired" | "invalid";

/**
 * Confirms the subscription a link names. A link stops working after 72 hours, and once the address
 * unsubscribed after it was issued.
 * @returns what happened (nothing changes unless "confirmed")
 */
export async function confirmNewsletter(token: string, at = new Date()): Promise<ConfirmOutcome> {
  const parts = verify("confirm", token);
  if (!parts || parts.length !== 2 || !UUID.test(parts[0]!) || !/^\d{1,15}$/.test(parts[1]!)) return "invalid";
  const issuedAt = new Date(Number(parts[1]));
  if (at.getTime() - issuedAt.getTime() > CONFIRM_LINK_HOURS * 3_600_000) return "expired";
  const s = await db.newsletterSubscriber.findUnique({ where: { id: parts[0]! } });
  if (!s || (s.unsubscribedAt && s.unsubscribedAt > issuedAt)) return "invalid";
  if (s.status === "CONFIRMED") return "already_confirmed";
  const { count } = await db.newsletterSubscriber.updateMany({
    where: { id: s.id, status: { not: "CONFIRMED" } },
    data: { status: "CONFIRMED", confirmedAt: at, unsubscribedAt: null },
  });
  return count === 1 ? "confirmed" : "already_confirmed";
}

/** What the confirmation page shows before the click: the masked address, or null for a bad link. */
export async function confirmationState(token: string, at = new Date()): Promise<{ email: string; expired: boolean; confirmed: boolean } | null> {
  const parts = verify("confirm", token);
  if (!parts || parts.length !== 2 || !UUID.test(parts[0]!) || !/^\d{1,15}$/.test(parts[1]!)) return null;
  const s = await db.newsletterSubscriber.findUnique({ where: { id: parts[0]! }, select: { email: true, status: true } });
  if (!s) return null;
  return { email: maskEmail(s.email), expired: at.getTime() - Number(parts[1]) > CONFIRM_LINK_HOURS * 3_600_000, confirmed: s.status === "CONFIRMED" };
}

// ----- unsubscribe --------------------------------------------------------------------------------------

/** Where someone without an account comes back after the undo window: signing up again (double opt-in). */
export const NEWSLETTER_SIGNUP_PATH = "/newsletter";

const AUDIT_TARGET = "newsletter_unsubscribe_token";

/** What a newsletter unsubscribe turned off (audit_log `details`): the status before and the time set. */
type NewsletterTurnedOff = { what: "all"; previous: "PENDING" | "CONFIRMED"; at: string };

/**
 * Unsubscribes the subscriber a newsletter unsubscribe token names, or undoes that token's own unsubscribe.
 * Takes effect before the next send: the send path checks the status per batch.
 *
 * Links only ever reduce mail (issue 12): `unsubscribe` is always allowed and, when the address was
 * subscribed, is recorded (audit_log, keyed by the token's SHA-256); `resubscribe` restores the status this
 * same token changed, once, within {@link UNDO_WINDOW_MS}, and only if nothing changed it since. After
 * that, coming back means signing up again with double opt-in ({@link NEWSLETTER_SIGNUP_PATH}).
 * @param at the time of the click (default now)
 * @returns what changed (`undoUntil`: ISO time the undo ends, null when nothing was turned off), or null for
 *   a token that is not a valid newsletter token (nothing changed)
 * @throws AppError PERMISSION_DENIED (`details.sign_in`: the signup page) for a resubscribe the token may not make
 */
export async function applyNewsletterUnsubscribe(token: string, action: "unsubscribe" | "resubscribe", at = new Date()) {
  const granted = readUnsubscribeToken(token);
  if (!granted) return null;
  const s = await db.newsletterSubscriber.findUnique({ where: { id: granted.subscriberId }, select: { id: true, status: true } });
  if (!s) return null;
  if (action === "resubscribe") {
    const undo = (await undoableByToken<NewsletterTurnedOff>(AUDIT_TARGET, token, at)).get("all");
    if (!undo) {
      throw new AppError("PERMISSION_DENIED", "This link can only undo an unsubscribe it made in the last 10 minutes. Sign up again to get the newsletter.", { sign_in: NEWSLETTER_SIGNUP_PATH });
    }
    const d = undo.details;
    await db.newsletterSubscriber.updateMany({
      where: { id: s.id, status: "UNSUBSCRIBED", unsubscribedAt: new Date(d.at) },
      data: { status: d.previous, unsubscribedAt: null },
    });
    await db.auditLog.create({ data: { action: "newsletter.unsubscribe_undone", targetType: AUDIT_TARGET, targetId: tokenHash(token), details: d, createdAt: at } });
    return { subscriberId: s.id, action, changed: true, undoUntil: null };
  }
  let turnedOff: NewsletterTurnedOff | null = null;
  if (s.status !== "UNSUBSCRIBED") {
    const { count } = await db.newsletterSubscriber.updateMany({ where: { id: s.id, status: s.status }, data: { status: "UNSUBSCRIBED", unsubscribedAt: at } });
    if (count === 1) turnedOff = { what: "all", previous: s.status, at: at.toISOString() };
  }
  if (turnedOff) {
    await db.auditLog.create({ data: { action: "newsletter.unsubscribe", targetType: AUDIT_TARGET, targetId: tokenHash(token), details: turnedOff, createdAt: at } });
  }
  if (granted.deliveryId) {
    await db.newsletterDelivery.updateMany({ where: { id: granted.deliveryId, subscriberId: granted.subscriberId, unsubscribedAt: null }, data: { unsubscribedAt: at } });
  }
  return { subscriberId: s.id, action, changed: !!turnedOff, undoUntil: turnedOff ? new Date(at.getTime() + UNDO_WINDOW_MS).toISOString() : null };
}

/**
 * What the unsubscribe page shows for a newsletter token: the masked address, whether it is subscribed,
 * and until when (ISO 8601 UTC) this token may undo its own unsubscribe (null: it may not).
 */
export async function newsletterUnsubscribeState(token: string, at = new Date()): Promise<{ email: string; unsubscribed: boolean; undoUntil: string | null } | null> {
  const granted = readUnsubscribeToken(token);
  if (!granted) return null;
  const s = await db.newsletterSubscriber.findUnique({ where: { id: granted.subscriberId }, select: { email: true, status: true } });
  if (!s) return null;
  const undo = (await undoableByToken(AUDIT_TARGET, token, at)).get("all");
  return { email: maskEmail(s.email), unsubscribed: s.status !== "CONFIRMED", undoUntil: undo ? new Date(undo.createdAt.getTime() + UNDO_WINDOW_MS).toISOString() : null };
}

// ----- admin --------------------------------------------------------------------------------------------

/** Subscribers by status, for the admin campaign editor and the newsletter page. */
export async function newsletterCounts(): Promise<Record<"PENDING" | "CONFIRMED" | "UNSUBSCRIBED", number>> {
  const rows = await db.newsletterSubscriber.groupBy({ by: ["status"], _count: { _all: true } });
  const out = { PENDING: 0, CONFIRMED: 0, UNSUBSCRIBED: 0 };
  for (const r of rows) out[r.status] = r._count._all;
  return out;
}
