import "server-only";
/**
 * Email decisions for notifications, in SQL over sets of recipients (docs/requirements.md R8; issue "People choose what
 * reaches them"): master toggle → unsubscribed → category preference → critical override → suppression →
 * quiet hours (hold until they end, in the user's time zone; DST handled by PostgreSQL's zone rules) →
 * daily frequency cap per role (docs/requirements.md R8.4; over cap → held for the digest, never dropped).
 * The same expression decides at fan-out time and again at send time, so a change made in between (email
 * turned off, one-click unsubscribe) wins.
 */
import { Prisma } from "../../generated/prisma/client";
import { NOTIFICATION_TYPES, type NotificationType } from "../notifications/catalog";
import { defaultEnabled, DEFAULT_QUIET_HOURS } from "../preferences/preferences";

/** Daily email caps per role (docs/requirements.md R8.4: customer 10, NGO 20, business 50, admin 100). */
export const EMAIL_DAILY_CAP = { CUSTOMER: 10, NGO: 20, BUSINESS: 50, ADMIN: 100 } as const;

/**
 * Quiet hours as SQL over `u` (users) and `s` (notification_settings, LEFT JOIN) at `at` (UTC): the
 * settings row's window while `quiet_hours_enabled` is on, or the default 22:00–07:00 when the user never saved settings (docs/requirements.md R7.4),
 * in the user's time zone (DST by PostgreSQL's zone rules).
 * @returns `inQuiet` (boolean), `releaseAt` (timestamptz: when the window ends), `local` (the user's wall clock)
 */
export function quietHoursSql(at: Date): { inQuiet: Prisma.Sql; releaseAt: Prisma.Sql; local: Prisma.Sql } {
  const qs = Prisma.sql`(CASE WHEN s.user_id IS NULL THEN ${DEFAULT_QUIET_HOURS.start}::int WHEN s.quiet_hours_enabled THEN s.quiet_hours_start END)`;
  const qe = Prisma.sql`(CASE WHEN s.user_id IS NULL THEN ${DEFAULT_QUIET_HOURS.end}::int WHEN s.quiet_hours_enabled THEN s.quiet_hours_end END)`;
  const local = Prisma.sql`(${at}::timestamptz AT TIME ZONE u.timezone)`;
  const minute = Prisma.sql`(extract(hour FROM ${local})::int * 60 + extract(minute FROM ${local})::int)`;
  const inQuiet = Prisma.sql`(${qs} IS NOT NULL AND ${qe} IS NOT NULL AND ${qs} <> ${qe} AND
    CASE WHEN ${qs} < ${qe} THEN ${minute} >= ${qs} AND ${minute} < ${qe} ELSE ${minute} >= ${qs} OR ${minute} < ${qe} END)`;
  const endToday = Prisma.sql`(date_trunc('day', ${local}) + ${qe} * interval '1 minute')`;
  const releaseAt = Prisma.sql`((CASE WHEN ${endToday} > ${local} THEN ${endToday} ELSE ${endToday} + interval '1 day' END) AT TIME ZONE u.timezone)`;
  return { inQuiet, releaseAt, local };
}

/**
 * The decision as SQL columns `status`, `reason`, `release_at` for one notification row, to be used as
 * `CROSS JOIN LATERAL (SELECT ${emailDecisionSql(…)}) dec` (it may end with a FROM clause). Expects the
 * aliases `n` (notifications), `u` (users), `s` (notification_settings, LEFT JOIN), `p`
 * (notification_preferences for EMAIL and n.category, LEFT JOIN). `at` is the decision time (UTC).
 * `opts.critical` overrides the catalog (a campaign an admin marked critical, issue 6).
 * `opts.ranked`: `n` comes from `rankedNotifications` (./mobile-decisions.ts) and the cap also counts the
 * recipient's earlier notifications in the same batch, so a burst decided at once (twelve emails
 * for one customer) sends ten and holds two for the digest instead of sending all twelve.
 */
export function emailDecisionSql(type: NotificationType, at: Date, opts: { critical?: boolean; ranked?: boolean } = {}): Prisma.Sql {
  const spec = NOTIFICATION_TYPES[type];
  const critical = opts.critical ?? spec.critical;
  const preferred = defaultEnabled(spec.category, "EMAIL");
  const { inQuiet, releaseAt, local } = quietHoursSql(at);
  const cap = Prisma.sql`(CASE u.role WHEN 'CUSTOMER' THEN ${EMAIL_DAILY_CAP.CUSTOMER}::int WHEN 'NGO' THEN ${EMAIL_DAILY_CAP.NGO}::int
    WHEN 'BUSINESS' THEN ${EMAIL_DAILY_CAP.BUSINESS}::int ELSE ${EMAIL_DAILY_CAP.ADMIN}::int END)`;
  const sentToday = Prisma.sql`((SELECT count(*) FROM deliveries d2
    WHERE d2.user_id = n.user_id AND d2.channel = 'EMAIL' AND d2.status IN ('SENT', 'DELIVERED')
      AND d2.sent_at >= (date_trunc('day', ${local}) AT TIME ZONE u.timezone))${opts.ranked ? Prisma.sql` + n.batch_rank - 1` : Prisma.empty})`;
  const suppressed = Prisma.sql`EXISTS (SELECT 1 FROM email_suppressions x WHERE x.email_hash = encode(sha256(convert_to(lower(u.email), 'UTF8')), 'hex'))`;
  if (type === "digest") {
    // The digest is the user's own choice of cadence: the announcements category, quiet hours and the cap
    // do not apply; the master toggle, unsubscribe-from-all and suppression do.
    return Prisma.sql`
      (CASE WHEN s.email_enabled = false OR s.email_unsubscribed_at IS NOT NULL OR ${suppressed} THEN 'SKIPPED' ELSE 'QUEUED' END)::"DeliveryStatus" AS status,
      (CASE WHEN s.email_enabled = false THEN 'channel_off' WHEN s.email_unsubscribed_at IS NOT NULL THEN 'unsubscribed'
            WHEN ${suppressed} THEN 'suppressed' ELSE NULL END)::text AS reason,
      NULL::timestamptz AS release_at`;
  }
  if (critical) {
    // Transactional: preferences, unsubscribes, suppression, quiet hours and caps do not apply.
    return Prisma.sql`'QUEUED'::"DeliveryStatus" AS status, 'critical'::text AS reason, NULL::timestamptz AS release_at`;
  }
  // The first rule that applies names the reason; each rule (a suppression lookup, a count of today's
  // emails) is evaluated at most once per row, and only when the rules before it did not apply.
  // `OFFSET 0` keeps PostgreSQL from inlining `why` into each of the three columns (which would evaluate
  // the rules up to three times).
  return Prisma.sql`
    (CASE WHEN f.why IN ('channel_off', 'unsubscribed', 'preference', 'suppressed') THEN 'SKIPPED'
          WHEN f.why IN ('quiet_hours', 'frequency_cap') THEN 'HELD'
          ELSE 'QUEUED' END)::"DeliveryStatus" AS status,
    f.why AS reason,
    (CASE WHEN f.why = 'quiet_hours' THEN ${releaseAt} END)::timestamptz AS release_at
    FROM (SELECT (CASE WHEN s.email_enabled = false THEN 'channel_off'
                       WHEN s.email_unsubscribed_at IS NOT NULL THEN 'unsubscribed'
                       WHEN NOT coalesce(p.enabled, ${preferred}) THEN 'preference'
                       WHEN ${suppressed} THEN 'suppressed'
                       WHEN ${inQuiet} THEN 'quiet_hours'
                       WHEN ${sentToday} >= ${cap} THEN 'frequency_cap'
                       ELSE NULL END)::text AS why
          OFFSET 0) f`;
}

/** FROM/JOIN clause matching {@link emailDecisionSql}'s aliases, for notifications `n`. */
export const EMAIL_DECISION_JOINS = Prisma.sql`
  JOIN users u ON u.id = n.user_id
  LEFT JOIN notification_settings s ON s.user_id = n.user_id
  LEFT JOIN notification_preferences p ON p.user_id = n.user_id AND p.category = n.category AND p.channel = 'EMAIL'`;
