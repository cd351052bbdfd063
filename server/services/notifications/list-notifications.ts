import "server-only";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError } from "../errors";
import type { Tx } from "../outbox/outbox";
import { NOTIFICATION_TYPES, isNotificationType, type NotificationType, type NotificationTypeSpec } from "./catalog";
import type { InboxEntryJson } from "../../../lib/realtime";

/** Which part of the inbox: live (not archived or snoozed), unread (of those), archived, or snoozed. */
export type InboxFilter = "all" | "unread" | "archived" | "snoozed";

/** A notification as the inbox lists it (lib/realtime.ts, shared with the browser). All times ISO 8601, UTC. */
export type InboxItem = Omit<InboxEntryJson, "group">;

/**
 * Similar unread notifications collapsed into one inbox entry: the live, unarchived, unread notifications
 * of one user with the same `type` and `businessId`, at least {@link GROUP_MIN} of them. `ids` holds all
 * members' ids, or the newest {@link GROUP_IDS_MAX} when `count` is larger.
 */
export type InboxGroup = NonNullable<InboxEntryJson["group"]>;

/** One entry of an inbox page: a notification, or (when `group` is set) the newest member of a group. */
export type InboxEntry = InboxEntryJson;

/** A keyset page of entries. */
export interface Page<T> {
  items: T[];
  /** Opaque keyset cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

/**
 * A page of the inbox, with the user's inbox sequence number (docs/architecture.md "Live inbox") read in
 * the same statement, so it names exactly the changes the page includes.
 */
export interface InboxPage extends Page<InboxEntry> {
  seq: number;
}

/** The fewest unread notifications that form a group. */
export const GROUP_MIN = 2;
/** At most this many member ids travel with a group (enough for "Mark all read" on any ordinary group). */
export const GROUP_IDS_MAX = 50;

/** A notification row with its business, as {@link INBOX_COLUMNS} selects it. */
export interface InboxRow {
  id: string;
  type: string;
  category: string;
  priority: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  action_url: string | null;
  business_id: string | null;
  business_name: string | null;
  business_slug: string | null;
  business_logo_color: string | null;
  created_at: Date;
  seen_at: Date | null;
  read_at: Date | null;
  archived_at: Date | null;
  snoozed_until: Date | null;
}

interface GroupedRow extends InboxRow {
  group_count: bigint | number | null;
  group_ids: string[] | null;
}

/** The columns of {@link InboxRow}, from notifications `n` with their business `b`. */
export const INBOX_COLUMNS = Prisma.sql`
  n.id, n.type, n.category, n.priority, n.title, n.body, n.data, n.action_url,
  n.business_id, b.name AS business_name, b.slug AS business_slug, b.logo_color AS business_logo_color,
  n.created_at, n.seen_at, n.read_at, n.archived_at, n.snoozed_until`;
const INBOX_FROM = Prisma.sql`notifications n LEFT JOIN businesses b ON b.id = n.business_id`;
const INBOX_ROWS = Prisma.sql`SELECT ${INBOX_COLUMNS} FROM ${INBOX_FROM}`;

/**
 * "In the inbox" as an SQL condition: not deleted, not archived, not snoozed. The one definition behind
 * the lists, the counts, the groups and the realtime signals.
 * @param alias the notifications table's alias in the query ("n", "x"), or "" for unqualified columns
 */
export function inInbox(alias = "n"): Prisma.Sql {
  const c = alias ? `${alias}.` : "";
  return Prisma.raw(`${c}deleted_at IS NULL AND ${c}archived_at IS NULL AND ${c}snoozed_until IS NULL`);
}

/** Encodes the keyset position `(created_at, id)` of the last row of a page. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 * @throws AppError VALIDATION_ERROR for anything else.
 */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppError("VALIDATION_ERROR", "Invalid cursor", { cursor: ["not a cursor from a previous page"] });
  }
  return { createdAt, id };
}

/**
 * One inbox page, newest first, with keyset pagination on `(created_at, id)` (docs/requirements.md R5.3:
 * constant cost at any depth, unlike OFFSET; R18.3). Deleted rows never appear.
 *
 * With `grouped` (the in-app inbox; off by default, so the REST API's flat shape is untouched), the
 * "all" and "unread" views collapse similar notifications (issue 5; docs/requirements.md R5.4):
 * the user's live, unarchived, **unread** notifications with the same `(type, business_id)`, when there
 * are at least {@link GROUP_MIN}, become one entry at the position of their newest member, which carries
 * `group`; the older members are left out of the keyset stream, so across pages every notification shows
 * up exactly once, either as an entry or inside one group. Read notifications, notifications without a
 * business and the archived view are never grouped. One statement per page, no per-group queries: a
 * window over the user's groupable rows (the rows the badge counts, a range scan of
 * `notifications_user_id_read_at_deleted_at_archived_at_idx`) gives each `(type, business_id)` its newest
 * member and size; the page is the keyset merge of those newest members with the keyset scan of every
 * other row on `notifications_user_id_created_at_id_idx`. The cost is that of the unread count plus a
 * normal page. The cursor is the last entry's `(created_at, id)`, as without grouping. Load a group's
 * members with {@link listGroupMembers}.
 * @param opts.limit 1–100 entries
 * @throws AppError VALIDATION_ERROR for a malformed cursor
 */
export async function listNotifications(opts: {
  userId: string;
  filter?: InboxFilter;
  type?: NotificationType;
  cursor?: string | null;
  limit?: number;
  grouped?: boolean;
}): Promise<InboxPage> {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  const filter = opts.filter ?? "all";
  const conds: Prisma.Sql[] = [Prisma.sql`n.user_id = ${opts.userId}::uuid`];
  if (filter === "all") conds.push(inInbox());
  if (filter === "unread") conds.push(Prisma.sql`${inInbox()} AND n.read_at IS NULL`);
  if (filter === "archived") conds.push(Prisma.sql`n.deleted_at IS NULL AND n.archived_at IS NOT NULL`);
  if (filter === "snoozed") conds.push(Prisma.sql`n.deleted_at IS NULL AND n.snoozed_until IS NOT NULL`);
  if (opts.type) conds.push(Prisma.sql`n.type = ${opts.type}`);
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  /** The keyset condition on `(created_at, id)`, for the notifications `n` or (unqualified) the unread rows. */
  const keyset = (qualified: boolean) =>
    !after
      ? Prisma.empty
      : qualified
        ? Prisma.sql`AND (n.created_at, n.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`
        : Prisma.sql`AND (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
  const query =
    opts.grouped && (filter === "all" || filter === "unread")
      ? // The groupable rows (unread, live, with a business) are numbered per (type, business_id) once; a
        // page merges the newest of each partition (a group when it has GROUP_MIN or more, else a plain
        // entry) with the keyset stream of every other row, so older members never reach any page.
        Prisma.sql`
          WITH unread AS (
            SELECT id, type, business_id, created_at,
                   row_number() OVER (PARTITION BY type, business_id ORDER BY created_at DESC, id DESC) AS rn,
                   count(*) OVER (PARTITION BY type, business_id) AS n
            FROM notifications
            WHERE user_id = ${opts.userId}::uuid AND read_at IS NULL AND ${inInbox("")}
              AND business_id IS NOT NULL ${opts.type ? Prisma.sql`AND type = ${opts.type}` : Prisma.empty}
          ), page AS (
            (SELECT n.id, n.created_at, NULL::bigint AS group_count FROM notifications n
             WHERE ${Prisma.join(conds, " AND ")} AND (n.read_at IS NOT NULL OR n.business_id IS NULL) ${keyset(true)}
             ORDER BY n.created_at DESC, n.id DESC LIMIT ${limit + 1})
            UNION ALL
            (SELECT id, created_at, CASE WHEN n >= ${GROUP_MIN} THEN n END FROM unread WHERE rn = 1 ${keyset(false)}
             ORDER BY created_at DESC, id DESC LIMIT ${limit + 1})
            ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}
          ), groups AS (
            SELECT type, business_id, array_agg(id ORDER BY rn) FILTER (WHERE rn <= ${GROUP_IDS_MAX}) AS ids
            FROM unread WHERE n >= ${GROUP_MIN} GROUP BY type, business_id
          )
          SELECT ${INBOX_COLUMNS}, p.group_count, g.ids AS group_ids
          FROM page p JOIN notifications n ON n.id = p.id LEFT JOIN businesses b ON b.id = n.business_id
            LEFT JOIN groups g ON p.group_count IS NOT NULL AND g.type = n.type AND g.business_id = n.business_id
          ORDER BY n.created_at DESC, n.id DESC`
      : Prisma.sql`
          ${INBOX_ROWS}
          WHERE ${Prisma.join(conds, " AND ")} ${keyset(true)}
          ORDER BY n.created_at DESC, n.id DESC
          LIMIT ${limit + 1}`;
  // The page and the inbox sequence number in one statement (one snapshot); an empty page still yields
  // one row, which carries the number.
  const result = await db.$queryRaw<(GroupedRow & { inbox_seq: bigint })[]>`
    SELECT s.inbox_seq, r.* FROM (SELECT ${inboxSeqSql(opts.userId)} AS inbox_seq) s
    LEFT JOIN LATERAL (${query}) r ON true
    ORDER BY r.created_at DESC, r.id DESC`;
  const rows = result.filter((r) => r.id !== null);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...toItem(r), group: toGroup(r) })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    seq: Number(result[0]?.inbox_seq ?? 0),
  };
}

/**
 * The members of one group (see {@link listNotifications}): the user's live, unarchived, unread
 * notifications of `type` from `businessId`, newest first, keyset-paged like the inbox. Someone else's
 * rows never appear; an empty page is the answer for a group that no longer exists.
 * @param opts.limit 1–100 rows
 * @throws AppError VALIDATION_ERROR for a malformed cursor
 */
export async function listGroupMembers(opts: {
  userId: string;
  type: string;
  businessId: string;
  cursor?: string | null;
  limit?: number;
}): Promise<Page<InboxItem>> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 100);
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await db.$queryRaw<InboxRow[]>`
    ${INBOX_ROWS}
    WHERE n.user_id = ${opts.userId}::uuid AND n.read_at IS NULL AND ${inInbox()}
      AND n.type = ${opts.type} AND n.business_id = ${opts.businessId}::uuid
      ${after ? Prisma.sql`AND (n.created_at, n.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
    ORDER BY n.created_at DESC, n.id DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** The plural noun of a catalog type for a group's summary ("new listings"); unknown types use their name. */
export function pluralNoun(type: string): string {
  if (!isNotificationType(type)) return type.replace(/_/g, " ");
  const spec: NotificationTypeSpec = NOTIFICATION_TYPES[type];
  return spec.plural ?? `${spec.label.toLowerCase()}s`;
}

function toGroup(r: GroupedRow): InboxGroup | null {
  if (r.group_count == null || !r.group_ids || !r.business_id) return null;
  return {
    key: `${r.type}:${r.business_id}`,
    type: r.type,
    businessId: r.business_id,
    businessName: r.business_name ?? "",
    noun: pluralNoun(r.type),
    count: Number(r.group_count),
    ids: r.group_ids,
  };
}

/** An inbox row as the API and the client see it (times ISO 8601, UTC). */
export function toItem(r: InboxRow): InboxItem {
  return {
    id: r.id,
    type: r.type,
    category: r.category,
    priority: r.priority,
    title: r.title,
    body: r.body,
    data: r.data,
    actionUrl: r.action_url,
    business:
      r.business_id && r.business_name
        ? { id: r.business_id, name: r.business_name, slug: r.business_slug ?? "", logoColor: r.business_logo_color ?? "#2E7D32" }
        : null,
    createdAt: r.created_at.toISOString(),
    seenAt: r.seen_at?.toISOString() ?? null,
    readAt: r.read_at?.toISOString() ?? null,
    archivedAt: r.archived_at?.toISOString() ?? null,
    snoozedUntil: r.snoozed_until?.toISOString() ?? null,
  };
}

/** The user's inbox sequence number as a scalar SQL expression (0 before the first change). */
function inboxSeqSql(userId: string): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT seq FROM inbox_sequences WHERE user_id = ${userId}::uuid), 0)`;
}

/** The two counts of a user's inbox: unread (the inbox's "Unread"), and unseen (the bell's badge). */
export interface InboxCounts {
  unread: number;
  unseen: number;
}

/**
 * The badge's state for the live client: the unread and unseen counts and the inbox sequence number they
 * are as of, read in one statement (docs/architecture.md "Live inbox"). The bell shows `unseen`.
 */
export async function unreadState(userId: string): Promise<{ count: number; unseen: number; seq: number }> {
  const user = Prisma.sql`${userId}::uuid`;
  const [row] = await db.$queryRaw<{ n: bigint; unseen: bigint; seq: bigint }[]>`
    SELECT ${unreadCountSql(user)} AS n, ${unseenCountSql(user)} AS unseen, ${inboxSeqSql(userId)} AS seq`;
  return { count: Number(row?.n ?? 0), unseen: Number(row?.unseen ?? 0), seq: Number(row?.seq ?? 0) };
}

/**
 * The unread count as a scalar SQL expression: the live, unarchived, unread rows of the user `user` (an SQL
 * expression: a parameter, or a column of the outer query). A range scan of
 * `notifications_user_id_read_at_deleted_at_archived_at_idx`.
 */
export function unreadCountSql(user: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT count(*) FROM notifications x
    WHERE x.user_id = ${user} AND x.read_at IS NULL AND ${inInbox("x")})`;
}

/**
 * The unseen count behind the bell's badge as a scalar SQL expression: the unread rows of
 * {@link unreadCountSql} that no list of the bell has shown yet (`seen_at IS NULL`). Reading a
 * notification also sees it, so the unseen rows are a subset of the unread ones, and the count is the same
 * index range scan with one more filter.
 */
export function unseenCountSql(user: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT count(*) FROM notifications x
    WHERE x.user_id = ${user} AND x.read_at IS NULL AND ${inInbox("x")} AND x.seen_at IS NULL)`;
}

/**
 * The unread count (see {@link unreadCountSql}).
 * @param q a transaction to read in (default: the client)
 */
export async function countUnread(userId: string, q: Tx = db): Promise<number> {
  return (await inboxCounts(userId, q)).unread;
}

/**
 * The unread and unseen counts in one statement.
 * @param q a transaction to read in (default: the client)
 */
export async function inboxCounts(userId: string, q: Tx = db): Promise<InboxCounts> {
  const user = Prisma.sql`${userId}::uuid`;
  const [row] = await q.$queryRaw<{ n: bigint; unseen: bigint }[]>`SELECT ${unreadCountSql(user)} AS n, ${unseenCountSql(user)} AS unseen`;
  return { unread: Number(row?.n ?? 0), unseen: Number(row?.unseen ?? 0) };
}

/**
 * One notification of the user's.
 * @throws AppError NOT_FOUND when missing, deleted, or someone else's (the same answer for all three).
 */
export async function getNotification(userId: string, id: string): Promise<InboxItem> {
  const rows = await db.$queryRaw<InboxRow[]>`
    ${INBOX_ROWS}
    WHERE n.id = ${id}::uuid AND n.user_id = ${userId}::uuid AND n.deleted_at IS NULL`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "Notification not found");
  return toItem(row);
}
