import "server-only";
/**
 * Error messages worded by the server (AppError, zod's custom messages, the tRPC middlewares), in the
 * reader's language. They are sentences written in English where they are thrown, so they are translated
 * gettext-style: `messages/<locale>/server-errors.json` maps each exact English message to its translation
 * (use-intl keys cannot hold the dots and spaces of a sentence). English is the identity; a message with no
 * entry (one built with `${…}`, or zod's own wording) stays English. server/i18n-errors.test.ts keeps the maps
 * complete and free of stale entries. The REST API (/api/v1) answers in English and does not use this.
 */
import type { Locale } from "@/lib/i18n";
import af from "@/messages/af/server-errors.json";
import zu from "@/messages/zu/server-errors.json";

/** English message → translation, per language besides English. */
export const SERVER_ERROR_CATALOGS: Readonly<Record<Exclude<Locale, "en">, Readonly<Record<string, string>>>> = { af, zu };

/** `message` in `locale`: its translation when the catalog has that exact message, else `message` unchanged. */
export function translateServerMessage(message: string, locale: Locale): string {
  if (locale === "en") return message;
  const catalog = SERVER_ERROR_CATALOGS[locale];
  return Object.hasOwn(catalog, message) ? catalog[message]! : message;
}

/**
 * An error's `details` in `locale`: every string in a field's array of messages (`{ name: ["Give the
 * campaign a name"] }`) through {@link translateServerMessage}; other values (`reason: "opted_out"`,
 * `retryAfterSeconds: 30`) unchanged. Returns a copy; null and undefined pass through.
 */
export function translateDetails<T extends Record<string, unknown> | null | undefined>(details: T, locale: Locale): T {
  if (!details || locale === "en") return details;
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(details)) {
    out[field] = Array.isArray(value) ? value.map((v: unknown) => (typeof v === "string" ? translateServerMessage(v, locale) : v)) : value;
  }
  return out as T;
}
