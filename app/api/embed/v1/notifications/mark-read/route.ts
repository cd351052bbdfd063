/**
 * `POST /api/embed/v1/notifications/mark-read` `{ notification_ids }` (docs/requirements.md R21, R5.5): all
 * or nothing, as `/api/v1`'s: an id that is missing, deleted or someone else's answers 404 and changes nothing.
 */
import { markedAnswer, notificationIdsBody } from "@/server/services/api/notifications";
import { changeNotifications } from "@/server/services/notifications/update-notifications";
import { embedPreflight, embedRoute } from "@/server/http/embed-route";

export const POST = embedRoute({
  body: notificationIdsBody,
  handle: async ({ auth, body }) => markedAnswer(await changeNotifications(auth.userId, body.notification_ids, "read"), "read"),
});
export const OPTIONS = embedPreflight(["POST"]);
