/** `POST /api/v1/notifications/mark-all-read` (docs/requirements.md R5.5). Any request body is ignored. */
import { apiRoute } from "@/server/http/api-route";
import { markAllRead } from "@/server/services/notifications/update-notifications";

export const POST = apiRoute({
  scope: "notifications:write",
  async handle({ auth }) {
    const r = await markAllRead(auth.userId);
    return { message: "All notifications marked as read", marked_count: r.changedCount, unread_count: r.unreadCount, unseen_count: r.unseenCount };
  },
});
