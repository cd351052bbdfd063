/**
 * SMS templates (issue 7; docs/requirements.md R11.3: short, one message per type, a link to the details).
 * Built from the same props as the email templates (emails/*.tsx), so the pipeline has one payload per
 * notification whatever the channel.
 *
 * Every body is `Herald: <text>`, a newline, one short app link, and — unless the notification is critical —
 * a newline and `Reply STOP to opt out` (carriers and Twilio honour STOP; /api/webhooks/twilio records it).
 * The words are the `sms` catalog's (messages/<locale>/emails.json) in the recipient's language
 * (`SmsBodyOptions.locale`, default English); the keywords STOP and START stay English in every language,
 * as carriers only know those. Our own words are folded to GSM-7 like user text, so a translation never
 * turns a text into UCS-2.
 * Length: a body is fitted to ONE segment (160 GSM-7 septets) where possible by shortening the user-supplied
 * parts (longest first, ending them with "..."), then the text itself; the prefix, the link and the STOP line
 * are never cut. A body that must be UCS-2 (user text in a script GSM-7 lacks, emoji) is fitted to two
 * segments (134 UTF-16 units), since one UCS-2 segment (70) cannot hold a link and the STOP line.
 *
 * Safety (docs/requirements.md R9.5, R11.3): user text loses control characters,
 * newlines and bidi overrides, whitespace is collapsed, and typographic punctuation and accents GSM-7 lacks
 * become their GSM-7 equivalents (’ → ', “” → ", – → -, … → ..., ë → e) so one curly apostrophe does not
 * halve the space. Links go through `safeActionUrl` (https or app-relative only).
 *
 * Pure: no server imports (dates are formatted with Intl in the recipient's zone, `timeZone` prop, and
 * language).
 */
import type { PickupReminderEmailProps } from "@/emails/pickup-reminder";
import type { PickupMissedEmailProps } from "@/emails/pickup-missed";
import type { SecurityAlertEmailProps, SecurityEvent } from "@/emails/security-alert";
import type { BookingCancelledEmailProps } from "@/emails/booking-cancelled";
import type { OrderStatusEmailProps, OrderStatus } from "@/emails/order-status";
import type { ListingExpiringEmailProps } from "@/emails/listing-expiring";
import type { NewListingEmailProps } from "@/emails/new-listing";
import type { InteractionConfirmedEmailProps } from "@/emails/interaction-confirmed";
import { formatMoney, intlLocaleOf } from "@/emails/components/email-locale";
import { appBase, safeActionUrl } from "@/emails/components/safety";
import { INTL_LOCALE, type Locale } from "@/lib/i18n";
import { translator } from "@/messages";
import { isGsm7, isGsm7Char, countSmsSegments } from "./sms-segments";

/** Props per notification type that has its own SMS text (the email template's props). */
export interface SmsTemplateProps {
  pickup_reminder: PickupReminderEmailProps;
  pickup_missed: PickupMissedEmailProps;
  security_alert: SecurityAlertEmailProps;
  booking_cancelled: BookingCancelledEmailProps;
  order_status: OrderStatusEmailProps;
  listing_expiring: ListingExpiringEmailProps;
  new_listing: NewListingEmailProps;
  interaction_confirmed: InteractionConfirmedEmailProps;
}
export type SmsTemplateType = keyof SmsTemplateProps;

/** Any other type: the notification's title and, optionally, its link (`actionUrl`). */
export interface GenericSmsProps {
  title: string;
  url?: string | null;
}

export interface SmsBodyOptions {
  /** The app's public base URL (`APP_URL`), for app-relative links and the fallback link. */
  appUrl: string;
  /** Critical notifications (catalog `critical`) carry no "Reply STOP" line. */
  critical: boolean;
  /** A link to use instead of the template's own (e.g. a tracked redirect); passed through `safeActionUrl`. */
  link?: string;
  /**
   * The recipient's language: words, dates and amounts. Without it, English with amounts formatted as
   * before languages came (`EMAIL_LOCALE`).
   */
  locale?: Locale;
}

/** The line non-critical English texts end with (`sms.stop` in the catalog, translated for other languages). */
export const STOP_LINE = "Reply STOP to opt out";
/** Every body starts with this. */
export const SMS_PREFIX = "Herald: ";
/** Links longer than this (characters) are replaced by the inbox link, which is short and lists the notification. */
export const SMS_LINK_MAX = 60;
/** User-supplied parts are shortened down to this many characters before the text itself is cut. */
const SHRINK_MIN = 10;
/** Longest user-supplied part considered at all (characters), before fitting. */
const PART_MAX = 200;
const ELLIPSIS = "...";

// ---------------------------------------------------------------------------------------------------------
// Sanitizing
// ---------------------------------------------------------------------------------------------------------

// C0/C1 controls (CR, LF, TAB…), DEL, line/paragraph separators, zero-width and bidi formatting characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;
const TYPOGRAPHY: [RegExp, string][] = [
  [/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, "-"],
  [/\u2026/g, ELLIPSIS],
  [/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, " "],
];

/**
 * Makes user text safe and cheap for one line of a text message: control characters, newlines and bidi
 * overrides become spaces, whitespace collapses, typographic punctuation becomes ASCII, and a letter GSM-7
 * lacks loses its accent when the bare letter is in GSM-7 (ë → e, but é stays: GSM-7 has it). Other
 * characters (other scripts, emoji) are kept: the body is then sent as UCS-2.
 * @param value any text; capped at `max` code points (default 200) with "..." when cut
 */
export function sanitizeSmsText(value: unknown, max = PART_MAX): string {
  let s = String(value ?? "").replace(CONTROL, " ");
  for (const [re, to] of TYPOGRAPHY) s = s.replace(re, to);
  s = s.replace(/\s+/g, " ").trim();
  return cut(foldAccents(s), max);
}

/** Each letter GSM-7 lacks without its accent, when the bare letter is in GSM-7 (ë → e; é stays). */
function foldAccents(s: string): string {
  let out = "";
  for (const ch of s) {
    if (isGsm7Char(ch)) {
      out += ch;
      continue;
    }
    const bare = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    out += bare && isGsm7(bare) ? bare : ch;
  }
  return out;
}

/**
 * Our own words (a catalog message) made GSM-7 the way user text is — typographic punctuation and accents
 * GSM-7 lacks (’n → 'n, ê → e) — keeping their spacing and newlines.
 */
function gsmWords(s: string): string {
  for (const [re, to] of TYPOGRAPHY) s = s.replace(re, to);
  return foldAccents(s);
}

/** At most `max` code points, ending with "..." when shortened. */
function cut(s: string, max: number): string {
  const points = Array.from(s);
  if (points.length <= max) return s;
  return `${points.slice(0, Math.max(0, max - ELLIPSIS.length)).join("").trimEnd()}${ELLIPSIS}`;
}

// ---------------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------------

/**
 * "Fri 26 Jun 17:30" in `timeZone` (default UTC), with the weekday and month in `locale` ("Vr. 26 Jun. 17:30"
 * in Afrikaans); the input unchanged (sanitized) when it is not a date.
 */
export function smsDateTime(iso: string, timeZone = "UTC", locale?: Locale): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return sanitizeSmsText(iso, 40);
  const tag = locale ? INTL_LOCALE[locale] : "en-GB";
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat(tag, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).formatToParts(d);
  } catch {
    parts = new Intl.DateTimeFormat(tag, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" }).formatToParts(d);
  }
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? "";
  return sanitizeSmsText(`${p("weekday")} ${p("day")} ${p("month")} ${p("hour")}:${p("minute")}`, 40);
}

function money(amount: string | undefined, currency: string | undefined, locale: Locale | undefined): string | null {
  return amount && currency ? sanitizeSmsText(formatMoney(amount, currency, intlLocaleOf(locale)), 20) : null;
}

// ---------------------------------------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------------------------------------

/**
 * A piece of the text: our own words; or user text that may be shortened (names, places, reasons; `u`).
 * User values that must stay whole to be of any use — order numbers, codes, references — are part of our
 * words (`k`: sanitized, capped at 24 characters, never shortened further).
 */
type Part = string | { user: string };
const u = (text: unknown): Part => ({ user: sanitizeSmsText(text) });
const k = (text: unknown): string => sanitizeSmsText(text, 24);

interface Draft {
  /**
   * The text, in the order it is worth trying: the whole text first, then shorter forms without what it
   * can do without when space is short (an address, a reason).
   */
  variants: Part[][];
  /** The template's link (absolute or app-relative); the inbox when absent or unsafe. */
  url?: string | null;
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

/** A marker for the user value `i` in a formatted message (private-use characters no value keeps). */
const MARK = /\uE000(\d+)\uE001/;
const MARKS = /[\uE000\uE001]/g;

/**
 * One catalog message as parts: `fixed` values are our words (dates, amounts, order numbers), `users` the
 * user text that may be shortened, wherever the translation puts it.
 */
function say(t: Translate, key: string, fixed: Record<string, string | number> = {}, users: Record<string, unknown> = {}): Part[] {
  const names = Object.keys(users);
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(fixed)) values[name] = typeof value === "string" ? value.replace(MARKS, "") : value;
  names.forEach((name, i) => (values[name] = `\uE000${i}\uE001`));
  const out: Part[] = [];
  t(key, values)
    .split(MARK)
    .forEach((piece, i) => {
      if (i % 2 === 1) out.push(u(users[names[Number(piece)]!]));
      else if (piece) out.push(gsmWords(piece));
    });
  return out;
}

function linkFor(url: string | null | undefined, appUrl: string): string {
  const inbox = `${appBase(appUrl)}/notifications`;
  const safe = safeActionUrl(url ?? null, appUrl, inbox);
  return safe.length <= SMS_LINK_MAX ? safe : inbox;
}

function assemble(texts: string[], tail: string): string {
  // A shortened part followed by our own "." would read "....".
  return `${SMS_PREFIX}${texts.join("").replace(/\.{4,}/g, ELLIPSIS)}${tail}`;
}

/** The first `n` code points of `points`, back to a word boundary when one is within 8 characters, plus "...". */
function shortened(points: string[], n: number): string {
  let head = points.slice(0, Math.max(0, n)).join("");
  const space = head.lastIndexOf(" ");
  if (space > 0 && head.length - space <= 8) head = head.slice(0, space);
  return `${head.replace(/[\s.,:;-]+$/, "")}${ELLIPSIS}`;
}

/**
 * Shortens the longest user part one character at a time (ending it with "..."), down to `min` characters,
 * until `fits`. @returns the texts, shortened as far as needed or allowed, and whether they fit.
 */
function shrink(parts: Part[], min: number, fits: (text: string) => boolean): { texts: string[]; fits: boolean } {
  const texts = parts.map((p) => (typeof p === "string" ? p : p.user));
  if (fits(texts.join(""))) return { texts, fits: true };
  const orig = texts.map((t) => Array.from(t));
  const kept = orig.map((p) => p.length);
  const shown = (i: number) => (kept[i] === orig[i]!.length ? orig[i]!.length : kept[i]! + ELLIPSIS.length);
  for (;;) {
    let longest = -1;
    for (let i = 0; i < texts.length; i++) {
      if (typeof parts[i] === "string" || shown(i) <= min) continue;
      if (longest === -1 || shown(i) > shown(longest)) longest = i;
    }
    if (longest === -1) return { texts, fits: false };
    kept[longest] = kept[longest] === orig[longest]!.length ? orig[longest]!.length - ELLIPSIS.length - 1 : kept[longest]! - 1;
    texts[longest] = shortened(orig[longest]!, kept[longest]!);
    if (fits(texts.join(""))) return { texts, fits: true };
  }
}

/**
 * Fits a draft into one segment (two for UCS-2), giving up as little as possible, in this order: shorten
 * user text to 20 characters; use the shorter forms (in the draft's order); shorten user text to
 * SHRINK_MIN; cut the end of the text. The prefix, the link and the STOP line are never touched.
 */
function fit(draft: Draft, opts: SmsBodyOptions, stop: string): string {
  const link = linkFor(opts.link ?? draft.url, opts.appUrl);
  const tail = `\n${link}${opts.critical ? "" : `\n${stop}`}`;
  const fits = (text: string) => {
    const b = assemble([text], tail);
    return countSmsSegments(b).segments <= (isGsm7(b) ? 1 : 2);
  };
  for (const variant of draft.variants) {
    const r = shrink(variant, 20, fits);
    if (r.fits) return assemble(r.texts, tail);
  }
  const last = shrink(draft.variants.at(-1)!, SHRINK_MIN, fits);
  if (last.fits) return assemble(last.texts, tail);
  // Cut the end of the text, at a word boundary when one is near.
  const all = Array.from(last.texts.join(""));
  for (let n = all.length - 1; n > 0; n--) {
    const text = shortened(all, n);
    if (fits(text)) return assemble([text], tail);
  }
  // Not even a word fits beside the link (an unusual link): keep the shortened text, over one segment.
  return assemble(last.texts, tail);
}

// ---------------------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------------------

const SECURITY_EVENTS: Record<SecurityEvent, string> = {
  new_sign_in: "sms.security.new_sign_in",
  password_changed: "sms.security.password_changed",
  email_changed: "sms.security.email_changed",
  api_key_created: "sms.security.api_key_created",
};

/** What a template needs besides its props: the translator, and the language of dates and amounts. */
interface Context {
  t: Translate;
  locale: Locale | undefined;
}

const when = (iso: string, timeZone: string | undefined, c: Context) => smsDateTime(iso, timeZone, c.locale);
const yes = (value: unknown) => (value ? "yes" : "no");

const ORDER_STATUS: Record<OrderStatus, (p: OrderStatusEmailProps, c: Context) => Part[]> = {
  placed: (p, c) => say(c.t, "sms.orderPlaced", { order: k(p.orderNumber) }, { business: p.businessName }),
  preparing: (p, c) => say(c.t, "sms.orderPreparing", { order: k(p.orderNumber) }, { business: p.businessName }),
  ready: (p, c) =>
    say(c.t, "sms.orderReady", { order: k(p.orderNumber), withTime: yes(p.pickupTime), when: p.pickupTime ? when(p.pickupTime, p.timeZone, c) : "" }, { business: p.businessName }),
};

const TEMPLATES: { [T in SmsTemplateType]: (p: SmsTemplateProps[T], c: Context) => Draft } = {
  pickup_reminder: (p, c) => {
    const fixed = { when: when(p.pickupTime, p.timeZone, c), order: k(p.orderNumber), withCode: yes(p.confirmationCode), code: p.confirmationCode ? k(p.confirmationCode) : "" };
    return {
      variants: [
        say(c.t, "sms.pickupReminderLocation", fixed, { business: p.businessName, location: p.pickupLocation }),
        say(c.t, "sms.pickupReminder", fixed, { business: p.businessName }),
      ],
      url: p.orderUrl,
    };
  },
  pickup_missed: (p, c) => {
    const fixed = { order: k(p.orderNumber), when: when(p.pickupTime, p.timeZone, c) };
    if (p.audience === "customer") {
      const text = say(c.t, "sms.missedCustomer", fixed, { business: p.businessName });
      return { variants: [[...text, " ", ...say(c.t, "sms.missedContact")], text], url: p.orderUrl };
    }
    const text = say(c.t, "sms.missedBusiness", fixed);
    return { variants: p.customerName ? [say(c.t, "sms.missedBusinessCustomer", fixed, { customer: p.customerName }), text] : [text], url: p.orderUrl };
  },
  security_alert: (p, c) => ({
    variants: [say(c.t, SECURITY_EVENTS[p.event] ?? "sms.security.other", { when: when(p.occurredAt, p.timeZone, c) })],
    url: p.secureAccountUrl,
  }),
  booking_cancelled: (p, c) => {
    const fixed = { reference: k(p.bookingReference), when: when(p.pickupTime, p.timeZone, c) };
    const refund = money(p.refundAmount, p.currency, c.locale);
    const key = p.cancelledBy === "business" ? "sms.cancelledByBusiness" : p.cancelledBy === "customer" ? "sms.cancelledByCustomer" : "sms.cancelledBySystem";
    const text = [...say(c.t, key, fixed, { business: p.businessName }), ...(refund ? [" ", ...say(c.t, "sms.refund", { amount: refund })] : [])];
    return {
      variants: p.reason ? [[...text, " ", ...say(c.t, "sms.cancelReason", {}, { reason: p.reason })], text] : [text],
      url: p.browseUrl,
    };
  },
  order_status: (p, c) => ({ variants: [(ORDER_STATUS[p.status] ?? ORDER_STATUS.placed)(p, c)], url: p.orderUrl }),
  listing_expiring: (p, c) => {
    const price = money(p.price, p.currency, c.locale);
    const fixed = { when: when(p.expiryDate, p.timeZone, c), withPrice: yes(price), price: price ?? "" };
    const users = { listing: p.listingName, business: p.businessName };
    const text = say(c.t, "sms.expiring", fixed, users);
    return {
      variants: typeof p.quantityLeft === "number" ? [say(c.t, "sms.expiringLeft", { ...fixed, left: String(p.quantityLeft) }, users), text] : [text],
      url: p.listingUrl,
    };
  },
  new_listing: (p, c) => {
    const price = money(p.price, p.currency, c.locale);
    return {
      variants: [say(c.t, "sms.newListing", { withPrice: yes(price), price: price ?? "", when: when(p.expiryDate, p.timeZone, c) }, { business: p.businessName, listing: p.listingName })],
      url: p.listingUrl,
    };
  },
  interaction_confirmed: (p, c) => {
    const fixed = { order: k(p.orderNumber), when: when(p.pickupTime, p.timeZone, c) };
    const code: Part[] = p.confirmationCode ? [" ", ...say(c.t, "sms.confirmedCode", { code: k(p.confirmationCode) })] : [];
    return {
      variants: [
        [...say(c.t, "sms.confirmedLocation", fixed, { business: p.businessName, location: p.pickupLocation }), ...code],
        [...say(c.t, "sms.confirmed", fixed, { business: p.businessName }), ...code],
      ],
      url: p.orderUrl,
    };
  },
};

/** The types with their own SMS text; every other type uses the generic one (title + link). */
export const SMS_TEMPLATE_TYPES = Object.keys(TEMPLATES) as SmsTemplateType[];

export function hasSmsTemplate(type: string): type is SmsTemplateType {
  return Object.hasOwn(TEMPLATES, type);
}

/** The catalog's translator for `locale` (default English), for keys built at run time. */
const translate = (locale: Locale | undefined) => translator(locale ?? "en") as unknown as Translate;

/**
 * The text message for one notification.
 * @param type a catalog type (server/services/notifications/catalog.ts); types without their own text use
 *   {@link GenericSmsProps} (`title`, optional `url`)
 * @param props the props the type's email template gets (emails/<type>.tsx), or `{ title, url }`
 * @param opts `appUrl` (APP_URL), `critical` (no STOP line), optional `link` override, `locale` (the
 *   recipient's language; default English)
 * @returns the body, e.g. `"Herald: Pickup reminder: order A-1042 at Mario's, Fri 26 Jun 17:30, 12 Long St.\nhttps://…/notifications"`;
 *   one GSM-7 segment (≤ 160 septets) whenever the prefix, link and STOP line leave room for any text
 */
export function smsBodyFor<T extends SmsTemplateType>(type: T, props: SmsTemplateProps[T], opts: SmsBodyOptions): string;
export function smsBodyFor(type: string, props: GenericSmsProps, opts: SmsBodyOptions): string;
export function smsBodyFor(type: string, props: unknown, opts: SmsBodyOptions): string {
  const t = translate(opts.locale);
  const stop = gsmWords(t("sms.stop"));
  if (hasSmsTemplate(type)) {
    const build = TEMPLATES[type] as (p: unknown, c: Context) => Draft;
    return fit(build(props, { t, locale: opts.locale }), opts, stop);
  }
  const g = (props ?? {}) as Partial<GenericSmsProps>;
  const title = sanitizeSmsText(g.title ?? "") || gsmWords(t("sms.generic"));
  return fit({ variants: [[{ user: title }]], url: g.url ?? null }, opts, stop);
}

/** Verification code lifetime shown in the text (minutes); server/services/sms/verification.ts enforces it. */
export const VERIFICATION_CODE_MINUTES = 10;

/**
 * The one-time code text (docs/requirements.md R11.1) in `locale` (default English): one GSM-7
 * segment, no link, nothing to reply.
 */
export function verificationCodeSms(code: string, locale?: Locale): string {
  return gsmWords(translate(locale)("sms.code", { code, count: VERIFICATION_CODE_MINUTES }));
}
