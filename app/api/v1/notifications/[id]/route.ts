/**
 * `DELETE /api/v1/notifications/{id}` (and the original API's `…/{id}/delete`; docs/requirements.md R5.5, R15.6): soft-deletes one
 * of the caller's notifications; another user's id answers 404 and changes nothing.
 */
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { uuidParam } from "@/server/services/api/contract";
import { changeNotifications } from "@/server/services/notifications/update-notifications";

export const DELETE = apiRoute({
  scope: "notifications:write",
  params: z.object({ id: uuidParam() }).strict(),
  async handle({ auth, params }) {
    await changeNotifications(auth.userId, [params.id], "delete");
    return { message: "Notification deleted successfully" };
  },
});
