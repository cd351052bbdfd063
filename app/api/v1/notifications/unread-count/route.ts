/** `GET /api/v1/notifications/unread-count` (docs/requirements.md R5.2, R15), with the unseen count behind the bell's badge. */
import { apiRoute } from "@/server/http/api-route";
import { inboxCounts } from "@/server/services/notifications/list-notifications";

export const GET = apiRoute({
  scope: "notifications:read",
  async handle({ auth }) {
    const counts = await inboxCounts(auth.userId);
    return { unread_count: counts.unread, unseen_count: counts.unseen };
  },
});
