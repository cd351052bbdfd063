import "server-only";
/**
 * Error messages worded by the server (AppError, zod's custom messages, the tRPC middlewares), in the
 * reader's language. They are sentences written in English where they are thrown, so they are translated
 * gettext-style: `messages/<locale>/server-errors.json` maps each English message to its translation (use-intl
 * keys cannot hold the dots and spaces of a sentence).
 *
 * - A fixed message is looked up as it is: `"Give the campaign a name"`.
 * - A message built with `${…}` is a pattern whose placeholders are named after what fills them:
 *   `"You already follow {name}"` matches "You already follow Bread & Co" and its translation gets the same
 *   name back. A placeholder filled with an English wait ("5 minutes", "1 second") gets the wait in the
 *   reader's language (`validation.wait`); other values (names, numbers, codes, ISO 8601 instants) are kept.
 * - An input check with no message of its own (zod's default wording) is worded from its issue code in every
 *   language, English included, by {@link issueMessage} (catalog area `validation`).
 *
 * English is the identity for messages. server/i18n-errors.test.ts derives every message and pattern from the
 * source and keeps the maps complete and free of stale entries. The REST API (/api/v1) answers in English and
 * does not use this.
 */
import { z } from "zod";
import { INTL_LOCALE, type Locale } from "@/lib/i18n";
import { translator } from "@/messages";
import { fieldErrors } from "./services/api/contract";
import type { AppError } from "./services/errors";
import af from "@/messages/af/server-errors.json";
import zu from "@/messages/zu/server-errors.json";

/** English message (or pattern) → translation, per language besides English. */
export const SERVER_ERROR_CATALOGS: Readonly<Record<Exclude<Locale, "en">, Readonly<Record<string, string>>>> = { af, zu };

/** A placeholder in a pattern: `{name}`. */
const PLACEHOLDER = /\{(\w+)\}/g;

interface Pattern {
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly translation: string;
}

const patternCache = new Map<Locale, readonly Pattern[]>();

/**
 * The patterns of `locale`'s catalog (keys with `{name}` placeholders), most literal text first, so that
 * "Invalid {what}: text must not contain NUL characters" is tried before "Invalid {what}".
 */
function patternsOf(locale: Exclude<Locale, "en">): readonly Pattern[] {
  let patterns = patternCache.get(locale);
  if (!patterns) {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    patterns = Object.entries(SERVER_ERROR_CATALOGS[locale])
      .filter(([key]) => /\{\w+\}/.test(key))
      .map(([key, translation]) => {
        const parts = key.split(/\{(\w+)\}/);
        const names = parts.filter((_, i) => i % 2 === 1);
        const regex = new RegExp(`^${parts.map((p, i) => (i % 2 === 1 ? "([\\s\\S]+?)" : escape(p))).join("")}$`);
        return { regex, names, translation, literal: parts.filter((_, i) => i % 2 === 0).join("").length };
      })
      .sort((a, b) => b.literal - a.literal);
    patternCache.set(locale, patterns);
  }
  return patterns;
}

/** An English wait as `waitWords` in the services writes it ("1 second", "12 minutes"). */
const WAIT = /^(\d+) (second|minute)s?$/;

/** A value put into a translated pattern: a wait in the reader's language, anything else as it is. */
function localizeValue(value: string, locale: Locale): string {
  const wait = WAIT.exec(value);
  return wait ? translator(locale)("validation.wait", { count: Number(wait[1]), unit: wait[2]! }) : value;
}

/** The translation of `message` in `locale` from the catalog (exact, then patterns), or null when it has none. */
function lookup(message: string, locale: Exclude<Locale, "en">): string | null {
  const catalog = SERVER_ERROR_CATALOGS[locale];
  if (Object.hasOwn(catalog, message)) return catalog[message]!;
  for (const p of patternsOf(locale)) {
    const m = p.regex.exec(message);
    if (m) return p.translation.replace(PLACEHOLDER, (whole, name: string) => (p.names.includes(name) ? localizeValue(m[p.names.indexOf(name) + 1]!, locale) : whole));
  }
  return null;
}

/** `message` in `locale`: its translation when the catalog has the message or a pattern that matches it, else `message` unchanged. */
export function translateServerMessage(message: string, locale: Locale): string {
  if (locale === "en") return message;
  return lookup(message, locale) ?? message;
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

/**
 * A domain error's `message` and `details` for the reader, as the form endpoints answer them
 * (server/http/account-route.ts, app/api/newsletter/route.ts). A failed parse (an `AppError` whose `cause` is
 * the `ZodError`, server/services/accounts/policy.ts `invalid`) is worded from its issues with
 * {@link issueMessage}, so checks without a message of their own read "Choose one of: en, af, zu" rather than
 * zod's English; its details keep their field keys (server/services/api/contract.ts `fieldErrors`). Any other
 * error goes through {@link translateServerMessage} and {@link translateDetails}.
 */
export function localizeAppError(err: AppError, locale: Locale): { message: string; details: Record<string, unknown> | undefined } {
  if (!(err.cause instanceof z.ZodError)) return { message: translateServerMessage(err.message, locale), details: translateDetails(err.details, locale) };
  const say = (message: string, issue: z.core.$ZodIssue) => (message === issue.message ? issueMessage(issue, locale) : translateServerMessage(message, locale));
  const first = err.cause.issues[0];
  return {
    message: first && err.message === first.message ? issueMessage(first, locale) : translateServerMessage(err.message, locale),
    details: fieldErrors(err.cause, "", say),
  };
}

/**
 * zod's own English wording of the checks that carry no message of their own, as zod produced it in this process
 * (a bounded set: the wording depends only on the schemas' bounds and types). zod words such an issue through
 * the global `localeError` (https://zod.dev/error-customization, precedence), which this module wraps once at
 * load: the wording is unchanged (the REST API keeps it), and {@link issueMessage} knows it for zod's.
 */
const zodWording = new Set<string>(["Invalid input"]);
const zodEnglish = z.locales.en().localeError;
z.config({
  localeError: (issue) => {
    const out = zodEnglish(issue);
    const text = typeof out === "string" ? out : out?.message;
    if (text && zodWording.size < 10_000) zodWording.add(text);
    return out;
  },
});

/**
 * One input check's message in `locale`, for a tRPC client.
 *
 * - A message Herald wrote (`.min(1, "Give the campaign a name")`) is translated by {@link translateServerMessage}.
 * - zod's own wording ("Too small: expected string to have >=1 characters") is replaced, in every language, by
 *   one worded from the issue (`validation.*`): "At least 1 character", "Required", "Choose one of: …".
 *
 * @param issue a zod v4 issue as `ZodError.issues` holds it (code, path, and the code's fields)
 * @returns the message for the reader
 */
export function issueMessage(issue: z.core.$ZodIssue, locale: Locale): string {
  if (!zodWording.has(issue.message)) return translateServerMessage(issue.message, locale);
  const t = translator(locale);
  switch (issue.code) {
    case "invalid_type":
      return /received undefined$/.test(issue.message) ? t("validation.required") : t("validation.invalid");
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const bound = Number(small ? issue.minimum : issue.maximum);
      const inclusive = issue.inclusive !== false;
      const kind = issue.origin === "string" ? "string" : issue.origin === "array" || issue.origin === "set" ? "array" : issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint" ? "number" : null;
      if (kind === null || !Number.isFinite(bound)) return t("validation.invalid");
      if (kind === "number") {
        const value = bound.toLocaleString(INTL_LOCALE[locale]);
        if (small) return inclusive ? t("validation.tooSmall.number", { minimum: value }) : t("validation.tooSmall.numberExclusive", { minimum: value });
        return inclusive ? t("validation.tooBig.number", { maximum: value }) : t("validation.tooBig.numberExclusive", { maximum: value });
      }
      return small ? t(`validation.tooSmall.${kind}`, { minimum: bound }) : t(`validation.tooBig.${kind}`, { maximum: bound });
    }
    case "invalid_format": {
      const known = (["email", "url", "uuid", "date", "datetime"] as const).find((f) => f === issue.format);
      return t(`validation.format.${known ?? "other"}`);
    }
    case "invalid_value":
      return t("validation.oneOf", { values: issue.values.map(String).join(", ") });
    case "unrecognized_keys":
      return t("validation.unknownFields", { count: issue.keys.length, keys: issue.keys.join(", ") });
    case "not_multiple_of":
      return t("validation.multipleOf", { divisor: String(issue.divisor) });
    default:
      return t("validation.invalid");
  }
}
