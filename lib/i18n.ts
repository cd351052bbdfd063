/**
 * The languages Herald speaks (docs/requirements.md R19): English, Afrikaans and isiZulu. Message catalogs
 * live in `messages/<locale>/<area>.json` (ICU MessageFormat, rendered with `use-intl`); every key is in every
 * catalog (messages/messages.test.ts). Plain TypeScript with no imports, so server and browser load it.
 *
 * @module
 */

/** The supported languages, as stored in `users.locale`. */
export const LOCALES = ["en", "af", "zu"] as const;

/** A supported language. */
export type Locale = (typeof LOCALES)[number];

/** The language when nothing else decides (overridden by `HERALD_DEFAULT_LOCALE`). */
export const DEFAULT_LOCALE: Locale = "en";

/** Each language's name in itself, for the language picker. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", af: "Afrikaans", zu: "isiZulu" };

/**
 * The BCP 47 tag `Intl` formats with: the platform serves South Africa, so amounts, dates and numbers follow
 * its conventions in each language ("R 35,00" in en-ZA and af-ZA).
 */
export const INTL_LOCALE: Record<Locale, string> = { en: "en-ZA", af: "af-ZA", zu: "zu-ZA" };

/** Whether `value` is a supported language. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}
