/** Display helpers for the analytics screens (client and server safe: no server imports). */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";
import { INTL_LOCALE } from "@/lib/i18n";

type Outputs = inferRouterOutputs<AppRouter>["analytics"];
export type CampaignRows = Outputs["campaigns"];
export type CampaignRow = CampaignRows["rows"][number];
export type TypeSeriesOutput = Outputs["byType"];
export type TypeSeries = TypeSeriesOutput["types"][number];
export type DayRow = TypeSeries["days"][number];
export type MetricsOutput = TypeSeries["totals"];
export type ComplaintStatus = Outputs["complaintStatus"];

/**
 * The `Intl` tag numbers, days and times are shown in: the reader's tag (use-intl's `useLocale()`, or
 * `INTL_LOCALE` on the server), as on every other page: South African conventions in each language ("1 234",
 * "12,5%", "01 May 2026", "SAST"). Without a tag, the English one (en-ZA).
 */
export function numberLocale(locale?: string): string {
  return locale || INTL_LOCALE.en;
}

/** Likewise for days and times (see {@link numberLocale}). */
export const dateLocale = numberLocale;

/**
 * A rate (fraction) as a percentage: one decimal from 1 % up ("62,5%"), two below ("0,13%"), trailing
 * zeros dropped; "—" when there is no rate (nothing to divide by).
 * @param locale the reader's `Intl` tag (see {@link numberLocale})
 */
export function pct(r: number | null | undefined, locale?: string): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  const p = r * 100;
  const rounded = Number(p.toFixed(p !== 0 && Math.abs(p) < 1 ? 2 : 1));
  return new Intl.NumberFormat(numberLocale(locale), { style: "percent", maximumFractionDigits: 2 }).format(rounded / 100);
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
