/**
 * The component's words in English, Afrikaans and isiZulu (docs/requirements.md R19.1, R21.5), taken from
 * the catalog area `messages/<locale>/embed.json` when the bundle is built (esbuild inlines the JSON), and
 * formatted with the platform's `Intl` in the language's South African tag. The messages use plain
 * `{name}` placeholders only, so no ICU runtime travels in the bundle.
 *
 * @module
 */
import en from "../messages/en/embed.json";
import af from "../messages/af/embed.json";
import zu from "../messages/zu/embed.json";
import { INTL_LOCALE, isLocale, type Locale } from "../lib/i18n";

/** The keys of the component's messages. */
export type EmbedMessageKey = keyof typeof en.embed;

const CATALOGS: Record<Locale, Record<EmbedMessageKey, string>> = { en: en.embed, af: af.embed, zu: zu.embed };

/**
 * The language to speak: the `locale` attribute when Herald speaks it, else the person's choice in Herald,
 * else the host page's `<html lang>` ("af-ZA" → af), else English.
 */
export function pickLocale(attribute: string | null, chosen: string | null | undefined, pageLang: string | null | undefined): Locale {
  for (const candidate of [attribute, chosen, pageLang?.toLowerCase().split("-")[0]]) {
    if (isLocale(candidate)) return candidate;
  }
  return "en";
}

/** A translator for one language: `t("labelNew", { count: 3 })`. */
export function translator(locale: Locale): (key: EmbedMessageKey, values?: Record<string, string | number>) => string {
  const catalog = CATALOGS[locale];
  const numbers = new Intl.NumberFormat(INTL_LOCALE[locale]);
  return (key, values = {}) =>
    catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = values[name];
      return v === undefined ? whole : typeof v === "number" ? numbers.format(v) : v;
    });
}

/** "3 minutes ago", "yesterday" in the language (Intl.RelativeTimeFormat), from an ISO time. */
export function timeAgo(locale: Locale, iso: string, now: number = Date.now()): string {
  const rtf = new Intl.RelativeTimeFormat(INTL_LOCALE[locale], { numeric: "auto", style: "long" });
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return rtf.format(0, "second");
  if (abs < 3600) return rtf.format(Math.round(s / 60), "minute");
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), "hour");
  if (abs < 7 * 86_400) return rtf.format(Math.round(s / 86_400), "day");
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { day: "numeric", month: "short", year: "numeric" }).format(new Date(iso));
}
