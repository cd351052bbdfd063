import "server-only";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError } from "../errors";
import { signalUsers } from "../realtime";
import { inInbox, inboxCounts } from "./list-notifications";
import { advanceInboxSeq } from "./inbox-signals";
import type { Tx } from "../outbox/outbox";

/** What a bulk change does to the chosen rows. */
export type NotificationAction = "seen" | "read" | "unread" | "archive" | "unarchive" | "delete" | "restore";

/**
 * How long a deleted notification can be restored (the inbox's Undo), in ms. The inbox offers Undo for
 * 10 s (components/inbox/inbox.tsx); the server allows longer for a slow network or a busy tab.
 */
export const UNDO_DELETE_MS = 60_000;

/**
 * What each action sets. Seen and read are separate states (like Knock's and GitHub's): the bell marks what
 * it shows as seen, which clears the badge; reading also sees; marking unread again leaves it seen.
 */
const SET: Record<NotificationAction, Prisma.Sql> = {
  seen: Prisma.sql`seen_at = now()`,
  read: Prisma.sql`read_at = COALESCE(read_at, now()), seen_at = COALESCE(seen_at, now())`,
  unread: Prisma.sql`read_at = NULL`,
  archive: Prisma.sql`archived_at = COALESCE(archived_at, now())`,
  unarchive: Prisma.sql`archived_at = NULL`,
  delete: Prisma.sql`deleted_at = now()`,
  restore: Prisma.sql`deleted_at = NULL`,
};

/** The rows an action may touch: live ones, or for `restore` those deleted within {@link UNDO_DELETE_MS}. */
const target = (action: NotificationAction): Prisma.Sql =>
  action === "restore" ? Prisma.sql`deleted_at > now() - ${UNDO_DELETE_MS} * interval '1 millisecond'` : Prisma.sql`deleted_at IS NULL`;

/** Rows an action actually changes (so counts are honest: marking a read row read changes nothing). */
const PENDING: Record<NotificationAction, Prisma.Sql> = {
  seen: Prisma.sql`seen_at IS NULL`,
  read: Prisma.sql`read_at IS NULL`,
  unread: Prisma.sql`read_at IS NOT NULL`,
  archive: Prisma.sql`archived_at IS NULL`,
  unarchive: Prisma.sql`archived_at IS NOT NULL`,
  delete: Prisma.sql`TRUE`,
  restore: Prisma.sql`TRUE`,
};

export interface ChangeResult {
  /** Rows whose state changed. */
  changedCount: number;
  /** The user's unread count after the change. */
  unreadCount: number;
  /** The user's unseen count (the bell's badge) after the change. */
  unseenCount: number;
}

/**
 * The distinct ids of a change of the user's notifications: 1–500 of them.
 * @throws AppError VALIDATION_ERROR for none or more than 500
 */
export function distinctIds(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > 500) {
    throw new AppError("VALIDATION_ERROR", "Give between 1 and 500 notification ids", { notification_ids: ["1–500 ids"] });
  }
  return unique;
}

/**
 * Applies `action` to the user's notifications `ids` (1–500 distinct UUIDs), all or nothing: if any id is
 * missing, deleted or someone else's, nothing changes and NOT_FOUND is thrown ("mark one calls mark many").
 * `restore` (the inbox's Undo of a delete) takes only rows deleted within the last {@link UNDO_DELETE_MS};
 * later it is NOT_FOUND too. `seen` (what the bell showed) is the exception: it marks the ids that are the
 * user's and live, and ignores the rest (one deleted in another tab meanwhile must not keep the others on
 * the badge). The change advances the user's inbox sequence number (./inbox-signals.ts); then the
 * user's tabs are signalled (`notification.read`, or `notifications.changed` with the
 * action and ids) with the unread count and that number.
 * @throws AppError NOT_FOUND, VALIDATION_ERROR (no ids / too many)
 */
export async function changeNotifications(userId: string, ids: readonly string[], action: NotificationAction): Promise<ChangeResult> {
  const unique = distinctIds(ids);
  const { changedCount, unreadCount, unseenCount, seq } = await db.$transaction(async (tx) => {
    if (action !== "seen") {
      const owned = await tx.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM notifications
        WHERE id = ANY(${unique}::uuid[]) AND user_id = ${userId}::uuid AND ${target(action)}`;
      if (Number(owned[0]?.n ?? 0) !== unique.length) {
        throw new AppError("NOT_FOUND", action === "restore" ? "Notification not found, or deleted too long ago to undo" : "Notification not found");
      }
    }
    const changedCount = await tx.$executeRaw`
      UPDATE notifications SET ${SET[action]}
      WHERE id = ANY(${unique}::uuid[]) AND user_id = ${userId}::uuid AND ${target(action)} AND ${PENDING[action]}`;
    return { changedCount, ...(await afterChange(tx, userId, changedCount)) };
  });
  if (changedCount > 0) {
    const only = unique.length === 1 && action === "read";
    await signalUsers(
      [userId],
      only ? "notification.read" : "notifications.changed",
      only
        ? { notification_id: unique[0], unread_count: unreadCount, unseen_count: unseenCount, seq }
        : { action, notification_ids: unique, changed_count: changedCount, unread_count: unreadCount, unseen_count: unseenCount, seq },
    );
  }
  return { changedCount, unreadCount, unseenCount };
}

/**
 * Marks every unread notification in the user's inbox (not archived or snoozed) read in one statement (docs/requirements.md R5.5).
 * @returns how many changed and the unread count after (0 unless new ones arrived meanwhile).
 */
export async function markAllRead(userId: string): Promise<ChangeResult> {
  const { changedCount, unreadCount, unseenCount, seq } = await db.$transaction(async (tx) => {
    const changedCount = await tx.$executeRaw`
      UPDATE notifications SET read_at = now(), seen_at = COALESCE(seen_at, now())
      WHERE user_id = ${userId}::uuid AND read_at IS NULL AND ${inInbox("")}`;
    return { changedCount, ...(await afterChange(tx, userId, changedCount)) };
  });
  if (changedCount > 0) {
    await signalUsers([userId], "notifications.bulk_read", { marked_count: changedCount, unread_count: unreadCount, unseen_count: unseenCount, seq });
  }
  return { changedCount, unreadCount, unseenCount };
}

/**
 * After a change of `changedCount` rows in `tx`: the inbox sequence number it takes (./inbox-signals.ts;
 * none when nothing changed) and the unread and unseen counts as of it.
 */
export async function afterChange(tx: Tx, userId: string, changedCount: number): Promise<{ unreadCount: number; unseenCount: number; seq: number | null }> {
  if (changedCount > 0) return advanceInboxSeq(tx, userId);
  const counts = await inboxCounts(userId, tx);
  return { unreadCount: counts.unread, unseenCount: counts.unseen, seq: null };
}
