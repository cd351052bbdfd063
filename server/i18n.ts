import "server-only";
/**
 * Which language a person gets, and translators for server-side text (pages, emails, SMS, push,
 * notification titles). The order (docs/requirements.md R19.2): the language the person chose
 * (`users.locale`); else the browser's `Accept-Language`, negotiated with `negotiator`; else the platform's
 * `HERALD_DEFAULT_LOCALE` (default "en"). Text sent while nobody is looking (emails, texts, notifications)
 * uses the recipient's stored language, else the platform's.
 */
import Negotiator from "negotiator";
import { isLocale, LOCALES, type Locale } from "@/lib/i18n";
import { env } from "./env";
import { MESSAGES } from "@/messages";

/** The platform's language: `HERALD_DEFAULT_LOCALE` (server/env.ts; default English). */
export function platformLocale(): Locale {
  return env("i18n").HERALD_DEFAULT_LOCALE;
}

/**
 * The best supported language for an `Accept-Language` header (RFC 9110 §12.5.4: quality values, then
 * order; "af-ZA" matches "af"), or null when it names none of them.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null;
  const [best] = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages([...LOCALES]);
  return isLocale(best) ? best : null;
}

/** A person's language: their choice, else the browser's, else `fallback` (the platform's). */
export function resolveLocale(chosen: string | null | undefined, acceptLanguage: string | null | undefined, fallback = platformLocale()): Locale {
  if (isLocale(chosen)) return chosen;
  return negotiateLocale(acceptLanguage) ?? fallback;
}

/** A recipient's language for text sent without a request: their choice, else `fallback` (the platform's). */
export function recipientLocale(chosen: string | null | undefined, fallback = platformLocale()): Locale {
  return isLocale(chosen) ? chosen : fallback;
}

/** The messages of `locale`. */
export function messagesOf(locale: Locale) {
  return MESSAGES[locale];
}

export { translator } from "@/messages";
