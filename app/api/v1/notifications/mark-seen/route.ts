/**
 * `POST /api/v1/notifications/mark-seen`: what a client showed in its bell leaves the unseen count (the
 * badge) and stays unread. Ids that are missing, deleted or someone else's are skipped, not refused: a
 * client marks what it showed, and one deleted meanwhile must not keep the others on the badge.
 */
import { z } from "zod";
import { apiRoute } from "@/server/services/api/http";
import { changeNotifications } from "@/server/services/notifications/update-notifications";

const body = z.object({ notification_ids: z.array(z.uuid("Must be a UUID")).min(1, "Give at least one id").max(500, "At most 500 ids") }).strict();

export const POST = apiRoute({
  scope: "notifications:write",
  body,
  async handle({ auth, body: b }) {
    const r = await changeNotifications(auth.userId, b.notification_ids, "seen");
    return {
      message: `${r.changedCount} notification${r.changedCount === 1 ? "" : "s"} marked as seen`,
      marked_count: r.changedCount,
      unread_count: r.unreadCount,
      unseen_count: r.unseenCount,
    };
  },
});
