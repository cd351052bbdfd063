import "server-only";
/**
 * `GET /api/v1/notifications` (docs/requirements.md R15.6): one page-number page of the user's live inbox (not
 * deleted, archived or snoozed — the same rows as the app's "all" inbox and the unread badge), newest first, with
 * filters. Two set-based statements: a count and an `ORDER BY created_at DESC, id DESC LIMIT … OFFSET …`
 * that walks the `(user_id, created_at DESC, id DESC)` index; depth is capped (./pagination.ts).
 */
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import type { NotificationType } from "../notifications/catalog";
import { z } from "zod";
import { inboxCounts, inInbox } from "../notifications/list-notifications";
import type { ChangeResult } from "../notifications/update-notifications";
import { pageOffset } from "./pagination";
import { businessRef, userType } from "./shapes";

export interface NotificationFilters {
  isRead?: boolean;
  type?: NotificationType;
  /** Inclusive, UTC midnight of the first day. */
  dateFrom?: Date;
  /** Inclusive, UTC midnight of the last day. */
  dateTo?: Date;
}

/** A notification as the HTTP API shows it (docs/requirements.md R15.6). */
export interface ApiNotification {
  id: string;
  notification_type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
  sender: { id: string; name: string; user_type: string } | null;
  business: { id: string; name: string; logo: string } | null;
  is_read: boolean;
  is_deleted: false;
  created_at: string;
  read_at: string | null;
  /** Shown in a bell (or read): not counted in `unseen_count`. */
  is_seen: boolean;
  seen_at: string | null;
}

interface Row {
  id: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
  seen_at: Date | null;
  read_at: Date | null;
  business_id: string | null;
  business_name: string | null;
  business_slug: string | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
}

/**
 * A page of the user's notifications with the filtered total and the unread and unseen counts.
 * @throws AppError VALIDATION_ERROR when the page is deeper than the pagination cap.
 */
export async function listNotificationsPage(userId: string, f: NotificationFilters, page: number, pageSize: number) {
  const offset = pageOffset(page, pageSize, "narrow the results with date_from/date_to, is_read or notification_type");
  const conds: Prisma.Sql[] = [Prisma.sql`n.user_id = ${userId}::uuid`, inInbox()];
  if (f.isRead === true) conds.push(Prisma.sql`n.read_at IS NOT NULL`);
  if (f.isRead === false) conds.push(Prisma.sql`n.read_at IS NULL`);
  if (f.type) conds.push(Prisma.sql`n.type = ${f.type}`);
  if (f.dateFrom) conds.push(Prisma.sql`n.created_at >= ${f.dateFrom}::timestamptz`);
  if (f.dateTo) conds.push(Prisma.sql`n.created_at < ${new Date(f.dateTo.getTime() + 86_400_000)}::timestamptz`);
  const where = Prisma.join(conds, " AND ");
  const [countRows, rows, counts] = await Promise.all([
    db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM notifications n WHERE ${where}`,
    db.$queryRaw<Row[]>`
      SELECT n.id, n.type, n.title, n.body, n.data, n.created_at, n.seen_at, n.read_at,
             n.business_id, b.name AS business_name, b.slug AS business_slug,
             n.actor_id, a.name AS actor_name, a.role::text AS actor_role
      FROM notifications n
      LEFT JOIN businesses b ON b.id = n.business_id
      LEFT JOIN users a ON a.id = n.actor_id
      WHERE ${where}
      ORDER BY n.created_at DESC, n.id DESC
      LIMIT ${pageSize} OFFSET ${offset}`,
    inboxCounts(userId),
  ]);
  return { count: Number(countRows[0]?.n ?? 0), unreadCount: counts.unread, unseenCount: counts.unseen, results: rows.map(toApi) };
}

function toApi(r: Row): ApiNotification {
  return {
    id: r.id,
    notification_type: r.type,
    title: r.title,
    message: r.body,
    data: r.data,
    sender: r.actor_id && r.actor_name ? { id: r.actor_id, name: r.actor_name, user_type: userType(r.actor_role ?? "") } : null,
    business: r.business_id && r.business_name ? businessRef({ id: r.business_id, name: r.business_name, slug: r.business_slug ?? "" }) : null,
    is_read: r.read_at !== null,
    is_deleted: false,
    created_at: r.created_at.toISOString(),
    read_at: r.read_at?.toISOString() ?? null,
    is_seen: r.seen_at !== null,
    seen_at: r.seen_at?.toISOString() ?? null,
  };
}

/** The body of `POST /api/v1/notifications/mark-read` and `mark-seen`: 1–500 notification ids. */
export const notificationIdsBody = z
  .object({ notification_ids: z.array(z.uuid("Must be a UUID")).min(1, "Give at least one id").max(500, "At most 500 ids") })
  .strict();

/**
 * The answer of `mark-read` and `mark-seen` (the HTTP API's shape, docs/requirements.md R15, with the unseen count): "2
 * notifications marked as read", how many changed, and the counts after.
 */
export function markedAnswer(r: ChangeResult, verb: "read" | "seen") {
  return {
    message: `${r.changedCount} notification${r.changedCount === 1 ? "" : "s"} marked as ${verb}`,
    marked_count: r.changedCount,
    unread_count: r.unreadCount,
    unseen_count: r.unseenCount,
  };
}
