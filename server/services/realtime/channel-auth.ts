/**
 * Herald's private-channel authorization (docs/requirements.md R6.1; docs/protocols.md, "Channel
 * authorization"), the logic behind the `/api/pusher/auth` route.
 *
 * A signed answer lets a socket subscribe to a private channel on Pusher, soketi or the embedded server
 * alike. Herald signs exactly two channel names and nothing else:
 * - `private-user-<own user id>` for every signed-in user;
 * - `private-business-<own business id>` for a BUSINESS user with a business.
 *
 * Rules and sources:
 * - socket_id must match `^\d+\.\d+$` and the channel name Pusher's charset (`[A-Za-z0-9_\-=@,.;]`,
 *   1–200 characters) *before* anything is signed: the 2015 Pusher advisory showed a crafted socket_id
 *   containing `:` turning a signature for one channel into a signature for another.
 * - The requested name is compared with `===` against the exact expected names; no prefix parsing.
 * - The signature is the `pusher` package's `authorizeChannel` (`"<key>:<hex HMAC-SHA256(secret,
 *   "<socket_id>:<channel>")>"`), the same code production uses with Pusher or soketi.
 *
 * Not imported with "server-only" so Vitest can load it; the route adds that boundary.
 *
 * @module
 */
import Pusher from "pusher";
import { businessChannel, userChannel } from "../../../lib/realtime";

const SOCKET_ID = /^\d+\.\d+$/;
const CHANNEL_NAME = /^[A-Za-z0-9_\-=@,.;]+$/;
const MAX_CHANNEL_NAME = 200;
const MAX_SOCKET_ID = 64;

/** Roles as stored on `User.role` (docs/requirements.md R1.1). */
export type HeraldRole = "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN";

/** Input of {@link authorizeChannel}: the raw form fields plus the session's user and the Pusher app. */
export interface AuthorizeChannelInput {
  /** `socket_id` as posted by pusher-js (untrusted: any type). */
  socketId: unknown;
  /** `channel_name` as posted by pusher-js (untrusted: any type). */
  channelName: unknown;
  /** The signed-in user (from the session, trusted). Ids are UUIDs. */
  user: { id: string; role: HeraldRole; businessId: string | null };
  /** The Pusher app whose secret signs (`PUSHER_KEY` / `PUSHER_SECRET`, or the embedded server's). */
  app: { key: string; secret: string };
}

/** Outcome of {@link authorizeChannel}: the JSON body to answer with, or an error to map to HTTP. */
export type AuthorizeChannelResult =
  | { ok: true; body: { auth: string } }
  | { ok: false; status: 400 | 403; code: "VALIDATION_ERROR" | "PERMISSION_DENIED"; message: string };

function isChannelName(value: string): boolean {
  return value.length > 0 && value.length <= MAX_CHANNEL_NAME && CHANNEL_NAME.test(value);
}

/**
 * Decides whether the signed-in user may subscribe to `channelName` with `socketId`, and signs it if so.
 *
 * @returns `{ok: true, body: {auth}}`: answer 200 with `body` as JSON (pusher-js expects `{auth}`);
 *   `{ok: false, status: 400, code: "VALIDATION_ERROR"}` for a socket id not matching `^\d+\.\d+$`,
 *   or a channel name that is not a string of 1–200 characters from `[A-Za-z0-9_\-=@,.;]`;
 *   `{ok: false, status: 403, code: "PERMISSION_DENIED"}` for any well-formed name other than the
 *   caller's own `private-user-<id>` or (BUSINESS only) `private-business-<businessId>`.
 *   Never throws for bad input.
 */
export function authorizeChannel(input: AuthorizeChannelInput): AuthorizeChannelResult {
  const { socketId, channelName, user, app } = input;
  if (typeof socketId !== "string" || socketId.length > MAX_SOCKET_ID || !SOCKET_ID.test(socketId)) {
    return { ok: false, status: 400, code: "VALIDATION_ERROR", message: "socket_id must look like 1234.5678" };
  }
  if (typeof channelName !== "string" || !isChannelName(channelName)) {
    return {
      ok: false,
      status: 400,
      code: "VALIDATION_ERROR",
      message: "channel_name must be 1-200 characters from A-Z a-z 0-9 _ - = @ , . ;",
    };
  }

  const allowed: string[] = [userChannel(user.id)];
  if (user.role === "BUSINESS" && user.businessId !== null && user.businessId !== "") {
    allowed.push(businessChannel(user.businessId));
  }
  // Exact string equality against names that are themselves well-formed; nothing else is ever signed.
  const permitted = allowed.some((name) => isChannelName(name) && name === channelName);
  if (!permitted) {
    return {
      ok: false,
      status: 403,
      code: "PERMISSION_DENIED",
      message: "You may only subscribe to your own private channels",
    };
  }

  try {
    // appId is not part of a channel signature; the pusher client requires one, so a placeholder is fine.
    const pusher = new Pusher({ appId: "herald", key: app.key, secret: app.secret, host: "localhost" });
    const signed = pusher.authorizeChannel(socketId, channelName);
    return { ok: true, body: { auth: signed.auth } };
  } catch {
    // pusher re-validates socket id and channel; both were checked above, so this is unreachable in practice.
    return { ok: false, status: 400, code: "VALIDATION_ERROR", message: "Cannot sign this socket_id and channel" };
  }
}
