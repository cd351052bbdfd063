/**
 * `POST /api/v1/notifications/mark-seen`: what a client showed in its bell leaves the unseen count (the
 * badge) and stays unread. Ids that are missing, deleted or someone else's are skipped, not refused: a
 * client marks what it showed, and one deleted meanwhile must not keep the others on the badge.
 */
import { apiRoute } from "@/server/http/api-route";
import { markedAnswer, notificationIdsBody } from "@/server/services/api/notifications";
import { changeNotifications } from "@/server/services/notifications/update-notifications";

export const POST = apiRoute({
  scope: "notifications:write",
  body: notificationIdsBody,
  handle: async ({ auth, body }) => markedAnswer(await changeNotifications(auth.userId, body.notification_ids, "seen"), "seen"),
});
