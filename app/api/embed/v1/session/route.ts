/**
 * `GET /api/embed/v1/session` (docs/requirements.md R21): the person a user token names, their counts and
 * how to reach the realtime server with their private channel. What `<herald-inbox>` asks first.
 */
import { embedPreflight, embedRoute } from "@/server/http/embed-route";
import { embedSession } from "@/server/services/embed/embed-inbox";

export const GET = embedRoute({ handle: ({ auth }) => embedSession(auth) });
export const OPTIONS = embedPreflight(["GET"]);
