import "server-only";
import { z } from "zod";
import { protectedProcedure, router } from "../init";
import { countUnread, getNotification, listNotifications } from "../../services/notifications/list-notifications";
import { changeNotifications, markAllRead } from "../../services/notifications/update-notifications";
import { NOTIFICATION_TYPE_NAMES } from "../../services/notifications/catalog";
import { notificationDeliveries } from "../../services/delivery/delivery-log";

const ids = z.object({ ids: z.array(z.uuid()).min(1).max(500) }).strict();
const one = z.object({ id: z.uuid() }).strict();

/** The inbox (seed 001 §3.2): the caller's own notifications only; others' answer NOT_FOUND. */
export const notificationsRouter = router({
  list: protectedProcedure
    .input(
      z
        .object({
          filter: z.enum(["all", "unread", "archived"]).default("all"),
          type: z.enum(NOTIFICATION_TYPE_NAMES as [string, ...string[]]).optional(),
          cursor: z.string().max(200).nullish(),
          limit: z.number().int().min(1).max(100).default(20),
          /** Set by TanStack's infinite queries; pages only go forward (newest first). */
          direction: z.literal("forward").optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      listNotifications({ userId: ctx.user.id, filter: input.filter, type: input.type as never, cursor: input.cursor, limit: input.limit }),
    ),
  unreadCount: protectedProcedure.query(({ ctx }) => countUnread(ctx.user.id)),
  get: protectedProcedure.input(one).query(({ ctx, input }) => getNotification(ctx.user.id, input.id)),
  /** Which channels it went to, and why others were held or skipped. */
  deliveries: protectedProcedure.input(one).query(({ ctx, input }) => notificationDeliveries(ctx.user.id, input.id)),
  markRead: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "read")),
  markUnread: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "unread")),
  archive: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "archive")),
  unarchive: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "unarchive")),
  delete: protectedProcedure.input(ids).mutation(({ ctx, input }) => changeNotifications(ctx.user.id, input.ids, "delete")),
  markAllRead: protectedProcedure.mutation(({ ctx }) => markAllRead(ctx.user.id)),
});
