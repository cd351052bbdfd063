/** Display helpers for the analytics screens (client and server safe: no server imports). */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

type Outputs = inferRouterOutputs<AppRouter>["analytics"];
export type CampaignRows = Outputs["campaigns"];
export type CampaignRow = CampaignRows["rows"][number];
export type TypeSeriesOutput = Outputs["byType"];
export type TypeSeries = TypeSeriesOutput["types"][number];
export type DayRow = TypeSeries["days"][number];
export type MetricsOutput = TypeSeries["totals"];
export type ComplaintStatus = Outputs["complaintStatus"];

/**
 * The `Intl` tag numbers are shown in for a reader's tag (use-intl's `useLocale()`, or `INTL_LOCALE` on the
 * server): Afrikaans and isiZulu in their South African conventions; English, and no tag, keep "1,234" and
 * "12.5%" (en-ZA would print "1 234" and "12,5%").
 */
export function numberLocale(locale?: string): string {
  return !locale || locale.startsWith("en") ? "en-US" : locale;
}

/** Likewise for days and times: English keeps "1 May 2026" and "GMT+2" (en-ZA would print "01 May 2026" and "SAST"). */
export function dateLocale(locale?: string): string {
  return !locale || locale.startsWith("en") ? "en-GB" : locale;
}

/**
 * A rate (fraction) as a percentage: one decimal from 1 % up ("62.5%"), two below ("0.13%"), trailing
 * zeros dropped; "—" when there is no rate (nothing to divide by).
 * @param locale the reader's `Intl` tag (see {@link numberLocale})
 */
export function pct(r: number | null | undefined, locale?: string): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  const p = r * 100;
  const rounded = Number(p.toFixed(p !== 0 && Math.abs(p) < 1 ? 2 : 1));
  if (numberLocale(locale) === "en-US") return `${rounded}%`;
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(rounded / 100);
}

/** A count with thousands separators, in the reader's `Intl` tag (see {@link numberLocale}). */
export const num = (n: number, locale?: string) => n.toLocaleString(numberLocale(locale));

/** "12 May" from a UTC day `YYYY-MM-DD` (shown as the UTC day, whatever the viewer's zone). */
export function shortDay(day: string, locale?: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(dateLocale(locale), { day: "numeric", month: "short", timeZone: "UTC" });
}

/** "12 May 2026" from a UTC day `YYYY-MM-DD`. */
export function longDay(day: string, locale?: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(dateLocale(locale), { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** "2026-05-12 09:30 UTC". */
export function utcMinutes(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
