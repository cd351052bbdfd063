/** Why a typed price was refused; the composer words each in the reader's language (`composer.priceError.*`). */
export type PriceError = "empty" | "negative" | "decimals" | "notNumber" | "tooHigh";

/**
 * Reads a price as a person types it in the listing composer: rands with up to two decimals, a dot or a
 * comma as the decimal separator ("45", "45.5", "45,50"), an optional leading "R" and spaces. Empty is
 * not free: a free listing is "0". Used in the browser.
 * @returns `{ cents }` (whole cents, 0–10,000,000) or `{ error }` (a {@link PriceError})
 */
export function parsePrice(text: string): { cents: number } | { error: PriceError } {
  const t = text.trim().replace(/^R\s*/i, "");
  if (t === "") return { error: "empty" };
  if (/^-/.test(t)) return { error: "negative" };
  const m = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(t);
  if (!m) return { error: /^\d+[.,]\d{3,}$/.test(t) ? "decimals" : "notNumber" };
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
  return cents > 10_000_000 ? { error: "tooHigh" } : { cents };
}

/**
 * "R 35,00" for `(3500, "ZAR")` in `locale` (BCP 47; default en-ZA, lib/i18n.ts `INTL_LOCALE`).
 * @returns `${currency} ${amount}` when Intl cannot format the currency
 */
export function formatPrice(cents: number, currency: string, locale = "en-ZA"): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${currency} ${(cents / 100).toFixed(2)}`;
  }
}
