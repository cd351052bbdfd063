/** `GET /api/v1/notifications/unread-count` (seed 001 §3.2.2). */
import { apiRoute } from "@/server/services/api/http";
import { countUnread } from "@/server/services/notifications/list-notifications";

export const GET = apiRoute({
  scope: "notifications:read",
  handle: async ({ auth }) => ({ unread_count: await countUnread(auth.userId) }),
});
