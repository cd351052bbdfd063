import "server-only";
/**
 * Delivery metrics (issue 6): the one place where Herald defines what it counts and how rates are
 * computed. Admin analytics (per campaign, per notification type and day), the CSV export, the complaint
 * guard and the business dashboard's per-post stats all use {@link METRIC_COUNTS_SQL} and
 * {@link deriveMetrics}; nothing else counts or divides.
 *
 * ## Counts (one row per notification, joined to its EMAIL delivery, if any)
 *
 * The SQL reads `notifications n LEFT JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL'`
 * ({@link METRIC_JOIN_SQL}); `(notification_id, channel)` is unique, so the join never repeats a
 * notification.
 *
 * | count          | definition |
 * |----------------|------------|
 * | `recipients`   | notifications written (one per recipient, whatever the channels) |
 * | `inApp`        | of those, the ones shown in the in-app inbox: every row except the *records* of an email-only send, which are written already read and archived in one statement (`read_at = archived_at`; see campaigns' email-only fan-out and `Notice.archived`) |
 * | `read`         | in-app notifications with `read_at` set (a read that was later archived still counts) |
 * | `sent`         | emails accepted by the provider: delivery status SENT, DELIVERED, BOUNCED or COMPLAINED |
 * | `delivered`    | emails the provider confirmed in the mailbox: DELIVERED, or COMPLAINED (a complaint can only follow a delivery, and the webhook replaces DELIVERED by COMPLAINED) |
 * | `bounced`      | status BOUNCED |
 * | `complained`   | status COMPLAINED (the recipient marked it as spam) |
 * | `clicked`      | sent emails with `clicked_at` set (first click on a tracked link) |
 * | `unsubscribed` | sent emails with `unsubscribed_at` set (their own one-click unsubscribe link) |
 *
 * QUEUED, HELD, SKIPPED and FAILED emails are in no email count: they never reached the provider.
 *
 * ## Rates (fractions 0–1; `null` when the denominator is 0, never NaN)
 *
 * | rate               | formula |
 * |--------------------|---------|
 * | `deliveryRate`     | delivered ÷ sent |
 * | `readRate`         | read ÷ inApp (= read ÷ recipients whenever the in-app channel was used; `null` for an email-only send, which has no inbox card to read) |
 * | `clickThroughRate` | clicked ÷ sent |
 * | `unsubscribeRate`  | unsubscribed ÷ sent |
 * | `bounceRate`       | bounced ÷ sent |
 * | `complaintRate`    | complained ÷ sent |
 *
 * Thresholds (issue 6): a campaign whose complaint rate is above {@link CAMPAIGN_COMPLAINT_WARNING_RATE}
 * (0.1 %) is flagged; new campaigns are refused while the complaint rate of the campaigns sent in the last
 * 30 days is above {@link NEW_CAMPAIGN_COMPLAINT_LIMIT} (0.3 %) (./analytics.ts).
 */
import { Prisma } from "../../generated/prisma/client";

/** Delivery statuses of an email the provider accepted ("sent"). */
export const SENT_STATUSES = ["SENT", "DELIVERED", "BOUNCED", "COMPLAINED"] as const;
/** Delivery statuses of an email confirmed delivered (a complaint implies delivery). */
export const DELIVERED_STATUSES = ["DELIVERED", "COMPLAINED"] as const;

/** A campaign is flagged when its complaint rate is strictly above 0.1 % (issue 6). */
export const CAMPAIGN_COMPLAINT_WARNING_RATE = 0.001;
/** New campaigns are refused while the 30-day campaign complaint rate is strictly above 0.3 % (issue 6). */
export const NEW_CAMPAIGN_COMPLAINT_LIMIT = 0.003;

/** The counts every metric is built from (see the module comment for each definition). */
export interface MetricCounts {
  recipients: number;
  inApp: number;
  read: number;
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
  clicked: number;
  unsubscribed: number;
}

/** Counts plus the rates derived from them (fractions 0–1, or null for a zero denominator). */
export interface Metrics extends MetricCounts {
  /** delivered ÷ sent */
  deliveryRate: number | null;
  /** read ÷ inApp */
  readRate: number | null;
  /** clicked ÷ sent */
  clickThroughRate: number | null;
  /** unsubscribed ÷ sent */
  unsubscribeRate: number | null;
  /** bounced ÷ sent */
  bounceRate: number | null;
  /** complained ÷ sent */
  complaintRate: number | null;
}

export const COUNT_KEYS = ["recipients", "inApp", "read", "sent", "delivered", "bounced", "complained", "clicked", "unsubscribed"] as const satisfies readonly (keyof MetricCounts)[];
export const RATE_KEYS = ["deliveryRate", "readRate", "clickThroughRate", "unsubscribeRate", "bounceRate", "complaintRate"] as const satisfies readonly (keyof Metrics)[];

const sent = Prisma.sql`d.status::text IN ('SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED')`;
/** An in-app notification: not the pre-read, pre-archived record of an email-only send. */
const inApp = Prisma.sql`(n.read_at IS NULL OR n.archived_at IS NULL OR n.archived_at <> n.read_at)`;

/**
 * The notification ⟕ email-delivery join the counts read (`n`: notifications, `d`: the EMAIL delivery).
 * Use as `FROM ${METRIC_JOIN_SQL}` or, after `campaigns c`, as `LEFT JOIN notifications n … ${EMAIL_DELIVERY_JOIN_SQL}`.
 */
export const EMAIL_DELIVERY_JOIN_SQL = Prisma.sql`LEFT JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL'`;
export const METRIC_JOIN_SQL = Prisma.sql`notifications n ${EMAIL_DELIVERY_JOIN_SQL}`;

/**
 * After `campaigns c`: every recipient of the campaign as `n` with its email as `d` — accounts
 * (notifications ⟕ EMAIL deliveries) and newsletter subscribers (`newsletter_deliveries`, which stand in
 * for both; `read_at = archived_at` marks them as not in-app, like the records of an email-only send).
 * Both sides are UNION ALLs of plain selects, so PostgreSQL still probes `notifications(campaign_id)`,
 * `newsletter_deliveries(campaign_id, …)` and `deliveries(notification_id, channel)` per campaign.
 */
export const CAMPAIGN_RECIPIENTS_JOIN_SQL = Prisma.sql`
  LEFT JOIN (
    SELECT campaign_id, id, read_at, archived_at FROM notifications
    UNION ALL
    SELECT campaign_id, id, created_at, created_at FROM newsletter_deliveries
  ) n ON n.campaign_id = c.id
  LEFT JOIN (
    SELECT id, notification_id, status, clicked_at, unsubscribed_at FROM deliveries WHERE channel = 'EMAIL'
    UNION ALL
    SELECT id, id, status, clicked_at, unsubscribed_at FROM newsletter_deliveries
  ) d ON d.notification_id = n.id`;

/**
 * The select-list of the counts (bigint columns `recipients, in_app, read, sent, delivered, bounced,
 * complained, clicked, unsubscribed`) over the rows of {@link METRIC_JOIN_SQL} in the group; read them with
 * {@link countsFromRow}. Counting `n.id` / `d.id` (never `*`) keeps a LEFT JOIN's empty side at 0.
 */
export const METRIC_COUNTS_SQL = Prisma.sql`
  count(n.id) AS recipients,
  count(n.id) FILTER (WHERE ${inApp}) AS in_app,
  count(n.id) FILTER (WHERE n.read_at IS NOT NULL AND ${inApp}) AS read,
  count(d.id) FILTER (WHERE ${sent}) AS sent,
  count(d.id) FILTER (WHERE d.status::text IN ('DELIVERED', 'COMPLAINED')) AS delivered,
  count(d.id) FILTER (WHERE d.status::text = 'BOUNCED') AS bounced,
  count(d.id) FILTER (WHERE d.status::text = 'COMPLAINED') AS complained,
  count(d.id) FILTER (WHERE d.clicked_at IS NOT NULL AND ${sent}) AS clicked,
  count(d.id) FILTER (WHERE d.unsubscribed_at IS NOT NULL AND ${sent}) AS unsubscribed`;

/** The raw columns of {@link METRIC_COUNTS_SQL} (bigint from PostgreSQL; numbers after a COALESCE of ints). */
export interface MetricCountColumns {
  recipients: bigint | number | null;
  in_app: bigint | number | null;
  read: bigint | number | null;
  sent: bigint | number | null;
  delivered: bigint | number | null;
  bounced: bigint | number | null;
  complained: bigint | number | null;
  clicked: bigint | number | null;
  unsubscribed: bigint | number | null;
}

/** The counts of one SQL row (null → 0). */
export function countsFromRow(r: MetricCountColumns): MetricCounts {
  const n = (v: bigint | number | null) => Number(v ?? 0);
  return {
    recipients: n(r.recipients),
    inApp: n(r.in_app),
    read: n(r.read),
    sent: n(r.sent),
    delivered: n(r.delivered),
    bounced: n(r.bounced),
    complained: n(r.complained),
    clicked: n(r.clicked),
    unsubscribed: n(r.unsubscribed),
  };
}

/** All counts 0. */
export function emptyCounts(): MetricCounts {
  return { recipients: 0, inApp: 0, read: 0, sent: 0, delivered: 0, bounced: 0, complained: 0, clicked: 0, unsubscribed: 0 };
}

/** Adds counts (to total days or types; rates are then derived from the sums, never averaged). */
export function addCounts(a: MetricCounts, b: MetricCounts): MetricCounts {
  const out = emptyCounts();
  for (const k of COUNT_KEYS) out[k] = a[k] + b[k];
  return out;
}

/**
 * `numerator ÷ denominator` as a fraction, or `null` when the denominator is 0 (or not a finite positive
 * number): a rate over nothing is unknown, not 0 % and never NaN.
 */
export function rate(numerator: number, denominator: number): number | null {
  if (!Number.isFinite(denominator) || denominator <= 0 || !Number.isFinite(numerator)) return null;
  return numerator / denominator;
}

/** Delivery rate = delivered ÷ sent (null when nothing was sent). */
export const deliveryRate = (c: Pick<MetricCounts, "delivered" | "sent">) => rate(c.delivered, c.sent);
/** Read rate = read ÷ in-app recipients (null when nothing was shown in-app). */
export const readRate = (c: Pick<MetricCounts, "read" | "inApp">) => rate(c.read, c.inApp);
/** Click-through rate = clicked ÷ sent (null when nothing was sent). */
export const clickThroughRate = (c: Pick<MetricCounts, "clicked" | "sent">) => rate(c.clicked, c.sent);
/** Unsubscribe rate = unsubscribed ÷ sent (null when nothing was sent). */
export const unsubscribeRate = (c: Pick<MetricCounts, "unsubscribed" | "sent">) => rate(c.unsubscribed, c.sent);
/** Bounce rate = bounced ÷ sent (null when nothing was sent). */
export const bounceRate = (c: Pick<MetricCounts, "bounced" | "sent">) => rate(c.bounced, c.sent);
/** Complaint rate = complained ÷ sent (null when nothing was sent). */
export const complaintRate = (c: Pick<MetricCounts, "complained" | "sent">) => rate(c.complained, c.sent);

/** Counts with every rate of the module comment's table. */
export function deriveMetrics(c: MetricCounts): Metrics {
  return {
    ...c,
    deliveryRate: deliveryRate(c),
    readRate: readRate(c),
    clickThroughRate: clickThroughRate(c),
    unsubscribeRate: unsubscribeRate(c),
    bounceRate: bounceRate(c),
    complaintRate: complaintRate(c),
  };
}

/**
 * Whether a campaign's complaint rate is strictly above {@link CAMPAIGN_COMPLAINT_WARNING_RATE} (0.1 %,
 * issue 6). No email sent → no warning.
 */
export function campaignComplaintWarning(c: Pick<MetricCounts, "complained" | "sent">): boolean {
  const r = complaintRate(c);
  return r !== null && r > CAMPAIGN_COMPLAINT_WARNING_RATE;
}
