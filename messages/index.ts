/**
 * The message catalogs by language (see lib/i18n.ts). English is the reference: its shape is the type
 * `Messages`, which `use-intl`'s `AppConfig` is augmented with (messages/types.d.ts), so a key missing from
 * English fails the type check and one missing elsewhere fails messages/messages.test.ts.
 */
import { createTranslator } from "use-intl/core";
import en from "./en.json";
import af from "./af.json";
import zu from "./zu.json";
import { INTL_LOCALE, type Locale } from "../lib/i18n";

export type Messages = typeof en;

export const MESSAGES: Record<Locale, Messages> = { en, af, zu };

/**
 * A translator for `locale` with full keys (`t("email.newListing.subject", { business, listing })`): ICU
 * plurals, and formats through `Intl` in the language's South African tag ({@link INTL_LOCALE}). Loads on the
 * server and in the react-email preview; the browser gets its one catalog from the layout instead.
 */
export function translator(locale: Locale) {
  return createTranslator({ locale: INTL_LOCALE[locale], messages: MESSAGES[locale] });
}
