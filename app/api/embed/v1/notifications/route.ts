/**
 * `GET /api/embed/v1/notifications?limit=&cursor=` (docs/requirements.md R21): the latest notifications of
 * the person a user token names, newest first, in keyset pages (R5.3).
 */
import { z } from "zod";
import { intParam } from "@/server/services/api/contract";
import { embedPreflight, embedRoute } from "@/server/http/embed-route";
import { EMBED_PAGE, embedNotifications } from "@/server/services/embed/embed-inbox";

const query = z
  .object({ limit: intParam(EMBED_PAGE.min, EMBED_PAGE.max, EMBED_PAGE.default), cursor: z.string().min(1).max(200).optional() })
  .strict();

export const GET = embedRoute({ query, handle: ({ auth, query: q }) => embedNotifications(auth.userId, { limit: q.limit, cursor: q.cursor }) });
export const OPTIONS = embedPreflight(["GET"]);
