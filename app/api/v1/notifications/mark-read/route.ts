/**
 * `POST /api/v1/notifications/mark-read` (docs/requirements.md R5.5): all or nothing — any id that is missing,
 * deleted or someone else's answers 404 and changes nothing (the service's rule).
 */
import { apiRoute } from "@/server/http/api-route";
import { markedAnswer, notificationIdsBody } from "@/server/services/api/notifications";
import { changeNotifications } from "@/server/services/notifications/update-notifications";

export const POST = apiRoute({
  scope: "notifications:write",
  body: notificationIdsBody,
  handle: async ({ auth, body }) => markedAnswer(await changeNotifications(auth.userId, body.notification_ids, "read"), "read"),
});
