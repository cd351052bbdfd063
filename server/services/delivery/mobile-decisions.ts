import "server-only";
/**
 * Push and SMS decisions (issue 7; docs/requirements.md R8.3), in SQL over sets of notifications like the email decision
 * (./email-decisions.ts), evaluated when the notification is written and again right before sending:
 *
 *   1. a target: an active push subscription or native app device (PUSH; {@link hasPushDeviceSql}) / a
 *      verified phone (SMS) — else SKIPPED `no_device` /
 *      `no_phone`. When a notification is first decided, people without a target get no row at all
 *      ({@link reachableSql}; most followers have no push device, and a fan-out would otherwise write a
 *      SKIPPED row per follower): the delivery log derives that reason (./delivery-log.ts). Decided again
 *      right before sending, a queued row whose target has gone meanwhile becomes SKIPPED with the reason.
 *   2. SMS only: the number texted STOP — SKIPPED `opted_out`, even for critical messages (carrier rules)
 *   3. stale: the notification was read in the inbox already, or expired — SKIPPED `read` / `expired`
 *   4. critical types (docs/requirements.md R4.3) — QUEUED `critical`: toggles, preferences,
 *      quiet hours and caps do not apply
 *   5. the channel's master toggle (push on by default, SMS off until the user verifies a number) — `channel_off`
 *   6. the category × channel preference (or the catalog default) — `preference`
 *   7. quiet hours — HELD until they end (`release_at`), then decided again
 *   8. the per-role daily cap of docs/requirements.md R8.4 (push 5/10/20/50, SMS 2/5/10/20 for customers, NGOs,
 *      businesses, admins; counted over the user's local day) — SKIPPED `frequency_cap` (the inbox and
 *      email still carry it; a phone is not buzzed past the cap)
 */
import { Prisma } from "../../generated/prisma/client";
import { NOTIFICATION_TYPES, type NotificationType } from "../notifications/catalog";
import { defaultEnabled } from "../preferences/preferences";
import { quietHoursSql } from "./email-decisions";

export type MobileChannel = "PUSH" | "SMS";

/**
 * Whether the user `user` (an SQL expression: a column of the outer query) has a push device: a browser
 * subscription that is not deactivated, or a native app device (issue 17, FCM) that is not disabled. Two
 * index lookups (`push_subscriptions` and `native_devices` by user). Source: docs/requirements.md R8.3, R10.
 */
export function hasPushDeviceSql(user: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = ${user} AND ps.deactivated_at IS NULL)
    OR EXISTS (SELECT 1 FROM native_devices nd WHERE nd.user_id = ${user} AND nd.disabled_at IS NULL))`;
}

/** Daily caps per role and channel (docs/requirements.md R8.4). */
export const MOBILE_DAILY_CAP = {
  PUSH: { CUSTOMER: 5, NGO: 10, BUSINESS: 20, ADMIN: 50 },
  SMS: { CUSTOMER: 2, NGO: 5, BUSINESS: 10, ADMIN: 20 },
} as const;

/**
 * The decision as a complete `SELECT status, reason, release_at` for one notification row, to be used as
 * `CROSS JOIN LATERAL (${mobileDecisionSql(…)}) dec`. Expects the aliases of {@link mobileDecisionJoins}:
 * `n` (notifications, as {@link rankedNotifications}: with `batch_rank`), `u` (users), `s`
 * (notification_settings, LEFT JOIN), `p` (notification_preferences for the channel and n.category, LEFT JOIN).
 * The cap counts what was sent today plus the recipient's earlier notifications in the same batch, so
 * seven order updates decided at once for a customer still buzz their phone five times, not seven.
 * @param at decision time (UTC)
 */
export function mobileDecisionSql(channel: MobileChannel, type: NotificationType, at: Date): Prisma.Sql {
  const spec = NOTIFICATION_TYPES[type];
  const { inQuiet, releaseAt, local } = quietHoursSql(at);
  const noTarget =
    channel === "PUSH"
      ? Prisma.sql`NOT ${hasPushDeviceSql(Prisma.sql`u.id`)}`
      : Prisma.sql`(u.phone IS NULL OR u.phone_verified_at IS NULL)`;
  const master = channel === "PUSH" ? Prisma.sql`coalesce(s.push_enabled, true)` : Prisma.sql`coalesce(s.sms_enabled, false)`;
  const preferred = Prisma.sql`coalesce(p.enabled, ${defaultEnabled(spec.category, channel)})`;
  const caps = MOBILE_DAILY_CAP[channel];
  const cap = Prisma.sql`(CASE u.role WHEN 'CUSTOMER' THEN ${caps.CUSTOMER}::int WHEN 'NGO' THEN ${caps.NGO}::int
    WHEN 'BUSINESS' THEN ${caps.BUSINESS}::int ELSE ${caps.ADMIN}::int END)`;
  const sentToday = Prisma.sql`(SELECT count(*) FROM deliveries d2
    WHERE d2.user_id = n.user_id AND d2.channel = ${channel}::"Channel" AND d2.status IN ('SENT', 'DELIVERED')
      AND d2.sent_at >= (date_trunc('day', ${local}) AT TIME ZONE u.timezone))`;
  const optional = spec.critical
    ? Prisma.empty
    : Prisma.sql`WHEN NOT ${master} THEN 'channel_off'
                 WHEN NOT ${preferred} THEN 'preference'
                 WHEN ${inQuiet} THEN 'quiet_hours'
                 WHEN ${sentToday} + n.batch_rank - 1 >= ${cap} THEN 'frequency_cap'`;
  return Prisma.sql`
    SELECT (CASE WHEN r.reason IS NULL OR r.reason = 'critical' THEN 'QUEUED' WHEN r.reason = 'quiet_hours' THEN 'HELD' ELSE 'SKIPPED' END)::"DeliveryStatus" AS status,
           r.reason,
           (CASE WHEN r.reason = 'quiet_hours' THEN ${releaseAt} END)::timestamptz AS release_at
    FROM (SELECT (CASE WHEN ${noTarget} THEN ${channel === "PUSH" ? "no_device" : "no_phone"}
                       ${channel === "SMS" ? Prisma.sql`WHEN u.sms_opted_out_at IS NOT NULL THEN 'opted_out'` : Prisma.empty}
                       WHEN n.read_at IS NOT NULL THEN 'read'
                       WHEN n.expires_at IS NOT NULL AND n.expires_at <= ${at}::timestamptz THEN 'expired'
                       ${optional}
                       ELSE ${spec.critical ? "critical" : null} END)::text AS reason) r`;
}

/**
 * Whether the recipient of notification `n` can receive the channel at all: an active push subscription or
 * native app device (PUSH), a verified phone number (SMS). A condition on `n` for {@link rankedNotifications}.
 */
export function reachableSql(channel: MobileChannel): Prisma.Sql {
  return channel === "PUSH"
    ? hasPushDeviceSql(Prisma.sql`n.user_id`)
    : Prisma.sql`EXISTS (SELECT 1 FROM users ru WHERE ru.id = n.user_id AND ru.phone IS NOT NULL AND ru.phone_verified_at IS NOT NULL)`;
}

/**
 * The batch's notifications as `n`, each with `batch_rank`: its place (1, 2, …) among the same recipient's
 * notifications in the batch, oldest first; {@link mobileDecisionSql}'s cap reads it.
 * @param where conditions on `n` (the batch), e.g. ids and type
 * @param join an optional join restricting the batch (e.g. to queued deliveries)
 */
export function rankedNotifications(where: Prisma.Sql, join: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`(SELECT n.*, row_number() OVER (PARTITION BY n.user_id ORDER BY n.created_at, n.id) AS batch_rank
    FROM notifications n ${join} WHERE ${where}) n`;
}

/** FROM/JOIN clause matching {@link mobileDecisionSql}'s aliases, for notifications `n`. */
export function mobileDecisionJoins(channel: MobileChannel): Prisma.Sql {
  return Prisma.sql`
  JOIN users u ON u.id = n.user_id
  LEFT JOIN notification_settings s ON s.user_id = n.user_id
  LEFT JOIN notification_preferences p ON p.user_id = n.user_id AND p.category = n.category AND p.channel = ${channel}::"Channel"`;
}
