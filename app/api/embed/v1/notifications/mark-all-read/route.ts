/** `POST /api/embed/v1/notifications/mark-all-read` (docs/requirements.md R21, R5.5). Any body is ignored. */
import { markAllRead } from "@/server/services/notifications/update-notifications";
import { embedPreflight, embedRoute } from "@/server/http/embed-route";

export const POST = embedRoute({
  async handle({ auth }) {
    const r = await markAllRead(auth.userId);
    return { message: "All notifications marked as read", marked_count: r.changedCount, unread_count: r.unreadCount, unseen_count: r.unseenCount };
  },
});
export const OPTIONS = embedPreflight(["POST"]);
