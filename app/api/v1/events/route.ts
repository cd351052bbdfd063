/**
 * `POST /api/v1/events`: a host platform reports an event (`Authorization: Bearer hrld_key_…`,
 * `Idempotency-Key` required) → 202 `{ id, status: "accepted" }`. The pipeline is
 * server/http/api-key-route.ts; the events and their schemas are server/services/api/events.ts.
 */
import { Reply } from "@/server/http/api-route";
import { apiKeyRoute } from "@/server/http/api-key-route";
import { ingestEvent, parseEvent } from "@/server/services/api/events";

export const POST = apiKeyRoute({
  parse: parseEvent,
  async handle({ input, eventId }) {
    return new Reply(202, { id: await ingestEvent(input, eventId), status: "accepted" });
  },
});
