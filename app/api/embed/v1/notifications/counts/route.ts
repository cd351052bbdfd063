/** `GET /api/embed/v1/notifications/counts` (docs/requirements.md R21, R5.2): unread, unseen (the badge) and their `seq`. */
import { embedPreflight, embedRoute } from "@/server/http/embed-route";
import { embedCounts } from "@/server/services/embed/embed-inbox";

export const GET = embedRoute({ handle: ({ auth }) => embedCounts(auth.userId) });
export const OPTIONS = embedPreflight(["GET"]);
