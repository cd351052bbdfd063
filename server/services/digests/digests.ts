import "server-only";
/**
 * Digest emails (issue 5; docs/requirements.md R13, over-cap → digest R8.5, cadence
 * R7.5): at 08:00 in each user's time zone — every day for DAILY, on Mondays for WEEKLY — one email
 * summarising the unread notifications created since the user's last digest, grouped by type and
 * business ("5 new listings from 3 businesses"). Notifications held by quiet hours or the daily cap are
 * included (they are unread); emails held by the cap are then marked SKIPPED "digest" so they never go out
 * on their own as well.
 *
 * Exactly one digest per user and window: the digest's notification has the dedupe key
 * `digest:<cadence>:<local date>`, unique per user, so a second cron fire (or a retried step) writes
 * nothing; the `digests` row records what was covered. An empty digest is never sent.
 *
 * Time: the cron runs every 15 minutes; a user is due from 08:00 until 12:00 local time
 * ({@link DIGEST_GRACE_HOURS}), so ticks missed while Herald was down are made up the same morning,
 * never in the afternoon.
 */
import { db } from "../../db";
import { NOTIFICATION_TYPES, type NotificationType, type NotificationTypeSpec } from "../notifications/catalog";
import { inInbox } from "../notifications/list-notifications";
import { notifyUsers, type Notice } from "../delivery/notify";
import { noticeText } from "../delivery/notice-text";
import { recipientLocale, translator } from "../../i18n";

/** Local hour the digest goes out (issue 5). */
export const DIGEST_HOUR = 8;
/** Hours after {@link DIGEST_HOUR} a digest may still go out (missed cron ticks). */
export const DIGEST_GRACE_HOURS = 4;
/** Users handled per query batch. */
const BATCH = 500;
/** Items listed per type in one digest (the template shows the first 10 and counts the rest). */
const ITEMS_PER_TYPE = 200;

interface DueUser {
  user_id: string;
  cadence: "DAILY" | "WEEKLY";
  window_date: string;
  covers_from: Date;
  /** The user's chosen language (`users.locale`), or null. */
  locale: string | null;
}

interface Row {
  user_id: string;
  type: NotificationType;
  title: string;
  business_name: string | null;
  action_url: string | null;
  notification_id: string;
}

/** "New listings", from the catalog's plural noun. */
function heading(type: NotificationType): string {
  const spec: NotificationTypeSpec = NOTIFICATION_TYPES[type];
  const noun = spec.plural ?? `${spec.label.toLowerCase()}s`;
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}

/**
 * Sends the digests due at `at`.
 * @param at the cron tick (UTC)
 * @returns how many digests were written now, and how many held emails they absorbed
 */
export async function sendDueDigests(at = new Date()): Promise<{ digests: number; absorbed: number }> {
  let after = "00000000-0000-0000-0000-000000000000";
  let digests = 0;
  let absorbed = 0;
  for (;;) {
    // Users whose local time is in [08:00, 12:00) today (and Monday for weekly), who have no digest for this
    // window yet, in keyset batches. covers_from: the end of their last digest, or one period back.
    const due = await db.$queryRaw<DueUser[]>`
      SELECT u.id AS user_id, s.digest_cadence::text AS cadence, u.locale,
             to_char((${at}::timestamptz AT TIME ZONE u.timezone), 'YYYY-MM-DD') AS window_date,
             coalesce((SELECT max(g.covers_to) FROM digests g WHERE g.user_id = u.id),
                      ${at}::timestamptz - CASE s.digest_cadence WHEN 'WEEKLY' THEN interval '7 days' ELSE interval '1 day' END) AS covers_from
      FROM notification_settings s JOIN users u ON u.id = s.user_id
      WHERE s.digest_cadence <> 'OFF' AND u.id > ${after}::uuid
        AND extract(hour FROM (${at}::timestamptz AT TIME ZONE u.timezone)) >= ${DIGEST_HOUR}
        AND extract(hour FROM (${at}::timestamptz AT TIME ZONE u.timezone)) < ${DIGEST_HOUR + DIGEST_GRACE_HOURS}
        AND (s.digest_cadence = 'DAILY' OR extract(isodow FROM (${at}::timestamptz AT TIME ZONE u.timezone)) = 1)
        AND NOT EXISTS (SELECT 1 FROM digests g WHERE g.user_id = u.id AND g.cadence = s.digest_cadence
                          AND g.window_date = (${at}::timestamptz AT TIME ZONE u.timezone)::date)
      ORDER BY u.id
      LIMIT ${BATCH}`;
    if (due.length === 0) return { digests, absorbed };
    after = due.at(-1)!.user_id;
    const r = await digestBatch(due, at);
    digests += r.digests;
    absorbed += r.absorbed;
  }
}

async function digestBatch(due: DueUser[], at: Date): Promise<{ digests: number; absorbed: number }> {
  const windows = JSON.stringify(due.map((d) => ({ user_id: d.user_id, covers_from: d.covers_from })));
  // The newest unread items per user and type in the window, with the business's name (one query).
  const rows = await db.$queryRaw<Row[]>`
    SELECT user_id, type, title, business_name, action_url, notification_id FROM (
      SELECT n.user_id, n.type, n.title, b.name AS business_name, n.action_url, n.id AS notification_id,
             row_number() OVER (PARTITION BY n.user_id, n.type ORDER BY n.created_at DESC, n.id DESC) AS rn
      FROM jsonb_to_recordset(${windows}::jsonb) AS w(user_id uuid, covers_from timestamptz)
      JOIN notifications n ON n.user_id = w.user_id AND n.created_at >= w.covers_from AND n.created_at < ${at}::timestamptz
      LEFT JOIN businesses b ON b.id = n.business_id
      WHERE n.read_at IS NULL AND ${inInbox()} AND n.type <> 'digest'
    ) ranked
    WHERE rn <= ${ITEMS_PER_TYPE}
    ORDER BY user_id, type, rn`;
  const byUser = new Map<string, Row[]>();
  for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);

  const notices: Notice[] = [];
  const included: string[] = [];
  for (const d of due) {
    const mine = byUser.get(d.user_id);
    if (!mine) continue; // nothing unread: no digest (never an empty one)
    const types = [...new Set(mine.map((r) => r.type))].slice(0, 10);
    // `type` makes the email show the catalog's heading and counts in the recipient's language.
    const sections = types.map((type) => ({
      heading: heading(type),
      type,
      moreUrl: "/notifications",
      items: mine
        .filter((r) => r.type === type)
        .map((r) => ({ title: r.title.slice(0, 200), ...(r.business_name ? { businessName: r.business_name } : {}), url: r.action_url ?? "/notifications" })),
    }));
    const count = mine.length;
    // The record's body ("3 new listings, 2 order updates") in the recipient's language, as notify.ts
    // renders the title.
    const t = translator(recipientLocale(d.locale));
    notices.push({
      userId: d.user_id,
      type: "digest",
      title: noticeText("digest.title", { cadence: d.cadence.toLowerCase(), count }),
      body: types.map((type, i) => t(`notice.digest.sections.${type}`, { count: sections[i]!.items.length })).join(", "),
      dedupeKey: `digest:${d.cadence}:${d.window_date}`,
      data: { cadence: d.cadence, window_date: d.window_date, count },
      actionUrl: "/notifications",
      archived: true,
      email: { period: d.cadence === "DAILY" ? "daily" : "weekly", sections },
    });
    included.push(...mine.map((r) => r.notification_id));
  }
  if (notices.length === 0) return { digests: 0, absorbed: 0 };
  const result = await notifyUsers(notices, at);
  // Record the windows (also for digests a retried step had already written, so the next window starts here).
  const sentUsers = new Set(notices.map((n) => n.userId));
  const records = due
    .filter((d) => sentUsers.has(d.user_id))
    .map((d) => ({ user_id: d.user_id, cadence: d.cadence, window_date: d.window_date, covers_from: d.covers_from, count: byUser.get(d.user_id)!.length }));
  await db.$executeRaw`
    INSERT INTO digests (user_id, cadence, window_date, covers_from, covers_to, notification_count)
    SELECT x.user_id, x.cadence::"DigestCadence", x.window_date::date, x.covers_from, ${at}::timestamptz, x.count
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS x(user_id uuid, cadence text, window_date text, covers_from timestamptz, count int)
    ON CONFLICT DO NOTHING`;
  const absorbed = await db.$executeRaw`
    UPDATE deliveries SET status = 'SKIPPED', reason = 'digest', updated_at = now()
    WHERE notification_id = ANY(${included}::uuid[]) AND channel = 'EMAIL' AND status = 'HELD' AND reason = 'frequency_cap'`;
  return { digests: result.created.length, absorbed };
}
