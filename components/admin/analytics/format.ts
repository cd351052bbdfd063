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
 * A rate (fraction) as a percentage: one decimal from 1 % up ("62.5%"), two below ("0.13%"), trailing
 * zeros dropped; "—" when there is no rate (nothing to divide by).
 */
export function pct(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  const p = r * 100;
  return `${Number(p.toFixed(p !== 0 && Math.abs(p) < 1 ? 2 : 1))}%`;
}

/** A count with thousands separators. */
export const num = (n: number) => n.toLocaleString("en-US");

/** "12 May" from a UTC day `YYYY-MM-DD` (shown as the UTC day, whatever the viewer's zone). */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** "12 May 2026" from a UTC day `YYYY-MM-DD`. */
export function longDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** "2026-05-12 09:30 UTC". */
export function utcMinutes(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
