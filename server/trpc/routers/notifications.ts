import "server-only";
import { z } from "zod";
import { protectedProcedure, router } from "../init";
import { unreadState, getNotification, listGroupMembers, listNotifications } from "../../services/notifications/list-notifications";
import { changeNotifications, markAllRead } from "../../services/notifications/update-notifications";
import { NOTIFICATION_ACTION_IDS, NOTIFICATION_TYPE_NAMES, type NotificationType } from "../../services/notifications/catalog";
import { actOnNotification } from "../../services/notifications/actions";
import { notificationDeliveries } from "../../services/delivery/delivery-log";
import { snoozeChoices, snoozeNotifications, unsnoozeNotifications, userLocalTime } from "../../services/notifications/snooze";

const ids = z.object({ ids: z.array(z.uuid()).min(1).max(500) }).strict();
const one = z.object({ id: z.uuid() }).strict();
const notificationType = z.enum(NOTIFICATION_TYPE_NAMES as [NotificationType, ...NotificationType[]]);

/** The inbox (docs/requirements.md R5): the caller's own notifications only; others' answer NOT_FOUND (R1.1). */
export const notificationsRouter = router({
  list: protectedProcedure
    .input(
      z
        .object({
          filter: z.enum(["all", "unread", "archived", "snoozed"]).default("all"),
          type: notificationType.optional(),
          cursor: z.string().max(200).nullish(),
          limit: z.number().int().min(1).max(100).default(20),
          /** Collapse similar unread notifications into groups (the in-app inbox and bell). */
          grouped: z.boolean().default(false),
          /** Set by TanStack's infinite queries; pages only go forward (newest first). */
          direction: z.literal("forward").optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      listNotifications({
        userId: ctx.user.id,
        filter: input.filter,
        type: input.type,
        cursor: input.cursor,
        limit: input.limit,
        grouped: input.grouped,
      }),
    ),
  /** The members of one group of the grouped list (its unread notifications of one type from one business). */
  group: protectedProcedure
    .input(
      z
        .object({
          /** The group's `type` as the list gave it (a catalog name; older rows may carry retired ones). */
          type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
          businessId: z.uuid(),
          cursor: z.string().max(200).nullish(),
          limit: z.number().int().min(1).max(100).default(50),
          direction: z.literal("forward").optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      listGroupMembers({ userId: ctx.user.id, type: input.type, businessId: input.businessId, cursor: input.cursor, limit: input.limit }),
    ),
  /** The badge: `{ count, unseen, seq }`, the unread and unseen counts and the inbox sequence number they are as of. */
  unreadCount: protectedProcedure.query(({ ctx }) => unreadState(ctx.user.id)),
  get: protectedProcedure.input(one).query(({ ctx, input }) => getNotification(ctx.user.id, input.id)),
  /** Which channels it went to, and why others were held or skipped. */
  deliveries: protectedProcedure.input(one).query(({ ctx, input }) => notificationDeliveries(ctx.user.id, input.id)),
  /** What the bell showed: clears those from the badge (unseen count); they stay unread. */
  markSeen: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "seen")),
  markRead: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "read")),
  markUnread: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "unread")),
  archive: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "archive")),
  unarchive: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "unarchive")),
  delete: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "delete")),
  /** Undo of a delete: only within UNDO_DELETE_MS of it (NOT_FOUND after). */
  restore: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "restore")),
  markAllRead: protectedProcedure.mutation(({ ctx }) => markAllRead(ctx.user.id)),
  /** The snooze menu: the caller's time zone and the quick choices (later today, tomorrow, next week). */
  snoozeChoices: protectedProcedure.query(({ ctx }) => snoozeChoices(ctx.user.id)),
  /**
   * Snooze until an instant (a quick choice's `until`) or a wall-clock time in the caller's time zone
   * (`localTime`, "YYYY-MM-DDTHH:mm" as a datetime-local input gives it).
   */
  snooze: protectedProcedure
    .input(
      z.union([
        z.object({ ids: ids.shape.ids, until: z.iso.datetime({ offset: true }) }).strict(),
        z.object({ ids: ids.shape.ids, localTime: z.string().max(19) }).strict(),
      ]),
    )
    .mutation(async ({ ctx, input }) => {
      const until = "until" in input ? new Date(input.until) : await userLocalTime(ctx.user.id, input.localTime);
      return snoozeNotifications(ctx.user.id, input.ids, until);
    }),
  /**
   * An action button ("reserve", "directions"): recorded, reported to the platform's webhooks, and the
   * notification is read. Answers `{ url }`, where to go.
   */
  act: protectedProcedure
    .input(z.object({ id: z.uuid(), action: z.enum(NOTIFICATION_ACTION_IDS) }).strict())
    .mutation(({ ctx, input }) => actOnNotification(ctx.user.id, input.id, input.action)),
  /** Brings snoozed notifications back now. */
  unsnooze: protectedProcedure.input(ids).mutation(({ ctx, input }) => unsnoozeNotifications(ctx.user.id, input.ids)),
});
