/**
 * `POST /api/embed/v1/notifications/mark-seen` `{ notification_ids }` (docs/requirements.md R21, R5.2):
 * what the panel showed leaves the badge and stays unread; ids not the person's or not live are skipped.
 */
import { markedAnswer, notificationIdsBody } from "@/server/services/api/notifications";
import { changeNotifications } from "@/server/services/notifications/update-notifications";
import { embedPreflight, embedRoute } from "@/server/http/embed-route";

export const POST = embedRoute({
  body: notificationIdsBody,
  handle: async ({ auth, body }) => markedAnswer(await changeNotifications(auth.userId, body.notification_ids, "seen"), "seen"),
});
export const OPTIONS = embedPreflight(["POST"]);
