import "server-only";
/**
 * The request's language for server components (server/i18n.ts decides: the user's choice, the browser's
 * Accept-Language, the platform's default).
 */
import { headers } from "next/headers";
import type { Locale } from "@/lib/i18n";
import { resolveLocale, translator } from "./i18n";

/** The language of this request for `user` (null when signed out). */
export async function requestLocale(user: { locale: string | null } | null): Promise<Locale> {
  return resolveLocale(user?.locale, (await headers()).get("accept-language"));
}

/** A translator in this request's language (see {@link requestLocale}). */
export async function requestTranslator(user: { locale: string | null } | null) {
  return translator(await requestLocale(user));
}
