/**
 * `POST /api/embed/v1/realtime/auth` (docs/requirements.md R21, R6.1): pusher-js in `<herald-inbox>`
 * subscribing to the person's own `private-user-<id>` with their user token; any other channel is 403.
 * Limited as `/api/pusher/auth` is, in the same buckets: 600 a minute per client address, 120 per person.
 */
import { PUBLIC_LIMITS } from "@/server/services/api/rate-limit";
import { embedPreflight, embedRoute } from "@/server/http/embed-route";
import { authorizeEmbedChannel } from "@/server/services/embed/embed-realtime";

export const POST = embedRoute({
  addressLimit: { prefix: "pusher-auth:ip:", rule: PUBLIC_LIMITS.pusherAuthAddress },
  userLimit: (auth) => ({ key: `pusher-auth:user:${auth.userId}`, rule: PUBLIC_LIMITS.pusherAuthUser }),
  handle: ({ auth, request }) => authorizeEmbedChannel(request, auth),
});
export const OPTIONS = embedPreflight(["POST"]);
