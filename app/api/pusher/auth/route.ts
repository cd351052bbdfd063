/**
 * Private-channel authorization for pusher-js (docs/requirements.md R6.1, R17.5; docs/protocols.md): signs exactly the caller's own channels
 * (`private-user-<id>`, and `private-business-<id>` for the business they own). 401 when signed out;
 * 429 with Retry-After past 600 calls a minute from one address or 120 from one user (issue 12).
 */
import { currentUser } from "@/server/auth";
import { env } from "@/server/env";
import { getOwnedBusiness } from "@/server/services/businesses/businesses";
import { authorizeChannel } from "@/server/services/realtime/channel-auth";
import { hitRateLimit, PUBLIC_LIMITS } from "@/server/services/api/rate-limit";
import { rateLimited } from "@/server/http/api-route";
import { clientAddress } from "@/server/services/security/client-address";
import { BodyTooLargeError, readBodyText } from "@/server/http/input-hygiene";

/** The largest authorization request body read, in bytes. */
const MAX_AUTH_BODY_BYTES = 4096;

export async function POST(req: Request): Promise<Response> {
  // Only our own pages ask: a cross-site request (a form on another origin) is refused outright.
  if (req.headers.get("sec-fetch-site") === "cross-site") {
    return Response.json({ error: { code: "PERMISSION_DENIED", message: "Cross-site request refused" } }, { status: 403 });
  }
  // Rate limits (issue 12): per client address before anything else, then per signed-in user; 429 + Retry-After.
  const byAddress = await hitRateLimit(`pusher-auth:ip:${clientAddress(req)}`, PUBLIC_LIMITS.pusherAuthAddress);
  if (!byAddress.allowed) return rateLimited(byAddress);
  const user = await currentUser();
  if (!user) return Response.json({ error: { code: "UNAUTHORIZED", message: "Sign in to continue" } }, { status: 401 });
  const byUser = await hitRateLimit(`pusher-auth:user:${user.id}`, PUBLIC_LIMITS.pusherAuthUser);
  if (!byUser.allowed) return rateLimited(byUser);
  let socketId: unknown;
  let channelName: unknown;
  try {
    // pusher-js sends two short fields: anything past 4 KB is refused before it is read whole (413).
    const text = await readBodyText(req, MAX_AUTH_BODY_BYTES);
    const type = req.headers.get("content-type") ?? "";
    if (type.includes("application/json")) {
      const body = JSON.parse(text) as Record<string, unknown>;
      socketId = body.socket_id;
      channelName = body.channel_name;
    } else {
      const form = new URLSearchParams(text);
      socketId = form.get("socket_id");
      channelName = form.get("channel_name");
    }
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: `Request body is larger than ${MAX_AUTH_BODY_BYTES} bytes` } }, { status: 413 });
    }
    return Response.json({ error: { code: "VALIDATION_ERROR", message: "Malformed request body" } }, { status: 400 });
  }
  const business = user.role === "BUSINESS" ? await getOwnedBusiness(user.id) : null;
  const { PUSHER_KEY, PUSHER_SECRET } = env("realtime");
  const result = authorizeChannel({
    socketId,
    channelName,
    user: { id: user.id, role: user.role, businessId: business?.id ?? null },
    app: { key: PUSHER_KEY, secret: PUSHER_SECRET },
  });
  if (!result.ok) return Response.json({ error: { code: result.code, message: result.message } }, { status: result.status });
  return Response.json(result.body);
}
