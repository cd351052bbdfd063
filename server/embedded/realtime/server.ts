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
 * Sources: Pusher Channels protocol docs ("Pusher Channels Protocol", "HTTP API reference",
 * "Authenticating users", error codes), `docs/protocols.md`, and the behaviour of the real
 * `pusher-js` 8 and `pusher` 5 packages, which the tests drive.
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
 * @module
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { randomInt } from "node:crypto";
import { sameSignature } from "../../signing";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { z } from "zod";
import {
  isValidChannelName,
  isValidSocketId,
  md5Hex,
  signRequest,
  timingSafeEqualHex,
  verifyChannelAuth,
} from "./signature";

/** One Pusher app served by the embedded server: numeric-or-text id, public key, secret. */
export interface RealtimeAppConfig {
  id: string;
  key: string;
  secret: string;
}

/** Options of {@link startRealtimeServer}. Times are in seconds, sizes in bytes. */
export interface RealtimeServerOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; `0` (default) picks a free one. */
  port?: number;
  /** Apps served; ids and keys must be unique. At least one. */
  apps: RealtimeAppConfig[];
  /**
   * Seconds of client silence after which the server sends `pusher:ping`; also advertised to clients as
   * `activity_timeout` (rounded up to a whole second, at least 1). Default 120 (Pusher's default).
   */
  activityTimeoutSec?: number;
  /** Seconds to wait for any frame after a server ping before closing with 4201. Default 30. */
  pongTimeoutSec?: number;
  /** Largest event `data`, in UTF-8 bytes, the HTTP API accepts (413 above). Default 10240 (Pusher's 10 KB). */
  maxEventBytes?: number;
  /**
   * Events per `batch_events` request (400 above). Default 10, Pusher's limit; soketi's
   * `SOKETI_EVENT_MAX_BATCH_SIZE` is the same setting. A publisher may send larger batches only to a server
   * configured for them (`PUSHER_BATCH_SIZE`).
   */
  maxBatchEvents?: number;
  /** Largest HTTP API request body in bytes (413 above). Default 256 KiB per 10 events of `maxBatchEvents`. */
  maxBodyBytes?: number;
  /** How long a cache channel keeps its last event, in seconds. Default 1800 (Pusher's 30 minutes). */
  cacheTtlSec?: number;
  /** Allowed clock skew of `auth_timestamp`, in seconds (401 beyond). Default 600 (Pusher's). */
  timestampToleranceSec?: number;
  /**
   * Bearer token of `GET /metrics` (Prometheus text: `herald_realtime_connections`, `_channels`,
   * `_events_delivered_total`, `_events_accepted_total`), as soketi serves its own on a metrics port.
   * Unset: `/metrics` answers 404. scripts/herald.ts passes HERALD_METRICS_TOKEN.
   */
  metricsToken?: string;
  /** Receives one-line operational messages (start, refusals of broken requests, internal errors). */
  log?: (msg: string) => void;
}

/** Counters returned by {@link RealtimeServer.stats}. */
export interface RealtimeServerStats {
  /** Established (accepted, not refused) WebSocket connections currently open. */
  connections: number;
  /** Occupied channels across all apps. */
  channels: number;
  /** Event frames written to sockets since start (one per receiving socket). */
  eventsDelivered: number;
  /**
   * Events accepted over the HTTP API since start, one per channel (a trigger to 3 channels counts 3):
   * what publishers sent, whether or not anyone was subscribed.
   */
  eventsAccepted: number;
}

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

// ---------------------------------------------------------------------------------------------------
// Limits and constants
// ---------------------------------------------------------------------------------------------------

const PROTOCOL_VERSION = 7;
/**
 * V8 flags for a process that hosts this server (scripts/realtime-process.ts, bench/realtime.ts). Opening
 * 10,000 connections grows V8's young generation by ~25 MB, which stays committed; capping a semi-space at
 * 2 MB keeps it small, and compacting on every full GC keeps the old generation from fragmenting. Measured
 * (bench/RESULTS.md "Realtime"): RSS per connection ~5.8 KB with V8's defaults, 3.5–3.7 KB with these flags,
 * at the same delivered events/s (1 MB semi-spaces: ~3.8 KB, ~10 % fewer events/s).
 * `--compact-on-every-full-gc` cannot be set through NODE_OPTIONS: pass them as the process's own flags.
 */
export const REALTIME_V8_FLAGS: readonly string[] = ["--max-semi-space-size=2", "--compact-on-every-full-gc"];

/**
 * `maxBatchEvents` as Herald's launcher (scripts/herald.ts) starts the embedded server, with the publisher's
 * `PUSHER_BATCH_SIZE` set to match.
 */
export const EMBEDDED_BATCH_EVENTS = 100;
/** Largest WebSocket frame accepted from a client (client frames are small subscribe/ping messages). */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** A socket with more than this many bytes queued is a slow consumer and is terminated. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Largest presence `channel_data`, in characters. */
const MAX_CHANNEL_DATA_CHARS = 4096;
/** Longest presence `user_id`, in characters (Pusher's limit). */
const MAX_USER_ID_CHARS = 128;
/** Channels per `events` request (Pusher's limit). */
const MAX_EVENT_CHANNELS = 100;
/** Longest event name, in characters (Pusher's limit). */
const MAX_EVENT_NAME_CHARS = 200;
/** Channels one connection may be subscribed to at once (bounds per-connection memory). */
const MAX_CHANNELS_PER_CONNECTION = 100;
/** How long a socket may stay in the closing handshake before it is terminated, in ms. */
const CLOSE_GRACE_MS = 2000;

const CACHE_CHANNEL = /^(?:private-encrypted-|private-|presence-)?cache-/;

// ---------------------------------------------------------------------------------------------------
// Per-connection state: a `ws` subclass, so each connection is one object with a few fields.
// ---------------------------------------------------------------------------------------------------

interface PresenceMember {
  /** The `user_id` as the auth server sent it (string or number); the map key is its string form. */
  id: string | number;
  info: unknown;
  /** Sockets of this user subscribed to the channel. */
  sockets: number;
}

interface AppState {
  config: RealtimeAppConfig;
  /** channel → its only subscriber, or a Set once a second socket subscribes (most channels have one). */
  channels: Map<string, PusherSocket | Set<PusherSocket>>;
  /** presence channel → user id (string form) → member. */
  presence: Map<string, Map<string, PresenceMember>>;
  /** cache channel → its last event and when it expires (`Date.now()` ms); expired entries are swept. */
  cache: Map<string, { name: string; data: string; expiresAt: number }>;
}

class PusherSocket extends WebSocket {
  /** The app this socket belongs to; null for a refused connection. */
  app: AppState | null = null;
  socketId = "";
  /** `Date.now()` of the last frame received (ms). */
  lastActivity = 0;
  /** `Date.now()` when the server pinged and is waiting for a reply; 0 when not waiting. */
  pingSentAt = 0;
  /** `Date.now()` when the server started closing this socket; 0 while open. */
  closingSince = 0;
  /** Channels this socket is subscribed to (allocated on first subscribe). */
  channels: string | Set<string> | null = null;
  /** Presence channel → user id (string form) this socket joined as (allocated on first presence subscribe). */
  presenceIds: Map<string, string> | null = null;
}

function hasChannel(socket: PusherSocket, channel: string): boolean {
  const c = socket.channels;
  return c === null ? false : typeof c === "string" ? c === channel : c.has(channel);
}
function channelCount(socket: PusherSocket): number {
  const c = socket.channels;
  return c === null ? 0 : typeof c === "string" ? 1 : c.size;
}
function addChannel(socket: PusherSocket, channel: string): void {
  const c = socket.channels;
  if (c === null) socket.channels = channel;
  else if (typeof c === "string") socket.channels = new Set([c, channel]);
  else c.add(channel);
}
function deleteChannel(socket: PusherSocket, channel: string): boolean {
  const c = socket.channels;
  if (c === null) return false;
  if (typeof c === "string") {
    if (c !== channel) return false;
    socket.channels = null;
    return true;
  }
  return c.delete(channel);
}
function memberCount(m: PusherSocket | Set<PusherSocket> | undefined): number {
  return m === undefined ? 0 : m instanceof Set ? m.size : 1;
}

// ---------------------------------------------------------------------------------------------------
// Inbound shapes (zod)
// ---------------------------------------------------------------------------------------------------

/** A client frame. Pusher's shape, not ours: extra fields are ignored (not `.strict()`). */
const clientFrameSchema = z.object({
  event: z.string().min(1).max(MAX_EVENT_NAME_CHARS),
  data: z.unknown().optional(),
  channel: z.string().optional(),
});

/** `auth` and `channel_data` may be absent or null (pusher-js relays an auth answer's `"channel_data": null`). */
const subscribeDataSchema = z.object({
  channel: z.string().max(1000),
  auth: z.string().max(1000).nullish(),
  channel_data: z.string().nullish(),
});

const unsubscribeDataSchema = z.object({ channel: z.string().max(1000) });

/** A presence member's `user_id` is kept as the auth server sent it: a number stays a number. */
const presenceChannelDataSchema = z.object({
  user_id: z.union([z.string().min(1).max(MAX_USER_ID_CHARS), z.number().finite()]),
  user_info: z.unknown().optional(),
});

const eventsBodySchema = z
  .object({
    name: z.string(),
    data: z.string(),
    channels: z.array(z.string()).optional(),
    channel: z.string().optional(),
    socket_id: z.string().optional(),
    info: z.string().optional(),
  })
  .strict();

const batchItemSchema = z
  .object({
    channel: z.string(),
    name: z.string(),
    data: z.string(),
    socket_id: z.string().optional(),
    info: z.string().optional(),
  })
  .strict();

const batchBodySchema = z.object({ batch: z.array(batchItemSchema) }).strict();

// ---------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function noop(): void {}

function frame(event: string, data: string, channel?: string): string {
  return channel === undefined
    ? JSON.stringify({ event, data })
    : JSON.stringify({ event, channel, data });
}

function sendFrame(socket: PusherSocket, payload: string | Buffer): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(payload, { binary: false });
}

function sendError(socket: PusherSocket, code: number | null, message: string): void {
  sendFrame(socket, JSON.stringify({ event: "pusher:error", data: { code, message } }));
}

function sendSubscriptionError(socket: PusherSocket, channel: string, status: number, error: string): void {
  sendFrame(
    socket,
    frame("pusher:subscription_error", JSON.stringify({ type: "AuthError", error, status }), channel),
  );
}

function newSocketId(): string {
  return `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`;
}

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request body";
  const path = issue.path.length > 0 ? issue.path.join(".") : "body";
  return `Invalid request body: ${path}: ${issue.message}`;
}

/** Parses the `info` parameter: a comma-separated subset of `allowed`. Throws 400 otherwise. */
function parseInfo(info: string | undefined | null, allowed: readonly string[]): Set<string> {
  const out = new Set<string>();
  if (info === undefined || info === null || info === "") return out;
  for (const part of info.split(",")) {
    const attr = part.trim();
    if (!allowed.includes(attr)) throw new HttpError(400, `Unsupported info attribute: ${attr.slice(0, 50)}`);
    out.add(attr);
  }
  return out;
}

function validateEventChannel(channel: string): void {
  if (!isValidChannelName(channel)) throw new HttpError(400, "Invalid channel name");
}

function validateEventName(name: string): void {
  if (name.length === 0 || name.length > MAX_EVENT_NAME_CHARS) {
    throw new HttpError(400, `Event name must be 1-${MAX_EVENT_NAME_CHARS} characters`);
  }
  if (name.startsWith("pusher:") || name.startsWith("pusher_internal:")) {
    throw new HttpError(400, "Event names starting with pusher: or pusher_internal: are reserved");
  }
}

// ---------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------

/**
 * Starts the embedded Pusher-protocol server (docs/protocols.md) and resolves once it listens.
 *
 * @param opts see {@link RealtimeServerOptions}; `apps` must be non-empty with unique ids and keys.
 * @returns the running server: its port and URL, `stats()`, and `close()`.
 * @throws Error when the options are invalid or the port cannot be bound (the listen error).
 */
export async function startRealtimeServer(opts: RealtimeServerOptions): Promise<RealtimeServer> {
  const host = opts.host ?? "127.0.0.1";
  const activityTimeoutSec = opts.activityTimeoutSec ?? 120;
  const pongTimeoutSec = opts.pongTimeoutSec ?? 30;
  const maxEventBytes = opts.maxEventBytes ?? 10 * 1024;
  const maxBatchEvents = Math.max(1, Math.floor(opts.maxBatchEvents ?? 10));
  const maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024 * Math.ceil(maxBatchEvents / 10);
  const toleranceSec = opts.timestampToleranceSec ?? 600;
  const cacheTtlMs = (opts.cacheTtlSec ?? 1800) * 1000;
  const log = opts.log ?? noop;

  if (!(cacheTtlMs > 0)) throw new Error("cacheTtlSec must be a positive number of seconds");
  if (!(activityTimeoutSec > 0) || !(pongTimeoutSec > 0)) {
    throw new Error("activityTimeoutSec and pongTimeoutSec must be positive numbers of seconds");
  }
  if (opts.apps.length === 0) throw new Error("startRealtimeServer: at least one app is required");

  const appsById = new Map<string, AppState>();
  const appsByKey = new Map<string, AppState>();
  for (const config of opts.apps) {
    if (!config.id || !config.key || !config.secret) {
      throw new Error("startRealtimeServer: every app needs a non-empty id, key and secret");
    }
    if (appsById.has(config.id) || appsByKey.has(config.key)) {
      throw new Error(`startRealtimeServer: duplicate app id or key (${config.id})`);
    }
    const state: AppState = { config: { ...config }, channels: new Map(), presence: new Map(), cache: new Map() };
    appsById.set(config.id, state);
    appsByKey.set(config.key, state);
  }

  const activityMs = activityTimeoutSec * 1000;
  const pongMs = pongTimeoutSec * 1000;
  const advertisedActivityTimeout = Math.max(1, Math.ceil(activityTimeoutSec));
  const sockets = new Set<PusherSocket>();
  let established = 0;
  let eventsDelivered = 0;
  let eventsAccepted = 0;
  let closed = false;

  // ----- channel membership ------------------------------------------------------------------------

  function presenceSnapshot(app: AppState, channel: string): string {
    const members = app.presence.get(channel);
    const ids: Array<string | number> = [];
    const hash: Record<string, unknown> = {};
    if (members) {
      for (const [key, member] of members) {
        ids.push(member.id);
        hash[key] = member.info ?? null;
      }
    }
    return JSON.stringify({ presence: { ids, hash, count: ids.length } });
  }

  /**
   * Writes one event frame to every socket of the channel except the publisher's (`event.socketId`); the
   * frame is built only when someone is subscribed. Returns the count.
   */
  function deliver(app: AppState, event: PreparedEvent): number {
    const { channel, socketId: exceptSocketId } = event;
    if (CACHE_CHANNEL.test(channel)) app.cache.set(channel, { name: event.name, data: event.data, expiresAt: Date.now() + cacheTtlMs });
    const members = app.channels.get(channel);
    if (!members) return 0;
    let payload: Buffer | undefined;
    let count = 0;
    const sendOne = (socket: PusherSocket): void => {
      if (socket.socketId === exceptSocketId) return;
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        log(`realtime: terminating slow consumer ${socket.socketId}`);
        socket.terminate();
        return;
      }
      payload ??= Buffer.from(frame(event.name, event.data, channel), "utf8");
      socket.send(payload, { binary: false });
      count++;
    };
    if (members instanceof Set) for (const socket of members) sendOne(socket);
    else sendOne(members);
    eventsDelivered += count;
    return count;
  }

  function removeFromChannel(socket: PusherSocket, app: AppState, channel: string): void {
    const members = app.channels.get(channel);
    if (members instanceof Set) {
      members.delete(socket);
      if (members.size === 1) app.channels.set(channel, members.values().next().value as PusherSocket);
      else if (members.size === 0) app.channels.delete(channel);
    } else if (members === socket) {
      app.channels.delete(channel);
    }
    const userId = socket.presenceIds?.get(channel);
    if (userId === undefined) return;
    socket.presenceIds?.delete(channel);
    const presence = app.presence.get(channel);
    const member = presence?.get(userId);
    if (!presence || !member) return;
    member.sockets--;
    if (member.sockets > 0) return;
    presence.delete(userId);
    if (presence.size === 0) app.presence.delete(channel);
    const others = app.channels.get(channel);
    if (!others) return;
    const payload = frame("pusher_internal:member_removed", JSON.stringify({ user_id: member.id }), channel);
    if (others instanceof Set) for (const other of others) sendFrame(other, payload);
    else sendFrame(others, payload);
  }

  // ----- WebSocket frames ---------------------------------------------------------------------------

  function handleSubscribe(socket: PusherSocket, app: AppState, rawData: unknown): void {
    let data = rawData;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data) as unknown;
      } catch {
        sendError(socket, 4300, "pusher:subscribe data must be an object");
        return;
      }
    }
    const parsed = subscribeDataSchema.safeParse(data);
    if (!parsed.success) {
      // A named channel gets its refusal on that channel (pusher-js then reports it on the channel instead
      // of waiting); without a channel name there is no channel to answer on.
      const named = typeof data === "object" && data !== null ? (data as { channel?: unknown }).channel : undefined;
      if (typeof named === "string" && named.length <= 1000) {
        sendSubscriptionError(socket, named, 400, "pusher:subscribe needs data.auth and data.channel_data as strings (or null)");
      } else {
        sendError(socket, 4300, "pusher:subscribe needs data.channel (string), data.auth and data.channel_data optional strings");
      }
      return;
    }
    const { channel, auth, channel_data: channelData } = parsed.data;
    if (!isValidChannelName(channel)) {
      sendSubscriptionError(socket, channel, 400, "Invalid channel name");
      return;
    }
    const isPresence = channel.startsWith("presence-");
    const isPrivate = channel.startsWith("private-");

    if (hasChannel(socket, channel)) {
      // Already subscribed: confirm again, change nothing.
      sendFrame(
        socket,
        frame("pusher_internal:subscription_succeeded", isPresence ? presenceSnapshot(app, channel) : "{}", channel),
      );
      return;
    }

    if (channelCount(socket) >= MAX_CHANNELS_PER_CONNECTION) {
      sendSubscriptionError(socket, channel, 400, `At most ${MAX_CHANNELS_PER_CONNECTION} channels per connection`);
      return;
    }

    let presenceUser: { id: string | number; info: unknown } | null = null;
    if (isPrivate) {
      if (!verifyChannelAuth(app.config, auth, socket.socketId, channel)) {
        sendSubscriptionError(socket, channel, 401, "Invalid signature: expected HMAC-SHA256 of socket_id:channel");
        return;
      }
    } else if (isPresence) {
      if (channelData === undefined || channelData === null || channelData.length > MAX_CHANNEL_DATA_CHARS) {
        sendSubscriptionError(socket, channel, 400, "Presence channels need channel_data (at most 4096 characters)");
        return;
      }
      if (!verifyChannelAuth(app.config, auth, socket.socketId, channel, channelData)) {
        sendSubscriptionError(
          socket,
          channel,
          401,
          "Invalid signature: expected HMAC-SHA256 of socket_id:channel:channel_data",
        );
        return;
      }
      let decoded: unknown;
      try {
        decoded = JSON.parse(channelData) as unknown;
      } catch {
        sendSubscriptionError(socket, channel, 400, "channel_data is not valid JSON");
        return;
      }
      const member = presenceChannelDataSchema.safeParse(decoded);
      if (!member.success) {
        sendSubscriptionError(socket, channel, 400, "channel_data needs user_id (a string of 1-128 characters, or a number)");
        return;
      }
      presenceUser = { id: member.data.user_id, info: member.data.user_info };
    }

    const existingMembers = app.channels.get(channel);
    if (existingMembers === undefined) app.channels.set(channel, socket);
    else if (existingMembers instanceof Set) existingMembers.add(socket);
    else app.channels.set(channel, new Set([existingMembers, socket]));
    addChannel(socket, channel);

    if (presenceUser) {
      const key = String(presenceUser.id);
      (socket.presenceIds ??= new Map()).set(channel, key);
      let presence = app.presence.get(channel);
      if (!presence) {
        presence = new Map();
        app.presence.set(channel, presence);
      }
      const existing = presence.get(key);
      if (existing) {
        existing.sockets++;
      } else {
        presence.set(key, { id: presenceUser.id, info: presenceUser.info, sockets: 1 });
        const added = frame(
          "pusher_internal:member_added",
          JSON.stringify({ user_id: presenceUser.id, user_info: presenceUser.info ?? null }),
          channel,
        );
        const members = app.channels.get(channel);
        if (members instanceof Set) for (const other of members) if (other !== socket) sendFrame(other, added);
      }
    }

    sendFrame(
      socket,
      frame("pusher_internal:subscription_succeeded", isPresence ? presenceSnapshot(app, channel) : "{}", channel),
    );
    if (CACHE_CHANNEL.test(channel)) sendCached(socket, app, channel);
  }

  /** A cache channel's last event to a new subscriber, or `pusher:cache_miss` when none is cached. */
  function sendCached(socket: PusherSocket, app: AppState, channel: string): void {
    const cached = app.cache.get(channel);
    if (cached && cached.expiresAt > Date.now()) sendFrame(socket, frame(cached.name, cached.data, channel));
    else sendFrame(socket, JSON.stringify({ event: "pusher:cache_miss", channel }));
  }

  function handleUnsubscribe(socket: PusherSocket, app: AppState, rawData: unknown): void {
    let data = rawData;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data) as unknown;
      } catch {
        sendError(socket, 4300, "pusher:unsubscribe data must be an object");
        return;
      }
    }
    const parsed = unsubscribeDataSchema.safeParse(data);
    if (!parsed.success) {
      sendError(socket, 4300, "pusher:unsubscribe needs data.channel (string)");
      return;
    }
    const { channel } = parsed.data;
    if (!deleteChannel(socket, channel)) return; // not subscribed: nothing to do (Pusher sends no reply)
    removeFromChannel(socket, app, channel);
  }

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
        handleSubscribe(socket, app, data);
        return;
      case "pusher:unsubscribe":
        handleUnsubscribe(socket, app, data);
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
    established--;
    const channels = socket.channels;
    socket.channels = null;
    if (typeof channels === "string") removeFromChannel(socket, app, channels);
    else if (channels) for (const channel of channels) removeFromChannel(socket, app, channel);
    socket.presenceIds = null;
  }

  function refuse(socket: PusherSocket, code: number, message: string): void {
    sendError(socket, code, message);
    socket.closingSince = Date.now();
    socket.close(code, message);
  }

  // ----- activity sweep: one interval for all sockets ---------------------------------------------

  function sweep(): void {
    const now = Date.now();
    for (const app of appsById.values()) {
      for (const [channel, cached] of app.cache) if (cached.expiresAt <= now) app.cache.delete(channel);
    }
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
    if (closed) {
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
      const app = appsByKey.get(key);
      if (!app) return refuse(ws, 4001, "App key not found on this server");
      if (protocol === null) return refuse(ws, 4008, "No protocol version supplied");
      if (!/^\d{1,4}$/.test(protocol)) return refuse(ws, 4006, "Invalid version string format");
      if (Number(protocol) !== PROTOCOL_VERSION) {
        return refuse(ws, 4007, `Unsupported protocol version ${protocol}: this server speaks 7`);
      }
      ws.app = app;
      ws.socketId = newSocketId();
      established++;
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

  // ----- HTTP API -----------------------------------------------------------------------------------

  function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers["content-length"] ?? "0");
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        reject(new HttpError(413, `Request body over ${maxBodyBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on("data", (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > maxBodyBytes) {
          done = true;
          reject(new HttpError(413, `Request body over ${maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks, size));
      });
      req.on("error", (err) => {
        if (done) return;
        done = true;
        reject(err);
      });
    });
  }

  /** Verifies `auth_*` and `body_md5` (Pusher HTTP API "Authentication"). Throws 401 on any failure. */
  function authenticate(
    app: AppState,
    method: string,
    path: string,
    params: Array<[string, string]>,
    body: Buffer,
  ): void {
    const seen = new Map<string, string>();
    for (const [k, v] of params) {
      if (seen.has(k)) throw new HttpError(400, `Duplicate query parameter: ${k.slice(0, 50)}`);
      seen.set(k, v);
    }
    const authKey = seen.get("auth_key");
    const timestamp = seen.get("auth_timestamp");
    const version = seen.get("auth_version");
    const signature = seen.get("auth_signature");
    if (authKey === undefined || timestamp === undefined || version === undefined || signature === undefined) {
      throw new HttpError(401, "Missing authentication parameters (auth_key, auth_timestamp, auth_version, auth_signature)");
    }
    if (authKey !== app.config.key) throw new HttpError(401, "Unknown auth_key");
    if (version !== "1.0") throw new HttpError(401, "Unsupported auth_version: expected 1.0");
    if (!/^\d{1,12}$/.test(timestamp)) throw new HttpError(401, "Invalid auth_timestamp");
    const skew = Math.abs(Date.now() / 1000 - Number(timestamp));
    if (skew > toleranceSec) {
      throw new HttpError(401, `Timestamp expired: auth_timestamp is more than ${toleranceSec} s from server time`);
    }
    const bodyMd5 = seen.get("body_md5");
    if (body.length > 0 || bodyMd5 !== undefined) {
      if (!timingSafeEqualHex(md5Hex(body), bodyMd5)) throw new HttpError(401, "body_md5 does not match the body");
    }
    const expected = signRequest(app.config.secret, method, path, params);
    if (!timingSafeEqualHex(expected, signature)) throw new HttpError(401, "Invalid signature");
  }

  function parseJson(body: Buffer): unknown {
    try {
      return JSON.parse(body.toString("utf8")) as unknown;
    } catch {
      throw new HttpError(400, "Invalid JSON body");
    }
  }

  function channelInfo(app: AppState, channel: string, info: Set<string>): Record<string, number> {
    const out: Record<string, number> = {};
    if (info.has("subscription_count")) out.subscription_count = memberCount(app.channels.get(channel));
    if (info.has("user_count") && channel.startsWith("presence-")) {
      out.user_count = app.presence.get(channel)?.size ?? 0;
    }
    return out;
  }

  /** An event accepted over the HTTP API, for one channel; `socketId` is the publisher's socket to skip. */
  interface PreparedEvent {
    channel: string;
    name: string;
    data: string;
    socketId: string | undefined;
  }

  function checkEventCommon(name: string, data: string, socketId: string | undefined): void {
    validateEventName(name);
    if (Buffer.byteLength(data, "utf8") > maxEventBytes) {
      throw new HttpError(413, `Event data over ${maxEventBytes} bytes`);
    }
    if (socketId !== undefined && !isValidSocketId(socketId)) throw new HttpError(400, "Invalid socket_id");
  }

  function postEvents(app: AppState, body: Buffer): unknown {
    const parsed = eventsBodySchema.safeParse(parseJson(body));
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error));
    const { name, data, channels, channel, socket_id: socketId, info } = parsed.data;
    if ((channels === undefined) === (channel === undefined)) {
      throw new HttpError(400, "Give exactly one of channel or channels");
    }
    const targets = channels ?? [channel as string];
    if (targets.length === 0) throw new HttpError(400, "channels must not be empty");
    if (targets.length > MAX_EVENT_CHANNELS) {
      throw new HttpError(400, `Too many channels: at most ${MAX_EVENT_CHANNELS} per event`);
    }
    for (const target of targets) validateEventChannel(target);
    checkEventCommon(name, data, socketId);
    const attrs = parseInfo(info, ["subscription_count", "user_count"]);
    for (const target of new Set(targets)) {
      deliver(app, { channel: target, name, data, socketId });
      eventsAccepted++;
    }
    if (attrs.size === 0) return {};
    const out: Record<string, Record<string, number>> = {};
    for (const target of targets) out[target] = channelInfo(app, target, attrs);
    return { channels: out };
  }

  function postBatch(app: AppState, body: Buffer): unknown {
    const json = parseJson(body);
    if (
      typeof json === "object" &&
      json !== null &&
      Array.isArray((json as { batch?: unknown }).batch) &&
      (json as { batch: unknown[] }).batch.length > maxBatchEvents
    ) {
      throw new HttpError(400, `Batch too large: at most ${maxBatchEvents} events`);
    }
    const parsed = batchBodySchema.safeParse(json);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error));
    const { batch } = parsed.data;
    if (batch.length === 0) throw new HttpError(400, "batch must not be empty");
    // Validate every event before delivering any.
    const prepared: Array<PreparedEvent & { attrs: Set<string> }> = [];
    for (const item of batch) {
      validateEventChannel(item.channel);
      checkEventCommon(item.name, item.data, item.socket_id);
      const attrs = parseInfo(item.info, ["subscription_count", "user_count"]);
      prepared.push({ channel: item.channel, name: item.name, data: item.data, socketId: item.socket_id, attrs });
    }
    let anyInfo = false;
    for (const event of prepared) {
      deliver(app, event);
      eventsAccepted++;
      if (event.attrs.size > 0) anyInfo = true;
    }
    if (!anyInfo) return {};
    return { batch: prepared.map((event) => channelInfo(app, event.channel, event.attrs)) };
  }

  function getChannels(app: AppState, query: URLSearchParams): unknown {
    const prefix = query.get("filter_by_prefix") ?? "";
    const attrs = parseInfo(query.get("info"), ["user_count", "subscription_count"]);
    if (attrs.has("user_count") && !prefix.startsWith("presence-")) {
      throw new HttpError(400, "info=user_count needs filter_by_prefix=presence-");
    }
    const channels: Record<string, Record<string, number>> = {};
    for (const name of app.channels.keys()) {
      if (name.startsWith(prefix)) channels[name] = channelInfo(app, name, attrs);
    }
    return { channels };
  }

  function getChannel(app: AppState, channel: string, query: URLSearchParams): unknown {
    const attrs = parseInfo(query.get("info"), ["user_count", "subscription_count"]);
    if (attrs.has("user_count") && !channel.startsWith("presence-")) {
      throw new HttpError(400, "info=user_count is only available for presence channels");
    }
    return { occupied: app.channels.has(channel), ...channelInfo(app, channel, attrs) };
  }

  function getUsers(app: AppState, channel: string): unknown {
    if (!channel.startsWith("presence-")) throw new HttpError(400, "Users are only available for presence channels");
    const members = app.presence.get(channel);
    return { users: members ? [...members.values()].map((m) => ({ id: m.id })) : [] };
  }

  async function handleApi(req: http.IncomingMessage): Promise<{ status: number; body: unknown }> {
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : rawUrl.slice(q + 1));
    const match = /^\/apps\/([^/]+)\/(.+)$/.exec(path);
    if (!match || match[1] === undefined || match[2] === undefined) throw new HttpError(404, "Not found");
    const appId = safeDecode(match[1]);
    const app = appId === null ? undefined : appsById.get(appId);
    if (!app) throw new HttpError(404, "Unknown app");
    const method = (req.method ?? "GET").toUpperCase();
    const body = method === "POST" || method === "PUT" ? await readBody(req) : Buffer.alloc(0);
    authenticate(app, method, path, [...query.entries()], body);

    const rest = match[2];
    if (rest === "events" || rest === "batch_events") {
      if (method !== "POST") throw new HttpError(405, "Method not allowed: use POST");
      return { status: 200, body: rest === "events" ? postEvents(app, body) : postBatch(app, body) };
    }
    if (rest === "channels") {
      if (method !== "GET") throw new HttpError(405, "Method not allowed: use GET");
      return { status: 200, body: getChannels(app, query) };
    }
    const channelMatch = /^channels\/([^/]+)(\/users)?$/.exec(rest);
    if (channelMatch && channelMatch[1] !== undefined) {
      if (method !== "GET") throw new HttpError(405, "Method not allowed: use GET");
      const channel = safeDecode(channelMatch[1]);
      if (channel === null || !isValidChannelName(channel)) throw new HttpError(400, "Invalid channel name");
      return {
        status: 200,
        body: channelMatch[2] ? getUsers(app, channel) : getChannel(app, channel, query),
      };
    }
    if (/^users\//.test(rest)) throw new HttpError(404, "User features (terminate_connections) are not supported by this server");
    throw new HttpError(404, "Not found");
  }

  function respond(res: http.ServerResponse, status: number, body: unknown, closeConnection = false): void {
    if (res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
      ...(closeConnection ? { connection: "close" } : {}),
    });
    res.end(text);
  }

  /** `GET /metrics`: the counters of {@link stats} in Prometheus's text format, for the bearer of `metricsToken`. */
  function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    if (!opts.metricsToken) return respond(res, 404, { error: "metrics are off (no metrics token)" });
    const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!given || !sameSignature(given, opts.metricsToken)) return respond(res, 401, { error: "Unauthorized" });
    const s = stats();
    const lines = [
      ["herald_realtime_connections", "gauge", "Open WebSocket connections", s.connections],
      ["herald_realtime_channels", "gauge", "Occupied channels", s.channels],
      ["herald_realtime_events_delivered_total", "counter", "Event frames written to sockets", s.eventsDelivered],
      ["herald_realtime_events_accepted_total", "counter", "Events accepted over the HTTP API, one per channel", s.eventsAccepted],
    ].flatMap(([name, type, help, value]) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`]);
    const text = `${lines.join("\n")}\n`;
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
    res.end(text);
  }

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.on("error", noop);
    res.on("error", noop);
    if (req.method === "GET" && (req.url ?? "").split("?")[0] === "/metrics") return serveMetrics(req, res);
    handleApi(req).then(
      ({ status, body }) => respond(res, status, body),
      (err: unknown) => {
        if (err instanceof HttpError) {
          // On 413 the rest of the body is not read: close the connection after answering.
          respond(res, err.status, { error: err.message }, err.status === 413);
          if (err.status === 413) res.on("finish", () => req.socket.destroy());
        } else {
          log(`realtime: internal error on ${req.method ?? "?"} ${(req.url ?? "").split("?")[0] ?? ""}: ${String(err)}`);
          respond(res, 500, { error: "Internal server error" }, true);
        }
      },
    );
  }

  // ----- start ----------------------------------------------------------------------------------------

  const server = http.createServer(onRequest);
  server.on("upgrade", onUpgrade);
  server.on("clientError", (_err, socket: Duplex) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
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
  log(`realtime: Pusher protocol 7 server listening on ${url} (${appsById.size} app(s))`);

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    if (closing) return closing;
    closed = true;
    closing = (async () => {
      clearInterval(sweepTimer);
      // Stop accepting first, so clients told to reconnect (4100) do not land on this server again.
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
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
      server.closeAllConnections();
      await serverClosed;
    })();
    return closing;
  }

  function stats(): RealtimeServerStats {
    let channels = 0;
    for (const app of appsById.values()) channels += app.channels.size;
    return { connections: established, channels, eventsDelivered, eventsAccepted };
  }

  return { port, url, close, stats };
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
