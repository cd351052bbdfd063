/**
 * Formatting for email content. Dates arrive as ISO 8601 strings (UTC or with an offset) and are shown in
 * the recipient's IANA time zone; money arrives as a decimal string plus an ISO 4217 code (seed 001 §16.4:
 * `"price": "12.50", "currency": "ZAR"`).
 */

/** Locale used for dates and amounts until users' locales are wired into emails. */
export const EMAIL_LOCALE = "en-GB";

/**
 * "26 June 2025 at 17:30 GMT+2"-style date and time in `timeZone`.
 * @param iso an ISO 8601 date-time
 * @param timeZone an IANA zone name (default "UTC")
 * @returns the formatted text, or the input unchanged when it is not a date (never throws on bad data)
 */
export function formatDateTime(iso: string, timeZone = "UTC"): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(EMAIL_LOCALE, {
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
 * @returns the formatted amount, or `${currency} ${amount}` when Intl cannot format it
 */
export function formatMoney(amount: string, currency: string): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${currency} ${amount}`;
  try {
    return new Intl.NumberFormat(EMAIL_LOCALE, { style: "currency", currency, currencyDisplay: "narrowSymbol" }).format(value);
  } catch {
    return `${currency} ${amount}`;
  }
}

/** "Hi Thandi," or "Hi there," */
export function greeting(name: string | undefined): string {
  const trimmed = name?.trim();
  return trimmed ? `Hi ${trimmed},` : "Hi there,";
}

/** "1 item" / "3 items" */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
