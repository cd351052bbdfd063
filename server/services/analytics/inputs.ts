/**
 * Inputs of the analytics procedures and the CSV route (strict objects: unknown keys are refused). Dates
 * are whole UTC days, `YYYY-MM-DD`; `resolveRange` (./analytics.ts) checks order and the 366-day limit.
 */
import { z } from "zod";
import { MAX_RANGE_DAYS } from "./limits";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Use a date like 2026-05-31" });
const days = z.number().int().min(1).max(MAX_RANGE_DAYS, { error: `At most ${MAX_RANGE_DAYS} days` });

/** A range: `from`/`to` (UTC days, both included) or the last `days` days; default the last 30 days. */
export const analyticsRangeInput = z.object({ from: day.optional(), to: day.optional(), days: days.optional() }).strict();
export type AnalyticsRangeInput = z.input<typeof analyticsRangeInput>;

/** One campaign. */
export const campaignIdInput = z.object({ id: z.uuid({ error: "Not a campaign id." }) }).strict();

/** A range plus, optionally, one campaign (the per-type daily series). */
export const dailySeriesInput = analyticsRangeInput.extend({ campaignId: z.uuid({ error: "Not a campaign id." }).optional() }).strict();

/** The CSV route's query string (every value a string; each key once). */
export const analyticsCsvQuery = z
  .object({
    kind: z.enum(["campaigns", "types"]).default("campaigns"),
    from: day.optional(),
    to: day.optional(),
    days: z.string().regex(/^\d{1,3}$/, { error: "A whole number of days" }).transform(Number).pipe(days).optional(),
  })
  .strict();
