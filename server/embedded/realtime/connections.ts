/**
 * WebSocket connections of Herald's embedded Pusher-protocol server (docs/protocols.md "WebSocket side
 * (`pusher-js`)"): the upgrade of `ws://<host>:<port>/app/<key>?protocol=7…`, the socket lifecycle,
 * ping/pong and the activity timeout, the dispatch of client frames, and closing every socket on shutdown.
 *
 * Implements, of the Pusher Channels protocol
 * (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/): the connection
 * handshake (`pusher:connection_established` with `{socket_id, activity_timeout}`, or `pusher:error` and a
 * close: 4001 unknown app key, 4005 path not found, 4006 malformed protocol version, 4007 unsupported
 * protocol version (anything but 7), 4008 no protocol version); `pusher:ping` / `pusher:pong` both ways; idle
 * detection (one sweep interval for all connections: ping after `activityTimeoutSec` of silence, close with
 * 4201 when no frame arrives within `pongTimeoutSec`); 4100 on shutdown (pusher-js reconnects after a
 * pause). Client frames: `pusher:subscribe` / `pusher:unsubscribe` go to ./channels.ts; refused by name,
 * the connection kept: client events (`client-*`, `pusher:error` 4301 "Client events are not enabled"),
 * user sign-in (`pusher:signin`, 4300), binary, malformed or unknown frames (4300).
 *
 * Limits: 64 KiB per client frame (larger frames close the socket with 1009); a socket still closing after
 * 2 s is terminated.
 *
 * @module
 */
import type http from "node:http";
import type { Duplex } from "node:stream";
import { randomInt } from "node:crypto";
import { type WebSocket, WebSocketServer, type RawData } from "ws";
import { z } from "zod";
import { leaveAllChannels, subscribe, sweepExpiredCache, unsubscribe } from "./channels";
import { MAX_EVENT_NAME_CHARS, PROTOCOL_VERSION, frame, safeDecode, sendError, sendFrame } from "./protocol";
import { PusherSocket, type RealtimeState } from "./state";

/** Largest WebSocket frame accepted from a client (client frames are small subscribe/ping messages). */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** How long a socket may stay in the closing handshake before it is terminated, in ms. */
const CLOSE_GRACE_MS = 2000;

/** A client frame. Pusher's shape, not ours: extra fields are ignored (not `.strict()`). */
const clientFrameSchema = z.object({
  event: z.string().min(1).max(MAX_EVENT_NAME_CHARS),
  data: z.unknown().optional(),
  channel: z.string().optional(),
});

/** The WebSocket side of one server, from {@link createConnections}. */
export interface Connections {
  /** The HTTP server's `upgrade` listener. */
  onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Stops the activity sweep (the first step of shutting down). */
  stopSweep(): void;
  /**
   * Closes every socket with 4100, waits up to 1 s for them to close, terminates the rest, and closes the
   * `ws` server.
   */
  closeAll(): Promise<void>;
}

function noop(): void {}

function newSocketId(): string {
  return `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`;
}

function refuse(socket: PusherSocket, code: number, message: string): void {
  sendError(socket, code, message);
  socket.closingSince = Date.now();
  socket.close(code, message);
}

/**
 * Creates the WebSocket side of a server over `state` and starts its activity sweep (an unref'd interval
 * of 50 ms–5 s, a third of the shorter of the activity and pong timeouts).
 */
export function createConnections(state: RealtimeState): Connections {
  const { activityMs, pongMs, advertisedActivityTimeout } = state.settings;
  const sockets = state.sockets;

  function onMessage(this: WebSocket, raw: RawData, isBinary: boolean): void {
    const socket = this as PusherSocket; // the server only creates PusherSocket instances
    socket.lastActivity = Date.now();
    socket.pingSentAt = 0;
    const app = socket.app;
    if (!app || socket.closingSince !== 0) return;
    if (isBinary) {
      sendError(socket, 4300, "Binary frames are not supported");
      return;
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(raw.toString()) as unknown;
    } catch {
      sendError(socket, 4300, "Malformed frame: not JSON");
      return;
    }
    const parsed = clientFrameSchema.safeParse(decoded);
    if (!parsed.success) {
      sendError(socket, 4300, "Malformed frame: expected {event: string, data?, channel?}");
      return;
    }
    const { event, data } = parsed.data;
    switch (event) {
      case "pusher:ping":
        sendFrame(socket, frame("pusher:pong", "{}"));
        return;
      case "pusher:pong":
        return;
      case "pusher:subscribe":
        subscribe(socket, app, data);
        return;
      case "pusher:unsubscribe":
        unsubscribe(socket, app, data);
        return;
      case "pusher:signin":
        sendError(socket, 4300, "User authentication (pusher:signin) is not supported by this server");
        return;
      default:
        if (event.startsWith("client-")) {
          sendError(socket, 4301, "Client events are not enabled for this app");
        } else {
          sendError(socket, 4300, `Unsupported event: ${event.slice(0, 50)}`);
        }
    }
  }

  function onClose(this: WebSocket): void {
    const socket = this as PusherSocket;
    if (!sockets.delete(socket)) return;
    const app = socket.app;
    if (!app) return;
    state.established--;
    leaveAllChannels(socket, app);
  }

  // ----- activity sweep: one interval for all sockets ---------------------------------------------

  function sweep(): void {
    const now = Date.now();
    for (const app of state.appsById.values()) sweepExpiredCache(app, now);
    for (const socket of sockets) {
      if (socket.closingSince !== 0) {
        if (now - socket.closingSince > CLOSE_GRACE_MS) socket.terminate();
        continue;
      }
      if (socket.pingSentAt !== 0) {
        if (now - socket.pingSentAt > pongMs) {
          socket.closingSince = now;
          socket.close(4201, "Pong reply not received");
        }
      } else if (now - socket.lastActivity > activityMs) {
        socket.pingSentAt = now;
        sendFrame(socket, frame("pusher:ping", "{}"));
      }
    }
  }
  const sweepMs = Math.max(50, Math.min(5000, Math.floor(Math.min(activityMs, pongMs) / 3)));
  const sweepTimer = setInterval(sweep, sweepMs);
  sweepTimer.unref();

  // ----- WebSocket upgrade ------------------------------------------------------------------------

  const wss = new WebSocketServer<typeof PusherSocket>({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    WebSocket: PusherSocket,
  });

  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", noop);
    if (state.closed) {
      socket.destroy();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = /^\/app\/([^/]+)$/.exec(url.pathname);
    const key = match?.[1] !== undefined ? safeDecode(match[1]) : null;
    const protocol = url.searchParams.get("protocol");
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("error", noop);
      ws.on("close", onClose);
      ws.lastActivity = Date.now();
      sockets.add(ws);
      if (key === null) return refuse(ws, 4005, "Path not found: expected /app/<key>");
      const app = state.appsByKey.get(key);
      if (!app) return refuse(ws, 4001, "App key not found on this server");
      if (protocol === null) return refuse(ws, 4008, "No protocol version supplied");
      if (!/^\d{1,4}$/.test(protocol)) return refuse(ws, 4006, "Invalid version string format");
      if (Number(protocol) !== PROTOCOL_VERSION) {
        return refuse(ws, 4007, `Unsupported protocol version ${protocol}: this server speaks 7`);
      }
      ws.app = app;
      ws.socketId = newSocketId();
      state.established++;
      ws.on("message", onMessage);
      sendFrame(
        ws,
        frame(
          "pusher:connection_established",
          JSON.stringify({ socket_id: ws.socketId, activity_timeout: advertisedActivityTimeout }),
        ),
      );
    });
  }

  // ----- shutdown -----------------------------------------------------------------------------------

  function stopSweep(): void {
    clearInterval(sweepTimer);
  }

  async function closeAll(): Promise<void> {
    for (const socket of sockets) {
      if (socket.closingSince === 0) {
        socket.closingSince = Date.now();
        socket.close(4100, "Server shutting down: reconnect after a pause");
      }
    }
    const deadline = Date.now() + 1000;
    while (sockets.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const socket of sockets) socket.terminate();
    wss.close();
  }

  return { onUpgrade, stopSweep, closeAll };
}
