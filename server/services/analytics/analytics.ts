import "server-only";
/**
 * Delivery analytics (issue 6): per campaign, and per notification type and UTC day, the counts and rates
 * defined once in ./metrics.ts (recipients, emails sent, delivery, read, click-through, unsubscribe,
 * bounce and complaint rates). Every figure comes from one set-based, grouped SQL statement: no row is
 * loaded into memory and no query runs per campaign, type or day.
 *
 * - Campaigns: those that started sending (`campaigns.started_at`, "sent at") in the range, each with the
 *   metrics of all its notifications (`notifications.campaign_id`) and their emails. Indexes used:
 *   `notifications(campaign_id)`, `deliveries(notification_id, channel)`.
 * - Types over time: notifications written in the range, bucketed by the UTC day of
 *   `notifications.created_at` (a cohort: an email sent or clicked later still counts on the day its
 *   notification was written, so every rate compares like with like). Days without rows are zeros.
 * - Complaint guard: new campaigns are refused while the complaint rate of the campaigns that started in
 *   the last 30 days is above 0.3 % ({@link assertComplaintRateAllowsNewCampaign}).
 */
import { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import { AppError } from "../errors";
import { NOTIFICATION_TYPES } from "../notifications/catalog";
import { toCsv, type CsvCell } from "./csv";
import { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS } from "./limits";
import {
  CAMPAIGN_COMPLAINT_WARNING_RATE,
  COUNT_KEYS,
  CAMPAIGN_RECIPIENTS_JOIN_SQL,
  METRIC_COUNTS_SQL,
  METRIC_JOIN_SQL,
  NEW_CAMPAIGN_COMPLAINT_LIMIT,
  RATE_KEYS,
  addCounts,
  campaignComplaintWarning,
  complaintRate,
  countsFromRow,
  deriveMetrics,
  emptyCounts,
  type MetricCountColumns,
  type MetricCounts,
  type Metrics,
} from "./metrics";

export { CAMPAIGN_COMPLAINT_WARNING_RATE, NEW_CAMPAIGN_COMPLAINT_LIMIT, campaignComplaintWarning, type Metrics, type MetricCounts };

const DAY_MS = 86_400_000;
export { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS };
/** Window of the new-campaign complaint guard (days before now, by campaign start). */
export const COMPLAINT_WINDOW_DAYS = 30;
/** Most campaigns listed for one range (newest first); `truncated` says when there were more. */
export const MAX_CAMPAIGN_ROWS = 500;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A range of whole UTC days, both ends included. */
export interface AnalyticsRange {
  /** First day, `YYYY-MM-DD` (UTC). */
  from: string;
  /** Last day, `YYYY-MM-DD` (UTC), included. */
  to: string;
  /** Days in the range (1–366). */
  days: number;
}

/** What a caller may ask for: explicit days, or the last `days` days (default 30) ending today (UTC). */
export interface RangeInput {
  from?: string;
  to?: string;
  days?: number;
}

function parseDay(s: string, field: string): number {
  const m = ISO_DATE.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s) {
    throw new AppError("VALIDATION_ERROR", "Dates are YYYY-MM-DD", { [field]: ["Use a date like 2026-05-31"] });
  }
  return t;
}
const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOfUtcDay = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

/**
 * Resolves a range of UTC days. `to` defaults to today (UTC) and `from` to `to − (days − 1)` with `days`
 * defaulting to 30; a range is 1–366 days long.
 * @throws AppError VALIDATION_ERROR (bad date, `from` after `to`, longer than 366 days)
 */
export function resolveRange(input: RangeInput = {}, now = new Date()): AnalyticsRange {
  const days = input.days ?? DEFAULT_RANGE_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RANGE_DAYS) {
    throw new AppError("VALIDATION_ERROR", `A range is 1–${MAX_RANGE_DAYS} days`, { days: [`1–${MAX_RANGE_DAYS} days`] });
  }
  const to = input.to ? parseDay(input.to, "to") : input.from ? Math.min(parseDay(input.from, "from") + (days - 1) * DAY_MS, startOfUtcDay(now)) : startOfUtcDay(now);
  const from = input.from ? parseDay(input.from, "from") : to - (days - 1) * DAY_MS;
  if (from > to) throw new AppError("VALIDATION_ERROR", "The start date is after the end date", { from: ["Must be on or before the end date"] });
  const length = Math.round((to - from) / DAY_MS) + 1;
  if (length > MAX_RANGE_DAYS) {
    throw new AppError("VALIDATION_ERROR", `A range is at most ${MAX_RANGE_DAYS} days`, { from: [`At most ${MAX_RANGE_DAYS} days before the end date`] });
  }
  return { from: dayString(from), to: dayString(to), days: length };
}

/** `[start, end)` instants (UTC) of a range: 00:00 of `from` to 00:00 of the day after `to`. */
export function rangeBounds(r: AnalyticsRange): { start: Date; end: Date } {
  return { start: new Date(`${r.from}T00:00:00.000Z`), end: new Date(Date.parse(`${r.to}T00:00:00.000Z`) + DAY_MS) };
}

/** One campaign's row in the analytics table. */
export interface CampaignAnalyticsRow {
  id: string;
  name: string;
  status: string;
  channels: string[];
  /** When sending started (UTC). */
  sentAt: Date;
  metrics: Metrics;
  /** Complaint rate strictly above 0.1 % (issue 6). */
  complaintWarning: boolean;
}

type CampaignSqlRow = MetricCountColumns & { id: string; name: string; status: string; channels: string[]; started_at: Date };

function campaignRow(r: CampaignSqlRow): CampaignAnalyticsRow {
  const counts = countsFromRow(r);
  return { id: r.id, name: r.name, status: r.status, channels: r.channels, sentAt: r.started_at, metrics: deriveMetrics(counts), complaintWarning: campaignComplaintWarning(counts) };
}

/**
 * The campaigns that started sending in the range, newest first (at most 500), with their metrics.
 * One grouped statement over campaigns ⟕ notifications ⟕ email deliveries.
 */
export async function campaignAnalytics(range: AnalyticsRange): Promise<{ range: AnalyticsRange; rows: CampaignAnalyticsRow[]; truncated: boolean }> {
  const { start, end } = rangeBounds(range);
  const rows = await db.$queryRaw<CampaignSqlRow[]>`
    SELECT c.id, c.name, c.status::text AS status, c.channels::text[] AS channels, c.started_at, ${METRIC_COUNTS_SQL}
    FROM campaigns c
    ${CAMPAIGN_RECIPIENTS_JOIN_SQL}
    WHERE c.started_at >= ${start}::timestamptz AND c.started_at < ${end}::timestamptz
    GROUP BY c.id
    ORDER BY c.started_at DESC, c.id
    LIMIT ${MAX_CAMPAIGN_ROWS + 1}`;
  return { range, rows: rows.slice(0, MAX_CAMPAIGN_ROWS).map(campaignRow), truncated: rows.length > MAX_CAMPAIGN_ROWS };
}

/**
 * One campaign's metrics over all its notifications (whatever their date); a campaign that never started
 * has `sentAt: null` and zero counts.
 * @throws AppError NOT_FOUND
 */
export async function campaignMetrics(campaignId: string): Promise<Omit<CampaignAnalyticsRow, "sentAt"> & { sentAt: Date | null }> {
  const [row] = await db.$queryRaw<(Omit<CampaignSqlRow, "started_at"> & { started_at: Date | null })[]>`
    SELECT c.id, c.name, c.status::text AS status, c.channels::text[] AS channels, c.started_at, ${METRIC_COUNTS_SQL}
    FROM campaigns c
    ${CAMPAIGN_RECIPIENTS_JOIN_SQL}
    WHERE c.id = ${campaignId}::uuid
    GROUP BY c.id`;
  if (!row) throw new AppError("NOT_FOUND", "Campaign not found");
  const counts = countsFromRow(row);
  return { id: row.id, name: row.name, status: row.status, channels: row.channels, sentAt: row.started_at, metrics: deriveMetrics(counts), complaintWarning: campaignComplaintWarning(counts) };
}

/**
 * Complaint rate and warning flag for each of the given campaigns (for the campaign list): one grouped
 * statement. Campaigns without sent email get `complaintRate: null, complaintWarning: false`.
 * @returns a map campaign id → `{ sent, complained, complaintRate, complaintWarning }` (every id given)
 */
export async function campaignComplaintWarnings(campaignIds: readonly string[]) {
  const ids = [...new Set(campaignIds)];
  const out = new Map<string, { sent: number; complained: number; complaintRate: number | null; complaintWarning: boolean }>();
  if (ids.length === 0) return out;
  const rows = await db.$queryRaw<(MetricCountColumns & { campaign_id: string })[]>`
    SELECT c.id AS campaign_id, ${METRIC_COUNTS_SQL}
    FROM campaigns c
    ${CAMPAIGN_RECIPIENTS_JOIN_SQL}
    WHERE c.id = ANY(${ids}::uuid[])
    GROUP BY c.id`;
  const byId = new Map(rows.map((r) => [r.campaign_id, countsFromRow(r)]));
  for (const id of ids) {
    const c = byId.get(id) ?? emptyCounts();
    out.set(id, { sent: c.sent, complained: c.complained, complaintRate: complaintRate(c), complaintWarning: campaignComplaintWarning(c) });
  }
  return out;
}

/** One UTC day of one type. */
export interface DayMetrics extends Metrics {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
}

/** A notification type's daily series over the range (every day present, zeros included) and its totals. */
export interface TypeSeries {
  type: string;
  /** The catalog's label ("New listing"), or the type itself for types the catalog no longer has. */
  label: string;
  totals: Metrics;
  days: DayMetrics[];
}

type DaySqlRow = MetricCountColumns & { day: string; type: string };

/**
 * Per notification type and UTC day of `notifications.created_at` in the range: the metrics, zero-filled
 * (every type that has a notification in the range gets every day). Types are ordered by recipients, most
 * first. `campaignId` restricts everything to one campaign's notifications.
 * One statement: a grouped aggregate joined to the calendar (`generate_series`).
 */
export async function dailyMetricsByType(range: AnalyticsRange, opts: { campaignId?: string } = {}): Promise<{ range: AnalyticsRange; types: TypeSeries[]; totals: Metrics }> {
  const { start, end } = rangeBounds(range);
  const campaign = opts.campaignId ? Prisma.sql`AND n.campaign_id = ${opts.campaignId}::uuid` : Prisma.empty;
  const rows = await db.$queryRaw<DaySqlRow[]>`
    WITH agg AS (
      SELECT (n.created_at AT TIME ZONE 'UTC')::date AS day, n.type, ${METRIC_COUNTS_SQL}
      FROM ${METRIC_JOIN_SQL}
      WHERE n.created_at >= ${start}::timestamptz AND n.created_at < ${end}::timestamptz ${campaign}
      GROUP BY 1, 2
    ),
    calendar AS (SELECT (${range.from}::date + i) AS day FROM generate_series(0, ${range.days - 1}::int) AS i),
    types AS (SELECT DISTINCT type FROM agg)
    SELECT to_char(cal.day, 'YYYY-MM-DD') AS day, t.type,
           a.recipients, a.in_app, a.read, a.sent, a.delivered, a.bounced, a.complained, a.clicked, a.unsubscribed
    FROM calendar cal CROSS JOIN types t
    LEFT JOIN agg a ON a.day = cal.day AND a.type = t.type
    ORDER BY t.type, cal.day`;
  const byType = new Map<string, { counts: MetricCounts; days: DayMetrics[] }>();
  for (const r of rows) {
    const counts = countsFromRow(r);
    let s = byType.get(r.type);
    if (!s) byType.set(r.type, (s = { counts: emptyCounts(), days: [] }));
    s.counts = addCounts(s.counts, counts);
    s.days.push({ day: r.day, ...deriveMetrics(counts) });
  }
  let all = emptyCounts();
  const types: TypeSeries[] = [];
  for (const [type, s] of byType) {
    all = addCounts(all, s.counts);
    types.push({ type, label: (NOTIFICATION_TYPES as Record<string, { label: string }>)[type]?.label ?? type, totals: deriveMetrics(s.counts), days: s.days });
  }
  types.sort((a, b) => b.totals.recipients - a.totals.recipients || a.type.localeCompare(b.type));
  return { range, types, totals: deriveMetrics(all) };
}

/** The complaint rate of recent campaigns against the new-campaign limit. */
export interface ComplaintStatus {
  /** Emails sent (SENT, DELIVERED, BOUNCED, COMPLAINED) by campaigns started in the window. */
  sent: number;
  complained: number;
  /** complained ÷ sent, null when nothing was sent. */
  rate: number | null;
  /** 0.003 (0.3 %). */
  limit: number;
  /** rate > limit: new campaigns are refused unless overridden. */
  exceeded: boolean;
  windowDays: number;
}

/**
 * The complaint rate (complained ÷ sent) over the emails of every campaign that started in the last 30
 * days (`started_at` in `(now − 30 d, now]`), compared with the 0.3 % limit (issue 6).
 */
export async function recentCampaignComplaintStatus(now = new Date()): Promise<ComplaintStatus> {
  const since = new Date(now.getTime() - COMPLAINT_WINDOW_DAYS * DAY_MS);
  const [row] = await db.$queryRaw<MetricCountColumns[]>`
    SELECT ${METRIC_COUNTS_SQL}
    FROM campaigns c
    ${CAMPAIGN_RECIPIENTS_JOIN_SQL}
    WHERE c.started_at > ${since}::timestamptz AND c.started_at <= ${now}::timestamptz`;
  const counts = row ? countsFromRow(row) : emptyCounts();
  const r = complaintRate(counts);
  return { sent: counts.sent, complained: counts.complained, rate: r, limit: NEW_CAMPAIGN_COMPLAINT_LIMIT, exceeded: r !== null && r > NEW_CAMPAIGN_COMPLAINT_LIMIT, windowDays: COMPLAINT_WINDOW_DAYS };
}

/** A rate as a percentage with up to two decimals ("0.42%"). */
export function formatPercent(r: number): string {
  return `${Number((r * 100).toFixed(2))}%`;
}

/**
 * Guard before a campaign is sent or scheduled (issue 6): while the complaint rate of the campaigns that
 * started in the last 30 days is above 0.3 % (strictly), a new campaign is refused unless the admin
 * explicitly overrides. Exactly 0.3 % is allowed; no email sent in the window is allowed.
 * @param opts.override true when the admin confirmed sending anyway
 * @param opts.now the clock (tests)
 * @returns the status that was checked
 * @throws AppError CONFLICT with `details: { reason: "COMPLAINT_RATE", rate, limit, complained, sent, windowDays }`
 */
export async function assertComplaintRateAllowsNewCampaign(opts: { override?: boolean; now?: Date } = {}): Promise<ComplaintStatus> {
  const status = await recentCampaignComplaintStatus(opts.now ?? new Date());
  if (status.exceeded && !opts.override) {
    const [days, rate, complained, sent, limit] = [status.windowDays, formatPercent(status.rate!), status.complained.toLocaleString("en-US"), status.sent.toLocaleString("en-US"), formatPercent(status.limit)];
    throw new AppError(
      "CONFLICT",
      `The complaint rate of campaigns sent in the last ${days} days is ${rate} (${complained} of ${sent} emails marked as spam), above the ${limit} limit. New campaigns are paused to protect email deliverability; review the audience and content, or override to send anyway.`,
      { reason: "COMPLAINT_RATE", rate: status.rate, limit: status.limit, complained: status.complained, sent: status.sent, windowDays: status.windowDays },
    );
  }
  return status;
}

/** What the CSV export contains: one row per campaign, or one row per notification type and UTC day. */
export type AnalyticsCsvKind = "campaigns" | "types";

const COUNT_HEADERS: Record<(typeof COUNT_KEYS)[number], string> = {
  recipients: "recipients",
  inApp: "in_app_recipients",
  read: "read",
  sent: "emails_sent",
  delivered: "delivered",
  bounced: "bounced",
  complained: "complained",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
};
const RATE_HEADERS: Record<(typeof RATE_KEYS)[number], string> = {
  deliveryRate: "delivery_rate",
  readRate: "read_rate",
  clickThroughRate: "click_through_rate",
  unsubscribeRate: "unsubscribe_rate",
  bounceRate: "bounce_rate",
  complaintRate: "complaint_rate",
};

/** Counts, then rates as fractions with up to 6 decimals (empty when null). */
function metricCells(m: Metrics): CsvCell[] {
  return [...COUNT_KEYS.map((k) => m[k]), ...RATE_KEYS.map((k) => (m[k] === null ? null : Number(m[k]!.toFixed(6))))];
}
const METRIC_HEADERS = [...COUNT_KEYS.map((k) => COUNT_HEADERS[k]), ...RATE_KEYS.map((k) => RATE_HEADERS[k])];

/**
 * The analytics of a range as CSV (RFC 4180, CRLF, every field quoted, formula-looking cells prefixed
 * with `'`). Rates are fractions (0.25 = 25 %), empty when the denominator was 0; times are ISO 8601 UTC.
 * @returns `{ filename, csv }`
 */
export async function analyticsCsv(range: AnalyticsRange, kind: AnalyticsCsvKind): Promise<{ filename: string; csv: string }> {
  const filename = `herald-analytics-${kind}-${range.from}-to-${range.to}.csv`;
  if (kind === "campaigns") {
    const { rows } = await campaignAnalytics(range);
    return {
      filename,
      csv: toCsv([
        ["campaign_id", "name", "status", "sent_at", ...METRIC_HEADERS, "complaint_warning"],
        ...rows.map((r) => [r.id, r.name, r.status, r.sentAt.toISOString(), ...metricCells(r.metrics), r.complaintWarning ? "yes" : "no"]),
      ]),
    };
  }
  const { types } = await dailyMetricsByType(range);
  return {
    filename,
    csv: toCsv([["day", "type", ...METRIC_HEADERS], ...types.flatMap((t) => t.days.map((d) => [d.day, t.type, ...metricCells(d)]))]),
  };
}
