/**
 * The zod building blocks of the templates' props schemas. Each template (`emails/<name>.tsx`) exports its
 * own `schema` made of these, and its props type is `z.infer` of it; `renderEmail()`
 * (server/services/email/render.ts) validates props with that schema before rendering.
 *
 * Strict objects everywhere (unknown keys are rejected); lengths are capped so one bad payload cannot
 * produce a megabyte email (docs/requirements.md R9.5). URL fields are only length-checked here: templates
 * pass every href through `safeActionUrl` (./safety.ts), which falls back to the inbox for anything that is
 * not https or app-relative. Relative imports only, so the react-email preview server loads it too.
 *
 * @module
 */
import { z } from "zod";
import { LOCALES } from "../../lib/i18n";
import { isTimeZone } from "../../lib/time-zone";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Whether `value` is an absolute URL the app may point at: `https://…` anywhere, or `http://` on a loopback
 * host (the embedded mode; docs/requirements.md R9.5). URLs with credentials are refused.
 */
export function isAppUrl(value: string): boolean {
  try {
    const u = new URL(value);
    if (u.username || u.password) return false;
    return u.protocol === "https:" || (u.protocol === "http:" && (LOOPBACK.has(u.hostname) || u.hostname.endsWith(".localhost")));
  } catch {
    return false;
  }
}

/** Required one-line text, trimmed, 1–`max` characters. */
export const text = (max = 200) => z.string().trim().min(1).max(max);
/** Optional text, trimmed, at most `max` characters. */
export const optText = (max = 200) => z.string().trim().max(max).optional();
/** A link target (https or app-relative; checked again by `safeActionUrl` when rendered). */
export const link = z.string().trim().min(1).max(2048);
/** The app's public base URL (https; http only on a loopback host). */
export const appUrl = z.string().trim().max(2048).refine(isAppUrl, "appUrl must be an https URL (http only on localhost)");
/** An ISO 8601 date-time with an offset, e.g. "2025-06-26T18:00:00Z". */
export const isoDateTime = z.iso.datetime({ offset: true });
/** The IANA zone dates are shown in (default "UTC" in the templates). */
export const timeZone = z.string().max(64).refine(isTimeZone, "unknown IANA time zone").optional();
/** A decimal amount string, e.g. "12.50". */
export const amount = z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, "a decimal amount such as 12.50");
/** An ISO 4217 currency code, e.g. "ZAR". */
export const currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code such as ZAR");
/** One ordered item: its name and whole units (≥ 1). */
export const orderItem = z.strictObject({
  name: text(200),
  /** Whole units, ≥ 1. */
  quantity: z.number().int().min(1).max(100_000),
});
/** The items of an order or booking (at most 100). */
export const items = z.array(orderItem).max(100);
/** A sender's body text (plain text or, where a template says so, a safe markdown subset; never HTML). */
export const body = z.string().trim().min(1).max(20_000);
/** The recipient's language (default English): words, dates and amounts. */
export const locale = z.enum(LOCALES).optional();

/** Fields every template takes. */
export const base = {
  /** The app's public base URL; links are built from it (templates never read the environment). */
  appUrl,
  recipientName: optText(100),
};

/** Fields of every non-transactional template: it must carry the recipient's unsubscribe link (docs/requirements.md R9.1). */
export const bulk = {
  ...base,
  /** Signed one-click unsubscribe page for this recipient (non-transactional: always present). */
  unsubscribeUrl: link,
};
