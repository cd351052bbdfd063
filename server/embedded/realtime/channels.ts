/**
 * Channels of Herald's embedded Pusher-protocol server (docs/protocols.md "WebSocket side (`pusher-js`)"):
 * subscribing and unsubscribing, the authorization of `private-*` and `presence-*` subscriptions, presence
 * members, cache channels, and delivering an event to a channel's subscribers.
 *
 * Implements, of the Pusher Channels protocol
 * (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/): `pusher:subscribe` /
 * `pusher:unsubscribe`, `pusher_internal:subscription_succeeded` (presence: with `{presence: {ids, hash,
 * count}}`), `pusher:subscription_error`, `pusher_internal:member_added` / `member_removed` (a user counted
 * once across sockets), and channel event frames. Signatures are checked by ./signature.ts
 * (https://pusher.com/docs/channels/library_auth_reference/auth-signatures/): `private-*` (and
 * `private-encrypted-*`, relayed as-is) sign `<socket_id>:<channel>`, `presence-*` add `:<channel_data>`.
 *
 * Cache channels (`cache-*`, `private-cache-*`, `private-encrypted-cache-*`, `presence-cache-*`;
 * https://pusher.com/docs/channels/using_channels/cache-channels/): the last event triggered on one is kept
 * for `cacheTtlSec` and sent to each new subscriber right after `pusher_internal:subscription_succeeded`;
 * with nothing cached the subscriber gets `pusher:cache_miss` on the channel instead. Subscribing follows
 * the prefix after `cache-` is removed (private, presence…).
 *
 * Limits: 100 channels per connection, presence `channel_data` of at most 4096 characters, `user_id` of at
 * most 128 (Pusher's); a socket with more than 4 MiB queued is a slow consumer and is terminated on delivery
 * (pusher-js reconnects and the app refetches, docs/architecture.md "Live inbox").
 *
 * @module
 */
import { WebSocket } from "ws";
import { z } from "zod";
import { frame, sendError, sendFrame, sendSubscriptionError } from "./protocol";
import { isValidChannelName, verifyChannelAuth } from "./signature";
import {
  addChannel,
  channelCount,
  deleteChannel,
  hasChannel,
  type AppState,
  type PusherSocket,
  type RealtimeState,
} from "./state";

/** A socket with more than this many bytes queued is a slow consumer and is terminated. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Largest presence `channel_data`, in characters. */
const MAX_CHANNEL_DATA_CHARS = 4096;
/** Longest presence `user_id`, in characters (Pusher's limit). */
const MAX_USER_ID_CHARS = 128;
/** Channels one connection may be subscribed to at once (bounds per-connection memory). */
const MAX_CHANNELS_PER_CONNECTION = 100;

const CACHE_CHANNEL = /^(?:private-encrypted-|private-|presence-)?cache-/;

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

/** An event accepted over the HTTP API, for one channel; `socketId` is the publisher's socket to skip. */
export interface PreparedEvent {
  channel: string;
  name: string;
  data: string;
  socketId: string | undefined;
}

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
 * frame is built only when someone is subscribed. On a cache channel the event is kept for
 * `settings.cacheTtlMs` first. Adds the count to `state.eventsDelivered` and returns it.
 */
export function deliver(state: RealtimeState, app: AppState, event: PreparedEvent): number {
  const { channel, socketId: exceptSocketId } = event;
  if (CACHE_CHANNEL.test(channel)) {
    app.cache.set(channel, { name: event.name, data: event.data, expiresAt: Date.now() + state.settings.cacheTtlMs });
  }
  const members = app.channels.get(channel);
  if (!members) return 0;
  let payload: Buffer | undefined;
  let count = 0;
  const sendOne = (socket: PusherSocket): void => {
    if (socket.socketId === exceptSocketId) return;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      state.settings.log(`realtime: terminating slow consumer ${socket.socketId}`);
      socket.terminate();
      return;
    }
    payload ??= Buffer.from(frame(event.name, event.data, channel), "utf8");
    socket.send(payload, { binary: false });
    count++;
  };
  if (members instanceof Set) for (const socket of members) sendOne(socket);
  else sendOne(members);
  state.eventsDelivered += count;
  return count;
}

/** Drops `app`'s cached events that expired by `now` (`Date.now()` ms). */
export function sweepExpiredCache(app: AppState, now: number): void {
  for (const [channel, cached] of app.cache) if (cached.expiresAt <= now) app.cache.delete(channel);
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

/**
 * Removes a closed socket from every channel it was on (presence: `member_removed` to the others when the
 * user's last socket leaves).
 */
export function leaveAllChannels(socket: PusherSocket, app: AppState): void {
  const channels = socket.channels;
  socket.channels = null;
  if (typeof channels === "string") removeFromChannel(socket, app, channels);
  else if (channels) for (const channel of channels) removeFromChannel(socket, app, channel);
  socket.presenceIds = null;
}

/**
 * Handles `pusher:subscribe` (`data` as the client sent it: an object or its JSON text). Answers
 * `pusher_internal:subscription_succeeded`, or `pusher:subscription_error` on a named channel (nothing is
 * subscribed), or `pusher:error` 4300 when the frame names no channel.
 */
export function subscribe(socket: PusherSocket, app: AppState, rawData: unknown): void {
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

/**
 * Handles `pusher:unsubscribe` (`data` an object or its JSON text). Not subscribed: nothing happens (Pusher
 * sends no reply); a malformed frame gets `pusher:error` 4300.
 */
export function unsubscribe(socket: PusherSocket, app: AppState, rawData: unknown): void {
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
