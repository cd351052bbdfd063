import "server-only";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError } from "../errors";
import type { NotificationType } from "./catalog";

/** Which part of the inbox: live (not archived), unread (and not archived), or archived. */
export type InboxFilter = "all" | "unread" | "archived";

export interface InboxItem {
  id: string;
  type: string;
  category: string;
  priority: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  actionUrl: string | null;
  business: { id: string; name: string; slug: string; logoColor: string } | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  readAt: string | null;
  archivedAt: string | null;
}

export interface InboxPage {
  items: InboxItem[];
  /** Opaque keyset cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

interface Row {
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
  read_at: Date | null;
  archived_at: Date | null;
}

/** The columns of {@link Row}, from notifications `n` with their business `b`. */
const INBOX_ROWS = Prisma.sql`
  SELECT n.id, n.type, n.category, n.priority, n.title, n.body, n.data, n.action_url,
         n.business_id, b.name AS business_name, b.slug AS business_slug, b.logo_color AS business_logo_color,
         n.created_at, n.read_at, n.archived_at
  FROM notifications n LEFT JOIN businesses b ON b.id = n.business_id`;

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
 * One inbox page, newest first, with keyset pagination on `(created_at, id)` (DESIGN §10: constant cost at
 * any depth, unlike OFFSET). Deleted rows never appear.
 * @param opts.limit 1–100 rows
 * @throws AppError VALIDATION_ERROR for a malformed cursor
 */
export async function listNotifications(opts: {
  userId: string;
  filter?: InboxFilter;
  type?: NotificationType;
  cursor?: string | null;
  limit?: number;
}): Promise<InboxPage> {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  const filter = opts.filter ?? "all";
  const conds: Prisma.Sql[] = [Prisma.sql`n.user_id = ${opts.userId}::uuid`, Prisma.sql`n.deleted_at IS NULL`];
  if (filter === "all") conds.push(Prisma.sql`n.archived_at IS NULL`);
  if (filter === "unread") conds.push(Prisma.sql`n.archived_at IS NULL AND n.read_at IS NULL`);
  if (filter === "archived") conds.push(Prisma.sql`n.archived_at IS NOT NULL`);
  if (opts.type) conds.push(Prisma.sql`n.type = ${opts.type}`);
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor);
    conds.push(Prisma.sql`(n.created_at, n.id) < (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await db.$queryRaw<Row[]>`
    ${INBOX_ROWS}
    WHERE ${Prisma.join(conds, " AND ")}
    ORDER BY n.created_at DESC, n.id DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

function toItem(r: Row): InboxItem {
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
    readAt: r.read_at?.toISOString() ?? null,
    archivedAt: r.archived_at?.toISOString() ?? null,
  };
}

/**
 * The unread count behind the bell's badge: live, unarchived, unread rows. A range scan of
 * `notifications_user_id_read_at_deleted_at_archived_at_idx`.
 */
export async function countUnread(userId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM notifications
    WHERE user_id = ${userId}::uuid AND read_at IS NULL AND deleted_at IS NULL AND archived_at IS NULL`;
  return Number(row?.n ?? 0);
}

/**
 * One notification of the user's.
 * @throws AppError NOT_FOUND when missing, deleted, or someone else's (the same answer for all three).
 */
export async function getNotification(userId: string, id: string): Promise<InboxItem> {
  const rows = await db.$queryRaw<Row[]>`
    ${INBOX_ROWS}
    WHERE n.id = ${id}::uuid AND n.user_id = ${userId}::uuid AND n.deleted_at IS NULL`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "Notification not found");
  return toItem(row);
}
