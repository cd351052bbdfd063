/**
 * Formatting for email content. Dates arrive as ISO 8601 strings (UTC or with an offset) and are shown in
 * the recipient's IANA time zone; money arrives as a decimal string plus an ISO 4217 code, as the events API
 * sends it (`"price": "12.50", "currency": "ZAR"`; docs/requirements.md R3.1).
 */

import { INTL_LOCALE, type Locale } from "../../lib/i18n";
import { translator } from "../../messages";

/** `Intl` locale of an email rendered without a `locale` (English, formatted as before languages came). */
export const EMAIL_LOCALE = "en-GB";

/** The `Intl` tag of an email in `locale` ({@link INTL_LOCALE}), or {@link EMAIL_LOCALE} when none is given. */
export const intlLocaleOf = (locale: Locale | undefined) => (locale ? INTL_LOCALE[locale] : EMAIL_LOCALE);

/**
 * "26 June 2025 at 17:30 GMT+2"-style date and time in `timeZone`.
 * @param iso an ISO 8601 date-time
 * @param timeZone an IANA zone name (default "UTC")
 * @param intlLocale a BCP 47 tag (default {@link EMAIL_LOCALE})
 * @returns the formatted text, or the input unchanged when it is not a date (never throws on bad data)
 */
export function formatDateTime(iso: string, timeZone = "UTC", intlLocale = EMAIL_LOCALE): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(intlLocale, {
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

/**
 * "R12.50" for `("12.50", "ZAR")`.
 * @param amount a decimal string such as "12.50"
 * @param currency an ISO 4217 code
 * @param intlLocale a BCP 47 tag (default {@link EMAIL_LOCALE})
 * @returns the formatted amount, or `${currency} ${amount}` when Intl cannot format it
 */
export function formatMoney(amount: string, currency: string, intlLocale = EMAIL_LOCALE): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${currency} ${amount}`;
  try {
    return new Intl.NumberFormat(intlLocale, { style: "currency", currency, currencyDisplay: "narrowSymbol" }).format(value);
  } catch {
    return `${currency} ${amount}`;
  }
}

/** "Hi Thandi," or "Hi there," in `locale` (default English). */
export function greeting(name: string | undefined, locale: Locale = "en"): string {
  const trimmed = name?.trim();
  const t = translator(locale);
  return trimmed ? t("email.greeting", { name: trimmed }) : t("email.greetingAnonymous");
}
