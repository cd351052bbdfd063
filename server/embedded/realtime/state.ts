/**
 * The in-memory state of Herald's embedded Pusher-protocol server (docs/protocols.md "Pusher Channels (the
 * embedded realtime server)"): per app, who is subscribed to which channel, the presence members and the
 * cache channels' last events; per connection, one `ws` socket subclass; and the server's counters.
 *
 * Owns no protocol behaviour: ./connections.ts (WebSocket side,
 * https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/), ./channels.ts
 * (subscriptions and delivery) and ./http-api.ts (HTTP API,
 * https://pusher.com/docs/channels/library_auth_reference/rest-api/) read and change it.
 *
 * Memory: per connection one {@link PusherSocket} with a few fields (no per-connection closures or
 * timers); a channel maps to its only subscriber, or to a Set once it has several (most channels are one
 * user's), and a socket keeps its one channel's name, or a Set of names; empty channels are removed.
 *
 * @module
 */
import { WebSocket } from "ws";
import { type RealtimeAppConfig, type RealtimeSettings } from "./config";

/** A member of a presence channel: one user, however many of their sockets are subscribed. */
export interface PresenceMember {
  /** The `user_id` as the auth server sent it (string or number); the map key is its string form. */
  id: string | number;
  info: unknown;
  /** Sockets of this user subscribed to the channel. */
  sockets: number;
}

/** One app's channels, presence members and cached events. */
export interface AppState {
  config: RealtimeAppConfig;
  /** channel → its only subscriber, or a Set once a second socket subscribes (most channels have one). */
  channels: Map<string, PusherSocket | Set<PusherSocket>>;
  /** presence channel → user id (string form) → member. */
  presence: Map<string, Map<string, PresenceMember>>;
  /** cache channel → its last event and when it expires (`Date.now()` ms); expired entries are swept. */
  cache: Map<string, { name: string; data: string; expiresAt: number }>;
}

/** Per-connection state: a `ws` subclass, so each connection is one object with a few fields. */
export class PusherSocket extends WebSocket {
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

/** Counters returned by `RealtimeServer.stats()` (./server.ts) and served on `GET /metrics`. */
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

/** Everything one running server shares between its modules. */
export interface RealtimeState {
  settings: RealtimeSettings;
  appsById: Map<string, AppState>;
  appsByKey: Map<string, AppState>;
  /** Every open socket, refused ones included until they close. */
  sockets: Set<PusherSocket>;
  /** Established (accepted) connections currently open. */
  established: number;
  /** Event frames written to sockets since start. */
  eventsDelivered: number;
  /** Events accepted over the HTTP API since start, one per channel. */
  eventsAccepted: number;
  /** Set once `close()` starts: new upgrades are dropped. */
  closed: boolean;
}

/**
 * Builds the state of a server serving `settings`' apps from `apps`.
 *
 * @throws Error when an app lacks an id, key or secret, or two apps share an id or a key.
 */
export function createState(settings: RealtimeSettings, apps: readonly RealtimeAppConfig[]): RealtimeState {
  const appsById = new Map<string, AppState>();
  const appsByKey = new Map<string, AppState>();
  for (const config of apps) {
    if (!config.id || !config.key || !config.secret) {
      throw new Error("startRealtimeServer: every app needs a non-empty id, key and secret");
    }
    if (appsById.has(config.id) || appsByKey.has(config.key)) {
      throw new Error(`startRealtimeServer: duplicate app id or key (${config.id})`);
    }
    const app: AppState = { config: { ...config }, channels: new Map(), presence: new Map(), cache: new Map() };
    appsById.set(config.id, app);
    appsByKey.set(config.key, app);
  }
  return {
    settings,
    appsById,
    appsByKey,
    sockets: new Set(),
    established: 0,
    eventsDelivered: 0,
    eventsAccepted: 0,
    closed: false,
  };
}

/** The current counters of `state`. */
export function readStats(state: RealtimeState): RealtimeServerStats {
  let channels = 0;
  for (const app of state.appsById.values()) channels += app.channels.size;
  return {
    connections: state.established,
    channels,
    eventsDelivered: state.eventsDelivered,
    eventsAccepted: state.eventsAccepted,
  };
}

/** Whether `socket` is subscribed to `channel`. */
export function hasChannel(socket: PusherSocket, channel: string): boolean {
  const c = socket.channels;
  return c === null ? false : typeof c === "string" ? c === channel : c.has(channel);
}

/** How many channels `socket` is subscribed to. */
export function channelCount(socket: PusherSocket): number {
  const c = socket.channels;
  return c === null ? 0 : typeof c === "string" ? 1 : c.size;
}

/** Records on `socket` that it is subscribed to `channel` (the app's side is the caller's). */
export function addChannel(socket: PusherSocket, channel: string): void {
  const c = socket.channels;
  if (c === null) socket.channels = channel;
  else if (typeof c === "string") socket.channels = new Set([c, channel]);
  else c.add(channel);
}

/** Forgets on `socket` its subscription to `channel`; false when it was not subscribed. */
export function deleteChannel(socket: PusherSocket, channel: string): boolean {
  const c = socket.channels;
  if (c === null) return false;
  if (typeof c === "string") {
    if (c !== channel) return false;
    socket.channels = null;
    return true;
  }
  return c.delete(channel);
}

/** Subscriber count of a channel entry of {@link AppState.channels}. */
export function memberCount(m: PusherSocket | Set<PusherSocket> | undefined): number {
  return m === undefined ? 0 : m instanceof Set ? m.size : 1;
}
