/** `GET /api/v1/notifications` (docs/requirements.md R15.6): page-number pages of the caller's inbox, with filters. */
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { boolParam, dayParam } from "@/server/services/api/contract";
import { listNotificationsPage } from "@/server/services/api/notifications";
import { pageLinks, pageParams } from "@/server/services/api/pagination";
import { NOTIFICATION_TYPE_NAMES, type NotificationType } from "@/server/services/notifications/catalog";

const query = z
  .object({
    ...pageParams(20, 100),
    is_read: boolParam().optional(),
    notification_type: z.enum(NOTIFICATION_TYPE_NAMES as [NotificationType, ...NotificationType[]]).optional(),
    date_from: dayParam().optional(),
    date_to: dayParam().optional(),
  })
  .strict()
  .refine((q) => !q.date_from || !q.date_to || q.date_from <= q.date_to, { message: "date_from must not be after date_to", path: ["date_from"] });

export const GET = apiRoute({
  scope: "notifications:read",
  query,
  async handle({ auth, query: q, url }) {
    const page = await listNotificationsPage(
      auth.userId,
      { isRead: q.is_read, type: q.notification_type, dateFrom: q.date_from, dateTo: q.date_to },
      q.page,
      q.page_size,
    );
    return { count: page.count, unread_count: page.unreadCount, unseen_count: page.unseenCount, ...pageLinks(url, q.page, q.page_size, page.count), results: page.results };
  },
});
