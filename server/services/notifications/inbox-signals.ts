import "server-only";
/**
 * The live inbox's realtime signals (docs/architecture.md "Live inbox"). Every change to a user's inbox
 * advances the user's inbox sequence number (`inbox_sequences.seq`) in the same transaction as the change,
 * and the signal sent after commit carries what the browser needs to patch its cache without a request:
 * the recipient's new inbox entry, the unread count and the sequence number they are as of
 * (`notification.new`: lib/realtime.ts `NewNotificationPayload`). A browser
 * whose cached list or badge is at `seq - 1` applies the signal; one that sees a gap refetches. Every
 * payload is built from the recipient's own rows only.
 *
 * Ordering: the sequence row is locked by the `INSERT … ON CONFLICT DO UPDATE` that advances it, so two
 * transactions changing one user's inbox take their numbers one after the other; the counts are read by a
 * later statement of the same transaction, whose snapshot includes every earlier number's change and no
 * later one. Multi-user writes lock the rows in user id order, so two of them never deadlock.
 *
 * A large fan-out numbers its rows right after writing them, in a transaction (and a run) of its own
 * ({@link signalNewNotifications}), so every chunk's rows land first. A list read in between may already
 * show such a row without its number; the row's signal then changes nothing in that list but its number.
 */
import { Prisma } from "../../generated/prisma/client";
import type { Tx } from "../outbox/outbox";
import { db } from "../../db";
import { signalEvents, type UserEvent } from "../realtime";
import { GROUP_MIN, INBOX_COLUMNS, inInbox, inboxCounts, pluralNoun, toItem, unreadCountSql, unseenCountSql, type InboxRow } from "./list-notifications";
import type { NewNotificationPayload } from "../../../lib/realtime";

interface NewRow extends InboxRow {
  user_id: string;
  seq: bigint;
  unread_count: bigint;
  unseen_count: bigint;
  group_count: bigint | null;
}

/**
 * Advances the inbox sequence numbers for `notificationIds` (new rows written by `tx`, or rows back from
 * snooze; archived, read, deleted or snoozed ones are not in the live inbox and are left out) and builds each recipient's `notification.new`.
 * A recipient with k new rows gets k consecutive numbers, oldest row first. Call inside the transaction
 * that wrote the rows, after writing them, and send the result with `signalEvents` (../realtime) after
 * commit, or let {@link insertNotifications} do both; or, for rows already committed, let
 * {@link signalNewNotifications} number and send them.
 * @param tx the writing transaction (a bare client would give up the ordering described in the module doc)
 * @returns the signals in the order to send them (per user, ascending `seq`)
 */
export async function newNotificationSignals(tx: Tx, notificationIds: readonly string[]): Promise<UserEvent[]> {
  if (notificationIds.length === 0) return [];
  const ids = [...notificationIds];
  const live = Prisma.sql`n.id = ANY(${ids}::uuid[]) AND n.read_at IS NULL AND ${inInbox()}`;
  await tx.$executeRaw`
    INSERT INTO inbox_sequences (user_id, seq)
    SELECT n.user_id, count(*) FROM notifications n WHERE ${live}
    GROUP BY n.user_id ORDER BY n.user_id
    ON CONFLICT (user_id) DO UPDATE SET seq = inbox_sequences.seq + excluded.seq`;
  // `newer` / `newer_in_group`: how many of this write's rows for the same user (and group) are newer, so
  // each row's numbers are those right after it went in. The rows are read once (by primary key, with every
  // column the entry needs); the counts are index range scans per row (correlated subqueries): whatever the
  // planner guesses for the id list, the work stays linear in the rows, never in the table.
  const rows = await tx.$queryRaw<NewRow[]>`
    WITH fresh AS (
      SELECT n.id, n.type, n.category, n.priority, n.title, n.body, n.data, n.action_url, n.business_id,
             n.created_at, n.seen_at, n.read_at, n.archived_at, n.snoozed_until, n.user_id,
             count(*) OVER (PARTITION BY n.user_id ORDER BY n.created_at DESC, n.id DESC) - 1 AS newer,
             count(*) FILTER (WHERE n.seen_at IS NULL) OVER (PARTITION BY n.user_id ORDER BY n.created_at DESC, n.id DESC)
               - (n.seen_at IS NULL)::int AS newer_unseen,
             count(*) OVER (PARTITION BY n.user_id, n.type, n.business_id ORDER BY n.created_at DESC, n.id DESC) - 1 AS newer_in_group
      FROM notifications n WHERE ${live}
    )
    SELECT ${INBOX_COLUMNS}, n.user_id,
           s.seq - n.newer AS seq,
           ${unreadCountSql(Prisma.sql`n.user_id`)} - n.newer AS unread_count,
           ${unseenCountSql(Prisma.sql`n.user_id`)} - n.newer_unseen AS unseen_count,
           g.n - n.newer_in_group AS group_count
    FROM fresh n LEFT JOIN businesses b ON b.id = n.business_id
    JOIN inbox_sequences s ON s.user_id = n.user_id
    LEFT JOIN LATERAL (SELECT count(*) AS n FROM notifications x
                       WHERE x.user_id = n.user_id AND x.read_at IS NULL AND ${inInbox("x")}
                         AND x.type = n.type AND x.business_id = n.business_id) g ON n.business_id IS NOT NULL
    ORDER BY n.user_id, n.newer DESC`;
  return rows.map((r) => {
    const item = toItem(r);
    const groupCount = Number(r.group_count ?? 0);
    const payload: NewNotificationPayload = {
      notification_id: item.id,
      notification_type: item.type,
      title: item.title,
      message: item.body,
      sender: item.business ? { name: item.business.name, logo: null } : null,
      data: item.data,
      created_at: item.createdAt,
      unread_count: Number(r.unread_count),
      unseen_count: Number(r.unseen_count),
      seq: Number(r.seq),
      entry: {
        category: item.category,
        priority: item.priority,
        actionUrl: item.actionUrl,
        business: item.business ? { id: item.business.id, slug: item.business.slug, logoColor: item.business.logoColor } : null,
        group: item.business && groupCount >= GROUP_MIN ? { count: groupCount, noun: pluralNoun(item.type) } : null,
      },
    };
    return { userId: r.user_id, name: "notification.new", data: payload as unknown as Record<string, unknown> };
  });
}

/**
 * Advances one user's inbox sequence number after a change to their rows in `tx` (seen, read, unread,
 * archive, delete…) and reads their unread and unseen counts in a later statement of the same transaction.
 * @returns the new sequence number and the counts as of it
 */
export async function advanceInboxSeq(tx: Tx, userId: string): Promise<{ seq: number; unreadCount: number; unseenCount: number }> {
  const [row] = await tx.$queryRaw<{ seq: bigint }[]>`
    INSERT INTO inbox_sequences (user_id, seq) VALUES (${userId}::uuid, 1)
    ON CONFLICT (user_id) DO UPDATE SET seq = inbox_sequences.seq + 1
    RETURNING seq`;
  const counts = await inboxCounts(userId, tx);
  return { seq: Number(row?.seq ?? 0), unreadCount: counts.unread, unseenCount: counts.unseen };
}

/**
 * Writes new notifications with one statement and signals their recipients: `insert` runs in a
 * transaction (time limit 60 s, for a chunk of thousands) and returns the ids it wrote (e.g. `INSERT …
 * RETURNING id`); the signals are built in that transaction and sent once it has committed (best effort,
 * as every realtime signal).
 * @returns what `insert` returned
 */
export async function insertNotifications<R extends { id: string }>(insert: (tx: Tx) => Promise<R[]>): Promise<R[]> {
  const { rows, signals } = await db.$transaction(
    async (tx) => {
      const rows = await insert(tx);
      return { rows, signals: await newNotificationSignals(tx, rows.map((r) => r.id)) };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  await signalEvents(signals);
  return rows;
}

/** Recipients per transaction of {@link signalNewNotifications}: a slice's signals leave while the next is built. */
const SIGNAL_SLICE = 1000;

/**
 * Numbers rows that are already committed in their recipients' inbox sequences and sends the signals: the
 * realtime leg of a large fan-out, run after every chunk's rows are written (module doc). Works in slices of
 * about {@link SIGNAL_SLICE} recipients in user id order, each recipient's rows in one slice: each slice is
 * one transaction (time limit 60 s), and its signals are sent while the next slice is built, so the first
 * recipients hear of a large chunk before its last are numbered. Rows read, archived or deleted meanwhile
 * get no signal.
 * @param rows new rows: `id` and recipient `userId` (any order, any recipients)
 * @param options.sliceSize recipients' rows per slice (default {@link SIGNAL_SLICE}; a slice grows to hold
 *   its last recipient's rows)
 * @returns how many signals were sent
 */
export async function signalNewNotifications(
  rows: readonly { id: string; userId: string }[],
  options: { sliceSize?: number } = {},
): Promise<number> {
  const sliceSize = Math.max(1, options.sliceSize ?? SIGNAL_SLICE);
  const sorted = [...rows].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  let sent = 0;
  let publishing: Promise<void> = Promise.resolve();
  for (let from = 0; from < sorted.length; ) {
    let to = Math.min(from + sliceSize, sorted.length);
    while (to < sorted.length && sorted[to]!.userId === sorted[to - 1]!.userId) to++;
    const ids = sorted.slice(from, to).map((r) => r.id);
    const signals = await db.$transaction((tx) => newNotificationSignals(tx, ids), { timeout: 60_000, maxWait: 30_000 });
    await publishing; // one slice in flight: memory stays bounded, and slices leave in order
    publishing = signalEvents(signals);
    sent += signals.length;
    from = to;
  }
  await publishing;
  return sent;
}
