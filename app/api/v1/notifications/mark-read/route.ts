/**
 * `POST /api/v1/notifications/mark-read` (seed 001 §3.2.3): all or nothing — any id that is missing,
 * deleted or someone else's answers 404 and changes nothing (the service's rule).
 */
import { z } from "zod";
import { apiRoute } from "@/server/services/api/http";
import { changeNotifications } from "@/server/services/notifications/update-notifications";

const body = z.object({ notification_ids: z.array(z.uuid("Must be a UUID")).min(1, "Give at least one id").max(500, "At most 500 ids") }).strict();

export const POST = apiRoute({
  scope: "notifications:write",
  body,
  async handle({ auth, body: b }) {
    const r = await changeNotifications(auth.userId, b.notification_ids, "read");
    return {
      message: `${r.changedCount} notification${r.changedCount === 1 ? "" : "s"} marked as read`,
      marked_count: r.changedCount,
      unread_count: r.unreadCount,
      unseen_count: r.unseenCount,
    };
  },
});
