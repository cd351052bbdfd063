/**
 * Herald's embedded Pusher Channels protocol server (protocol version 7), docs/protocols.md.
 *
 * One Node `http` server answers both sides of the protocol:
 *
 * - WebSocket `ws://<host>:<port>/app/<key>?protocol=7…` (what `pusher-js` opens with
 *   `wsHost`/`wsPort`, `forceTLS: false`, `enabledTransports: ["ws"]`);
 * - the HTTP API the `pusher` server library calls: `POST /apps/:id/events`, `POST /apps/:id/batch_events`,
 *   `GET /apps/:id/channels`, `GET /apps/:id/channels/:name`, `GET /apps/:id/channels/:name/users`.
 *
 * Sources: Pusher Channels protocol docs ("Pusher Channels Protocol",
 * https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/; "HTTP API reference",
 * https://pusher.com/docs/channels/library_auth_reference/rest-api/; "Authenticating users", error codes),
 * `docs/protocols.md`, and the behaviour of the real `pusher-js` 8 and `pusher` 5 packages, which the tests
 * drive.
 *
 * Implemented: connection_established, ping/pong both ways, idle detection (one sweep interval for all
 * connections: ping after `activityTimeoutSec` of silence, close with 4201 when no pong arrives within
 * `pongTimeoutSec`), public / `private-*` / `private-encrypted-*` (relayed as-is) / `presence-*`
 * subscriptions, member_added / member_removed (a user counted once across sockets), events and batch
 * events with `socket_id` exclusion and the `info` attributes, channel introspection.
 *
 * Refused, by name (refuse rather than half-implement):
 * - client events (`client-*` from a WebSocket): `pusher:error` code **4301** "Client events are not
 *   enabled" (Herald never enables them; the connection stays open);
 * - user authentication (`pusher:signin`, `#server-to-user-*`, `terminate_connections`): `pusher:error`
 *   code **4300** on the socket, 404 on the HTTP API.
 *
 * Cache channels (`cache-*`, `private-cache-*`, `private-encrypted-cache-*`, `presence-cache-*`;
 * https://pusher.com/docs/channels/using_channels/cache-channels/): the last event triggered on one is kept
 * for `cacheTtlSec` (default 1800 s, Pusher's 30 minutes) and sent to each new subscriber right after
 * `pusher_internal:subscription_succeeded`; with nothing cached the subscriber gets `pusher:cache_miss`
 * on the channel instead. Subscribing follows the prefix after `cache-` is removed (private, presence…).
 *
 * WebSocket error codes sent (Pusher's ranges: 4000–4099 don't reconnect, 4100–4199 back off,
 * 4200–4299 reconnect now, 4300–4399 other): 4001 unknown app key, 4005 path not found,
 * 4006 malformed protocol version, 4007 unsupported protocol version (anything but 7),
 * 4008 no protocol version, 4100 server shutting down (reconnect after a pause),
 * 4201 pong not received, 4300 malformed or unsupported frame (connection kept),
 * 4301 client event refused (connection kept).
 * A failed subscription answers `pusher:subscription_error` on that channel with
 * `{type: "AuthError", error, status}` (the shape `pusher-js` itself emits) and subscribes nothing.
 *
 * Memory: per connection one `ws` socket subclass with a few fields (no per-connection closures or
 * timers); a channel maps to its only subscriber, or to a Set once it has several (most channels are one
 * user's), and a socket keeps its one channel's name, or a Set of names; empty channels are removed. The
 * hosting process runs with {@link REALTIME_V8_FLAGS}. Limits: 100 channels per
 * connection, 64 KiB per client frame (larger frames close the socket with 1009), slow consumers with
 * more than 4 MiB queued are terminated (pusher-js reconnects and the app refetches, docs/architecture.md "Live inbox").
 *
 * Modules (this file only composes them into one `http` server and its `close()`):
 * - ./config.ts: the options, their defaults, {@link REALTIME_V8_FLAGS} and {@link EMBEDDED_BATCH_EVENTS};
 * - ./state.ts: apps, channels, presence members, cached events, the per-connection socket, the counters;
 * - ./protocol.ts: the JSON frame and the `pusher:error` / `pusher:subscription_error` frames;
 * - ./connections.ts: WebSocket upgrade and handshake, ping/pong and the activity timeout, client frames;
 * - ./channels.ts: subscriptions, private/presence authorization, presence members, cache channels, delivery;
 * - ./http-api.ts: the HTTP API (request signatures, events, batch events, channel queries);
 * - ./metrics.ts: `GET /metrics` (Prometheus text, not part of Pusher's protocol);
 * - ./signature.ts: the HMAC helpers of channel authorization and request signing.
 *
 * @module
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { type RealtimeServerOptions, resolveSettings } from "./config";
import { createConnections } from "./connections";
import { handleApiRequest } from "./http-api";
import { serveMetrics } from "./metrics";
import { createState, readStats, type RealtimeServerStats } from "./state";

export {
  EMBEDDED_BATCH_EVENTS,
  REALTIME_V8_FLAGS,
  type RealtimeAppConfig,
  type RealtimeServerOptions,
} from "./config";
export { type RealtimeServerStats } from "./state";

/** A running embedded realtime server. */
export interface RealtimeServer {
  /** The bound TCP port. */
  port: number;
  /** `http://<host>:<port>` (the WebSocket side is the same origin with `ws://`). */
  url: string;
  /**
   * Stops accepting, closes every WebSocket with 4100 (pusher-js reconnects after 1 s, in time for a
   * restarted server; an immediate 42xx retry would hit the closed port and then wait out pusher-js's
   * 15 s connect timeout), terminates any that have not closed within 1 s, and closes the HTTP server.
   * Idempotent.
   */
  close(): Promise<void>;
  /** Current counters. */
  stats(): RealtimeServerStats;
}

function noop(): void {}

/**
 * Starts the embedded Pusher-protocol server (docs/protocols.md) and resolves once it listens.
 *
 * @param opts see {@link RealtimeServerOptions}; `apps` must be non-empty with unique ids and keys.
 * @returns the running server: its port and URL, `stats()`, and `close()`.
 * @throws Error when the options are invalid or the port cannot be bound (the listen error).
 */
export async function startRealtimeServer(opts: RealtimeServerOptions): Promise<RealtimeServer> {
  const settings = resolveSettings(opts);
  const state = createState(settings, opts.apps);
  const { host, log } = settings;
  const connections = createConnections(state);

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.on("error", noop);
    res.on("error", noop);
    if (req.method === "GET" && (req.url ?? "").split("?")[0] === "/metrics") return serveMetrics(state, req, res);
    handleApiRequest(state, req, res);
  }

  const server = http.createServer(onRequest);
  server.on("upgrade", connections.onUpgrade);
  server.on("clientError", (_err, socket: Duplex) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log(`realtime: server error: ${String(err)}`));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("realtime: unexpected server address");
  const port = address.port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  log(`realtime: Pusher protocol 7 server listening on ${url} (${state.appsById.size} app(s))`);

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    if (closing) return closing;
    state.closed = true;
    closing = (async () => {
      connections.stopSweep();
      // Stop accepting first, so clients told to reconnect (4100) do not land on this server again.
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await connections.closeAll();
      server.closeAllConnections();
      await serverClosed;
    })();
    return closing;
  }

  return { port, url, close, stats: () => readStats(state) };
}
