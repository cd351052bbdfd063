/**
 * The wire format both sides of Herald's embedded Pusher-protocol server share (docs/protocols.md
 * "WebSocket side (`pusher-js`)"): the protocol version, the JSON frame `{event, data, channel?}` and the
 * `pusher:error` / `pusher:subscription_error` frames of the Pusher Channels protocol
 * (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/), and the event-name
 * limit the HTTP API applies too (https://pusher.com/docs/channels/library_auth_reference/rest-api/).
 *
 * @module
 */
import { WebSocket } from "ws";
import { type PusherSocket } from "./state";

/** The only Pusher protocol version this server speaks. */
export const PROTOCOL_VERSION = 7;

/** Longest event name, in characters (Pusher's limit). */
export const MAX_EVENT_NAME_CHARS = 200;

/**
 * One protocol frame as JSON text. `data` is already a string (the protocol double-encodes event data);
 * `channel` is omitted for connection-level events.
 */
export function frame(event: string, data: string, channel?: string): string {
  return channel === undefined
    ? JSON.stringify({ event, data })
    : JSON.stringify({ event, channel, data });
}

/** Writes `payload` as a text frame if the socket is open; drops it otherwise. */
export function sendFrame(socket: PusherSocket, payload: string | Buffer): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(payload, { binary: false });
}

/** Sends `pusher:error` with `{code, message}` (4xxx codes: see ./server.ts). The connection is left as is. */
export function sendError(socket: PusherSocket, code: number | null, message: string): void {
  sendFrame(socket, JSON.stringify({ event: "pusher:error", data: { code, message } }));
}

/**
 * Sends `pusher:subscription_error` on `channel` with `{type: "AuthError", error, status}`, the shape
 * `pusher-js` itself emits for a failed authorization.
 */
export function sendSubscriptionError(socket: PusherSocket, channel: string, status: number, error: string): void {
  sendFrame(
    socket,
    frame("pusher:subscription_error", JSON.stringify({ type: "AuthError", error, status }), channel),
  );
}

/** `decodeURIComponent`, or null for a malformed escape. */
export function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
