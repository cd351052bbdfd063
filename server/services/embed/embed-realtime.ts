import "server-only";
/**
 * Channel authorization for the embedded inbox (docs/requirements.md R21.4): pusher-js in `<herald-inbox>`
 * asks to subscribe to the person's private channel, and Herald signs exactly `private-user-<their id>`
 * with the same rules and code as the app's own `/api/pusher/auth` (../realtime/channel-auth.ts, R6.1),
 * the user token standing in for the session. The business channel is never signed here: the embed shows
 * an inbox, not a business's feed.
 *
 * @module
 */
import { env } from "../../env";
import { HttpFailure } from "../api/contract";
import { authorizeChannel } from "../realtime/channel-auth";
import { BodyEncodingError, BodyTooLargeError, readBodyText } from "../../http/input-hygiene";
import type { EmbedPrincipal } from "./embed-auth";

/** The largest authorization request body read, bytes (pusher-js sends two short fields; R17.5). */
export const MAX_CHANNEL_AUTH_BODY_BYTES = 4096;

/**
 * Reads `socket_id` and `channel_name` (form-encoded, as pusher-js posts them, or JSON) and signs the
 * person's own private channel.
 * @returns `{ auth: "<key>:<signature>" }`, the body pusher-js expects
 * @throws HttpFailure 413 PAYLOAD_TOO_LARGE past {@link MAX_CHANNEL_AUTH_BODY_BYTES} (never read whole);
 *   400 VALIDATION_ERROR for a malformed body, socket id (not `^\d+\.\d+$`) or channel name; 403
 *   PERMISSION_DENIED for any channel but `private-user-<their id>`
 */
export async function authorizeEmbedChannel(request: Request, auth: EmbedPrincipal): Promise<{ auth: string }> {
  let socketId: unknown;
  let channelName: unknown;
  try {
    const text = await readBodyText(request, MAX_CHANNEL_AUTH_BODY_BYTES);
    if ((request.headers.get("content-type") ?? "").includes("application/json")) {
      const body = JSON.parse(text) as unknown;
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new SyntaxError("not an object");
      socketId = (body as Record<string, unknown>).socket_id;
      channelName = (body as Record<string, unknown>).channel_name;
    } else {
      const form = new URLSearchParams(text);
      socketId = form.get("socket_id");
      channelName = form.get("channel_name");
    }
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new HttpFailure(413, "PAYLOAD_TOO_LARGE", `Request body is larger than ${MAX_CHANNEL_AUTH_BODY_BYTES} bytes`);
    if (err instanceof BodyEncodingError || err instanceof SyntaxError) throw new HttpFailure(400, "VALIDATION_ERROR", "Malformed request body");
    throw err;
  }
  const { PUSHER_KEY, PUSHER_SECRET } = env("realtime");
  const result = authorizeChannel({
    socketId,
    channelName,
    user: { id: auth.userId, role: auth.role, businessId: null },
    app: { key: PUSHER_KEY, secret: PUSHER_SECRET },
  });
  if (!result.ok) throw new HttpFailure(result.status, result.code, result.message);
  return result.body;
}
