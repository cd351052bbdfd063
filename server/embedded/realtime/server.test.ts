/**
 * The embedded Pusher-protocol server (docs/protocols.md) driven by the real `pusher` (HTTP API) and
 * `pusher-js` (WebSocket) packages, plus raw `ws` sockets and hand-built HTTP requests for the
 * protocol edges the libraries never produce. Every wait is on an event or a condition, never a sleep.
 */
import { createHash, createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type PusherClient from "pusher-js";
import { type Channel, type PresenceChannel } from "pusher-js";
import Pusher from "pusher";
import { WebSocket } from "ws";
import { pusherClient, waitUntil as waitFor } from "../../../test/pusher";
import { startRealtimeServer, type RealtimeServer } from "./server";

const APP = { id: "1001", key: "test-key", secret: "test-secret" };
const OTHER_APP = { id: "2002", key: "other-key", secret: "other-secret" };
const WAIT_MS = 5000;

let server: RealtimeServer;
let api: Pusher;
const cleanups: Array<() => void | Promise<void>> = [];

beforeAll(async () => {
  server = await startRealtimeServer({ apps: [APP, OTHER_APP] });
  api = new Pusher({ appId: APP.id, key: APP.key, secret: APP.secret, host: "127.0.0.1", port: String(server.port) });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  // Every test leaves the server without connections.
  await waitUntil(() => server.stats().connections === 0, "all connections closed");
});

afterAll(async () => {
  await server.close();
});

// ----- helpers --------------------------------------------------------------------------------------

function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const waitUntil = (condition: () => boolean | Promise<boolean>, what: string, ms = WAIT_MS) => waitFor(condition, what, ms);

type Authorizer = (socketId: string, channelName: string) => { auth: string; channel_data?: string };

/** A pusher-js client configured for the embedded server (the configuration the browser uses too). */
function newClient(opts: { port?: number; key?: string; authorize?: Authorizer } = {}): PusherClient {
  const authorize: Authorizer =
    opts.authorize ?? ((socketId, channelName) => api.authorizeChannel(socketId, channelName));
  const client = pusherClient({ key: opts.key ?? APP.key, port: opts.port ?? server.port, authorize });
  cleanups.push(() => client.disconnect());
  return client;
}

function connected(client: PusherClient): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve) => {
      if (client.connection.state === "connected") return resolve(client.connection.socket_id);
      client.connection.bind("connected", () => resolve(client.connection.socket_id));
    }),
    "pusher-js connected",
  );
}

async function connect(opts?: Parameters<typeof newClient>[0]): Promise<{ client: PusherClient; socketId: string }> {
  const client = newClient(opts);
  const socketId = await connected(client);
  return { client, socketId };
}

function subscribed<T extends Channel>(channel: T): Promise<unknown> {
  return withTimeout(
    new Promise((resolve, reject) => {
      channel.bind("pusher:subscription_succeeded", resolve);
      channel.bind("pusher:subscription_error", (err: unknown) =>
        reject(new Error(`subscription_error: ${JSON.stringify(err)}`)),
      );
    }),
    `subscription to ${channel.name}`,
  );
}

function nextEvent(channel: Channel, event: string): Promise<unknown> {
  return withTimeout(
    new Promise((resolve) => {
      const handler = (data: unknown) => {
        channel.unbind(event, handler);
        resolve(data);
      };
      channel.bind(event, handler);
    }),
    `${event} on ${channel.name}`,
  );
}

/** Records every event of `name` on the channel. */
function record(channel: Channel, name: string): unknown[] {
  const seen: unknown[] = [];
  channel.bind(name, (data: unknown) => seen.push(data));
  return seen;
}

interface Frame {
  event: string;
  channel?: string;
  data: unknown;
  rawData: unknown;
}

/** A raw `ws` client that keeps every frame and lets tests wait for one. */
class RawClient {
  readonly frames: Frame[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (raw) => {
      const parsed = JSON.parse(raw.toString()) as { event: string; channel?: string; data: unknown };
      let data = parsed.data;
      if (typeof data === "string") {
        try {
          data = JSON.parse(data) as unknown;
        } catch {
          /* plain string data */
        }
      }
      this.frames.push({ event: parsed.event, channel: parsed.channel, data, rawData: parsed.data });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on("error", () => {});
    cleanups.push(() => ws.terminate());
  }

  static open(path: string, port = server.port): RawClient {
    return new RawClient(new WebSocket(`ws://127.0.0.1:${port}${path}`));
  }

  send(value: unknown): void {
    this.ws.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  /** The first frame (from the start) matching `predicate`, waiting for it if needed. */
  async waitFor(predicate: (f: Frame) => boolean, what: string): Promise<Frame> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await withTimeout(new Promise<void>((resolve) => this.waiters.push(resolve)), what, remaining).catch(() => {});
    }
  }

  countOf(predicate: (f: Frame) => boolean): number {
    return this.frames.filter(predicate).length;
  }
}

async function rawConnected(path = `/app/${APP.key}?protocol=7&client=js&version=8.6.0`): Promise<{ raw: RawClient; socketId: string }> {
  const raw = RawClient.open(path);
  const established = await raw.waitFor((f) => f.event === "pusher:connection_established", "connection_established");
  const socketId = (established.data as { socket_id: string }).socket_id;
  return { raw, socketId };
}

/** Builds a signed HTTP API URL by hand (independently of the server's code), with overrides. */
function signedUrl(o: {
  method: "GET" | "POST";
  path: string;
  body?: string;
  params?: Record<string, string>;
  appId?: string;
  key?: string;
  secret?: string;
  timestamp?: number;
  bodyMd5?: string;
  signature?: string;
}): string {
  const path = `/apps/${o.appId ?? APP.id}${o.path}`;
  const params: Record<string, string> = {
    auth_key: o.key ?? APP.key,
    auth_timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: "1.0",
    ...(o.body !== undefined ? { body_md5: o.bodyMd5 ?? createHash("md5").update(o.body).digest("hex") } : {}),
    ...o.params,
  };
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  const signature =
    o.signature ?? createHmac("sha256", o.secret ?? APP.secret).update(`${o.method}\n${path}\n${query}`).digest("hex");
  return `${server.url}${path}?${query}&auth_signature=${signature}`;
}

async function call(
  o: Parameters<typeof signedUrl>[0],
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(signedUrl(o), {
    method: o.method,
    ...(o.body !== undefined ? { body: o.body, headers: { "content-type": "application/json" } } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, text };
}

async function channelInfo(name: string, info = "subscription_count"): Promise<Record<string, unknown>> {
  const res = await api.get({ path: `/channels/${name}`, params: { info } });
  return (await res.json()) as Record<string, unknown>;
}

// ----- WebSocket protocol ---------------------------------------------------------------------------

describe("WebSocket connection", () => {
  it("sends connection_established with a socket id and activity timeout (raw frame and pusher-js)", async () => {
    const { raw } = await rawConnected();
    const frame = raw.frames[0];
    expect(frame?.event).toBe("pusher:connection_established");
    expect(typeof frame?.rawData).toBe("string"); // data is a JSON-encoded string
    expect(frame?.data).toEqual({ socket_id: expect.stringMatching(/^\d+\.\d+$/), activity_timeout: 120 });

    const { client, socketId } = await connect();
    expect(socketId).toMatch(/^\d+\.\d+$/);
    expect(client.connection.state).toBe("connected");
    expect(server.stats().connections).toBe(2);
  });

  it("answers pusher:ping with pusher:pong", async () => {
    const { raw } = await rawConnected();
    raw.send({ event: "pusher:ping", data: {} });
    await raw.waitFor((f) => f.event === "pusher:pong", "pong");
  });

  it("refuses an unknown app key with pusher:error 4001 and a close (raw and pusher-js)", async () => {
    const raw = RawClient.open("/app/no-such-key?protocol=7&client=js&version=8.6.0");
    const error = await raw.waitFor((f) => f.event === "pusher:error", "pusher:error");
    expect(error.data).toMatchObject({ code: 4001 });
    expect((await withTimeout(raw.closed, "close")).code).toBe(4001);

    const client = newClient({ key: "no-such-key" });
    const seen = await withTimeout(
      new Promise<unknown>((resolve) => client.connection.bind("error", resolve)),
      "pusher-js error",
    );
    expect(JSON.stringify(seen)).toContain("4001");
    await waitUntil(() => client.connection.state === "disconnected", "pusher-js gives up (4000-4099: no reconnect)");
    expect(server.stats().connections).toBe(0);
  });

  it("refuses protocol versions other than 7 (4007) and a missing version (4008)", async () => {
    const old = RawClient.open(`/app/${APP.key}?protocol=6`);
    expect((await old.waitFor((f) => f.event === "pusher:error", "error")).data).toMatchObject({ code: 4007 });
    expect((await withTimeout(old.closed, "close")).code).toBe(4007);
    const none = RawClient.open(`/app/${APP.key}`);
    expect((await none.waitFor((f) => f.event === "pusher:error", "error")).data).toMatchObject({ code: 4008 });
    expect((await withTimeout(none.closed, "close")).code).toBe(4008);
  });

  it("answers malformed frames with pusher:error and keeps the connection", async () => {
    const { raw } = await rawConnected();
    raw.send("this is not json");
    raw.send({ no: "event" });
    raw.send({ event: "pusher:subscribe", data: 42 });
    raw.send({ event: "pusher:subscribe", data: "{broken" });
    raw.send({ event: "pusher:unsubscribe", data: { channel: 7 } });
    raw.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    raw.send({ event: "something:else", data: {} });
    await raw.waitFor(() => raw.countOf((f) => f.event === "pusher:error") >= 7, "seven errors");
    for (const f of raw.frames.filter((x) => x.event === "pusher:error")) {
      expect(f.data).toMatchObject({ code: 4300, message: expect.any(String) });
    }
    raw.send({ event: "pusher:ping", data: {} });
    await raw.waitFor((f) => f.event === "pusher:pong", "pong after errors");
  });

  it("refuses client events with pusher:error 4301 (raw and pusher-js)", async () => {
    const { raw } = await rawConnected();
    raw.send({ event: "pusher:subscribe", data: { channel: "room" } });
    await raw.waitFor((f) => f.event === "pusher_internal:subscription_succeeded", "subscribed");
    raw.send({ event: "client-typing", channel: "room", data: { x: 1 } });
    const error = await raw.waitFor((f) => f.event === "pusher:error", "client event refusal");
    expect(error.data).toMatchObject({ code: 4301 });

    const { client } = await connect();
    const channel = client.subscribe("private-chat");
    await subscribed(channel);
    const refusal = withTimeout(
      new Promise<unknown>((resolve) => client.connection.bind("error", resolve)),
      "pusher-js error for client event",
    );
    channel.trigger("client-hello", { hi: true });
    expect(JSON.stringify(await refusal)).toContain("4301");
    expect(client.connection.state).toBe("connected");
  });

  it("refuses invalid names and pusher:signin by name", async () => {
    const { raw } = await rawConnected();
    raw.send({ event: "pusher:subscribe", data: { channel: "bad channel!" } });
    raw.send({ event: "pusher:subscribe", data: { channel: "x".repeat(201) } });
    raw.send({ event: "pusher:signin", data: { auth: "a", user_data: "{}" } });
    await raw.waitFor(() => raw.countOf((f) => f.event === "pusher:subscription_error") === 2, "two refusals");
    expect((await raw.waitFor((f) => f.event === "pusher:error", "signin refusal")).data).toMatchObject({ code: 4300 });
    expect(server.stats().channels).toBe(0);
  });

  it("caps subscriptions at 100 channels per connection and removes them all on close", async () => {
    const { raw } = await rawConnected();
    for (let i = 0; i <= 100; i++) raw.send({ event: "pusher:subscribe", data: { channel: `cap-${i}` } });
    await raw.waitFor(() => raw.countOf((f) => f.event.includes("subscription_")) === 101, "101 answers");
    expect(raw.countOf((f) => f.event === "pusher_internal:subscription_succeeded")).toBe(100);
    expect(raw.frames.find((f) => f.event === "pusher:subscription_error")?.channel).toBe("cap-100");
    expect(server.stats().channels).toBe(100);
    raw.ws.close();
    await waitUntil(() => server.stats().channels === 0, "channels removed");
  });
});

describe("subscriptions", () => {
  it("public channel: subscribe, receive a triggered event, unsubscribe removes the channel", async () => {
    const { client } = await connect();
    const channel = client.subscribe("news");
    await subscribed(channel);
    expect(await channelInfo("news")).toEqual({ occupied: true, subscription_count: 1 });

    const received = nextEvent(channel, "notification.new");
    const res = await api.trigger("news", "notification.new", { id: "n1", title: "Hello" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await received).toEqual({ id: "n1", title: "Hello" });

    client.unsubscribe("news");
    await waitUntil(async () => (await channelInfo("news")).occupied === false, "channel emptied");
    expect(server.stats().channels).toBe(0);
  });

  it("a channel going from one subscriber to three and back delivers to exactly its subscribers at each step", async () => {
    // A lone subscriber is kept without a Set (memory per connection); the second makes one, the last leaves none.
    const sockets = await Promise.all([rawConnected(), rawConnected(), rawConnected()]);
    const subscribe = async (i: number) => {
      sockets[i]!.raw.send({ event: "pusher:subscribe", data: { channel: "shared" } });
      await sockets[i]!.raw.waitFor((f) => f.event === "pusher_internal:subscription_succeeded" && f.channel === "shared", `socket ${i} subscribed`);
    };
    let round = 0;
    const deliveredTo = async (expected: number[]) => {
      const id = `r${++round}`;
      await api.trigger("shared", "tick", { id });
      const got = (i: number) => sockets[i]!.raw.countOf((f) => f.event === "tick" && (f.data as { id?: string }).id === id);
      await waitUntil(async () => expected.every((i) => got(i) === 1), `round ${id} delivered`);
      // Give a wrong delivery time to show up before asserting nobody else got it.
      await new Promise((r) => setTimeout(r, 50));
      expect([0, 1, 2].map(got)).toEqual([0, 1, 2].map((i) => (expected.includes(i) ? 1 : 0)));
      expect(await channelInfo("shared")).toEqual({ occupied: expected.length > 0, subscription_count: expected.length });
    };
    await subscribe(0);
    await deliveredTo([0]);
    await subscribe(1);
    await subscribe(2);
    await deliveredTo([0, 1, 2]);
    sockets[0]!.raw.send({ event: "pusher:unsubscribe", data: { channel: "shared" } });
    await waitUntil(async () => (await channelInfo("shared")).subscription_count === 2, "socket 0 left");
    await deliveredTo([1, 2]);
    sockets[2]!.raw.ws.close();
    await waitUntil(async () => (await channelInfo("shared")).subscription_count === 1, "socket 2 closed");
    await deliveredTo([1]);
    await subscribe(0);
    await deliveredTo([0, 1]);
    sockets[1]!.raw.ws.close();
    sockets[0]!.raw.ws.close();
    await waitUntil(async () => (await channelInfo("shared")).occupied === false, "channel emptied");
  });

  it("private channel: a proper signature is accepted and events arrive", async () => {
    const { client } = await connect();
    const channel = client.subscribe("private-user-7");
    await subscribed(channel);
    const received = nextEvent(channel, "notification.read");
    await api.trigger("private-user-7", "notification.read", { id: "n2" });
    expect(await received).toEqual({ id: "n2" });
  });

  it("private channel: a wrong signature, another socket's signature or another key is refused", async () => {
    const wrongSecret = new Pusher({ appId: APP.id, key: APP.key, secret: "not-the-secret", host: "localhost" });
    const { client } = await connect({ authorize: (s, c) => wrongSecret.authorizeChannel(s, c) });
    const channel = client.subscribe("private-user-8");
    const error = await withTimeout(
      new Promise<unknown>((resolve) => channel.bind("pusher:subscription_error", resolve)),
      "subscription_error",
    );
    expect(error).toMatchObject({ type: "AuthError", status: 401 });
    expect(await channelInfo("private-user-8")).toEqual({ occupied: false, subscription_count: 0 });

    // Signed for a different socket id, or by another app's key: also refused.
    const { raw, socketId } = await rawConnected();
    const otherSocket = api.authorizeChannel("1234.5678", "private-user-9").auth;
    raw.send({ event: "pusher:subscribe", data: { channel: "private-user-9", auth: otherSocket } });
    const otherKey = `${OTHER_APP.key}:${createHmac("sha256", OTHER_APP.secret).update(`${socketId}:private-user-9`).digest("hex")}`;
    raw.send({ event: "pusher:subscribe", data: { channel: "private-user-9", auth: otherKey } });
    raw.send({ event: "pusher:subscribe", data: { channel: "private-user-9" } });
    await raw.waitFor(() => raw.countOf((f) => f.event === "pusher:subscription_error") === 3, "three refusals");
    expect(raw.countOf((f) => f.event === "pusher_internal:subscription_succeeded")).toBe(0);
    expect(await channelInfo("private-user-9")).toEqual({ occupied: false, subscription_count: 0 });
  });

  it("presence channel: member list, member_added, a user counted once across sockets, member_removed", async () => {
    const presenceAuth =
      (userId: string, name: string): Authorizer =>
      (socketId, channelName) =>
        api.authorizeChannel(socketId, channelName, { user_id: userId, user_info: { name } });

    const a = newClient({ authorize: presenceAuth("u1", "Ada") });
    const roomA = a.subscribe("presence-room") as PresenceChannel;
    await subscribed(roomA);
    expect(roomA.members.count).toBe(1);
    expect(roomA.members.me).toEqual({ id: "u1", info: { name: "Ada" } });
    const added = record(roomA, "pusher:member_added");
    const removed = record(roomA, "pusher:member_removed");

    const b = newClient({ authorize: presenceAuth("u2", "Bo") });
    const roomB = b.subscribe("presence-room") as PresenceChannel;
    await subscribed(roomB);
    expect(roomB.members.count).toBe(2);
    expect(roomB.members.get("u1")).toEqual({ id: "u1", info: { name: "Ada" } });
    await waitUntil(() => added.length === 1, "member_added on A");
    expect(added[0]).toEqual({ id: "u2", info: { name: "Bo" } });

    // The same user on a second socket: still two members.
    const c = newClient({ authorize: presenceAuth("u2", "Bo") });
    const roomC = c.subscribe("presence-room") as PresenceChannel;
    await subscribed(roomC);
    expect(roomC.members.count).toBe(2);
    expect(await channelInfo("presence-room", "user_count,subscription_count")).toEqual({
      occupied: true,
      user_count: 2,
      subscription_count: 3,
    });
    const users = (await (await api.get({ path: "/channels/presence-room/users" })).json()) as {
      users: Array<{ id: string }>;
    };
    expect(users.users.map((u) => u.id).sort()).toEqual(["u1", "u2"]);
    const list = (await (
      await api.get({ path: "/channels", params: { filter_by_prefix: "presence-", info: "user_count" } })
    ).json()) as unknown;
    expect(list).toEqual({ channels: { "presence-room": { user_count: 2 } } });

    // u2 leaves one socket: no member_removed; leaves the last one: member_removed once.
    b.disconnect();
    await waitUntil(
      async () => (await channelInfo("presence-room")).subscription_count === 2,
      "B's subscription gone",
    );
    c.disconnect();
    await waitUntil(() => removed.length === 1, "member_removed on A");
    expect(removed).toEqual([{ id: "u2", info: { name: "Bo" } }]);
    expect(added).toHaveLength(1);
    expect(roomA.members.count).toBe(1);
  });

  it('private channel: an auth answer with "channel_data": null subscribes (pusher-js relays the null)', async () => {
    const { client } = await connect({
      authorize: (socketId, channelName) => ({ ...api.authorizeChannel(socketId, channelName), channel_data: null as unknown as string }),
    });
    const channel = client.subscribe("private-nullable");
    await subscribed(channel);
    const got = nextEvent(channel, "note");
    await api.trigger("private-nullable", "note", { ok: 1 });
    expect(await got).toEqual({ ok: 1 });
  });

  it("a malformed subscribe that names a channel is refused on that channel, not with a bare pusher:error", async () => {
    const { raw } = await rawConnected();
    raw.send({ event: "pusher:subscribe", data: { channel: "private-typed", auth: 42 } });
    const refusal = await raw.waitFor((f) => f.event === "pusher:subscription_error", "subscription_error");
    expect(refusal.channel).toBe("private-typed");
    expect(refusal.data).toMatchObject({ type: "AuthError", status: 400 });
    // Without a channel name there is no channel to answer on.
    raw.send({ event: "pusher:subscribe", data: { auth: "x" } });
    expect((await raw.waitFor((f) => f.event === "pusher:error", "pusher:error")).data).toMatchObject({ code: 4300 });
    expect(raw.countOf((f) => f.event === "pusher:error")).toBe(1);
    expect(server.stats().channels).toBe(0);
  });

  it("presence channel: a numeric user_id stays a number in the member list, member events and the users API", async () => {
    const as = (userId: string | number): Authorizer => (socketId, channelName) =>
      api.authorizeChannel(socketId, channelName, { user_id: userId as string, user_info: { n: userId } });
    const a = newClient({ authorize: as(42) });
    const roomA = a.subscribe("presence-numbers") as PresenceChannel;
    await subscribed(roomA);
    expect(roomA.members.me).toEqual({ id: 42, info: { n: 42 } });
    const added = record(roomA, "pusher:member_added");
    const removed = record(roomA, "pusher:member_removed");
    const b = newClient({ authorize: as("7") });
    const roomB = b.subscribe("presence-numbers") as PresenceChannel;
    await subscribed(roomB);
    // On the wire (pusher-js's member list keys every id by its string form).
    const { raw, socketId } = await rawConnected();
    const nine = JSON.stringify({ user_id: 9 });
    raw.send({ event: "pusher:subscribe", data: { channel: "presence-numbers", ...api.authorizeChannel(socketId, "presence-numbers", { user_id: 9 as unknown as string }), channel_data: nine } });
    const snapshot = await raw.waitFor((f) => f.event === "pusher_internal:subscription_succeeded", "raw subscribed");
    expect(snapshot.data).toEqual({ presence: { ids: [42, "7", 9], hash: { "42": { n: 42 }, "7": { n: "7" }, "9": null }, count: 3 } });
    raw.ws.close();
    await waitUntil(() => added.length === 2 && removed.length === 1, "member_added ×2 and member_removed on A");
    expect(added).toEqual([{ id: "7", info: { n: "7" } }, { id: 9, info: null }]);
    expect(removed).toEqual([{ id: 9, info: null }]);
    const users = (await (await api.get({ path: "/channels/presence-numbers/users" })).json()) as { users: Array<{ id: unknown }> };
    expect(users.users.map((u) => u.id)).toEqual([42, "7"]);
    const removedFromB = record(roomB, "pusher:member_removed");
    a.disconnect();
    await waitUntil(() => removedFromB.length === 1, "member_removed on B");
    expect(removedFromB[0]).toEqual({ id: 42, info: { n: 42 } });
  });

  it("presence channel: channel_data must be signed and carry a user_id", async () => {
    const { raw, socketId } = await rawConnected();
    const sign = (payload: string) => `${APP.key}:${createHmac("sha256", APP.secret).update(payload).digest("hex")}`;
    const noUser = JSON.stringify({ user_info: {} });
    raw.send({
      event: "pusher:subscribe",
      data: { channel: "presence-x", auth: sign(`${socketId}:presence-x:${noUser}`), channel_data: noUser },
    });
    const good = JSON.stringify({ user_id: "u9" });
    raw.send({
      event: "pusher:subscribe",
      // Signed without channel_data: refused.
      data: { channel: "presence-x", auth: sign(`${socketId}:presence-x`), channel_data: good },
    });
    await raw.waitFor(() => raw.countOf((f) => f.event === "pusher:subscription_error") === 2, "two refusals");
    raw.send({
      event: "pusher:subscribe",
      data: { channel: "presence-x", auth: sign(`${socketId}:presence-x:${good}`), channel_data: good },
    });
    const ok = await raw.waitFor((f) => f.event === "pusher_internal:subscription_succeeded", "subscribed");
    expect(ok.data).toEqual({ presence: { ids: ["u9"], hash: { u9: null }, count: 1 } });
  });
});

describe("cache channels", () => {
  it("a new subscriber gets the last event first; with nothing cached, pusher:cache_miss", async () => {
    const { client } = await connect();
    const early = client.subscribe("cache-prices");
    const miss = nextEvent(early, "pusher:cache_miss");
    const live = record(early, "price");
    await subscribed(early);
    await miss;

    await api.trigger("cache-prices", "price", { eur: 1 });
    await api.trigger("cache-prices", "price", { eur: 2 });
    const { client: late } = await connect();
    const channel = late.subscribe("cache-prices");
    const misses = record(channel, "pusher:cache_miss");
    const first = nextEvent(channel, "price");
    await subscribed(channel);
    expect(await first).toEqual({ eur: 2 });
    expect(misses).toEqual([]);
    // The subscriber already there got each event once, live, and nothing again.
    expect(live).toEqual([{ eur: 1 }, { eur: 2 }]);
  });

  it("private cache channels need a valid signature; the cached event follows the subscription", async () => {
    await api.trigger("private-cache-balance", "balance", { cents: 700 });
    const { raw, socketId } = await rawConnected();
    raw.send({ event: "pusher:subscribe", data: { channel: "private-cache-balance", auth: `${APP.key}:${"0".repeat(64)}` } });
    const refusal = await raw.waitFor((f) => f.event === "pusher:subscription_error", "refusal");
    expect(refusal.channel).toBe("private-cache-balance");
    expect(raw.countOf((f) => f.event === "balance")).toBe(0);
    raw.send({ event: "pusher:subscribe", data: { channel: "private-cache-balance", ...api.authorizeChannel(socketId, "private-cache-balance") } });
    await raw.waitFor((f) => f.event === "balance", "cached event");
    const events = raw.frames.filter((f) => f.channel === "private-cache-balance").map((f) => f.event);
    expect(events).toEqual(["pusher:subscription_error", "pusher_internal:subscription_succeeded", "balance"]);
    expect(raw.frames.find((f) => f.event === "balance")?.data).toEqual({ cents: 700 });
  });

  it("forgets the cached event after cacheTtlSec", async () => {
    const short = await startRealtimeServer({ apps: [APP], cacheTtlSec: 0.3, activityTimeoutSec: 0.3, pongTimeoutSec: 5 });
    cleanups.push(() => short.close());
    const shortApi = new Pusher({ appId: APP.id, key: APP.key, secret: APP.secret, host: "127.0.0.1", port: String(short.port) });
    await shortApi.trigger("cache-weather", "now", { sky: "clear" });
    const { client: a } = await connect({ port: short.port });
    const fresh = a.subscribe("cache-weather");
    const got = nextEvent(fresh, "now");
    await subscribed(fresh);
    expect(await got).toEqual({ sky: "clear" });
    await new Promise((r) => setTimeout(r, 400));
    const { client: b } = await connect({ port: short.port });
    const stale = b.subscribe("cache-weather");
    const miss = nextEvent(stale, "pusher:cache_miss");
    const seen = record(stale, "now");
    await subscribed(stale);
    await miss;
    expect(seen).toEqual([]);
  });
});

describe("HTTP API: events", () => {
  it("triggers to several channels at once", async () => {
    const { client: one } = await connect();
    const { client: two } = await connect();
    const a = one.subscribe("alpha");
    const b = two.subscribe("beta");
    await Promise.all([subscribed(a), subscribed(b)]);
    const gotA = nextEvent(a, "campaign.progress");
    const gotB = nextEvent(b, "campaign.progress");
    const res = await api.trigger(["alpha", "beta", "gamma"], "campaign.progress", { sent: 5 });
    expect(res.status).toBe(200);
    expect(await gotA).toEqual({ sent: 5 });
    expect(await gotB).toEqual({ sent: 5 });
  });

  it("batch trigger delivers each event to its channel", async () => {
    const { client } = await connect();
    const channels = ["private-user-b1", "private-user-b2", "private-user-b3"].map((name) => client.subscribe(name));
    await Promise.all(channels.map((c) => subscribed(c)));
    const received = channels.map((c) => nextEvent(c, "notification.new"));
    const accepted = server.stats().eventsAccepted;
    const res = await api.triggerBatch(
      channels.map((c, i) => ({ channel: c.name, name: "notification.new", data: { n: i } })),
    );
    expect(res.status).toBe(200);
    expect(await Promise.all(received)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    // Counted once per channel, subscribed or not: a trigger to two channels nobody listens on counts two.
    expect(server.stats().eventsAccepted).toBe(accepted + 3);
    await api.trigger(["private-user-nobody-1", "private-user-nobody-2"], "notification.new", {});
    expect(server.stats().eventsAccepted).toBe(accepted + 5);
  });

  it("socket_id excludes that connection (trigger and batch)", async () => {
    const { client: sender, socketId: senderId } = await connect();
    const { client: other } = await connect();
    const mine = sender.subscribe("room-1");
    const theirs = other.subscribe("room-1");
    await Promise.all([subscribed(mine), subscribed(theirs)]);
    const seenBySender = record(mine, "note");
    const seenByOther = record(theirs, "note");

    await api.trigger("room-1", "note", { n: 1 }, { socket_id: senderId });
    await api.triggerBatch([{ channel: "room-1", name: "note", data: { n: 2 }, socket_id: senderId }]);
    await api.trigger("room-1", "note", { n: 3 });
    // Frames on one socket arrive in order: once the sender sees n=3, it would have seen n=1 and n=2.
    await waitUntil(() => seenBySender.length === 1 && seenByOther.length === 3, "deliveries");
    expect(seenBySender).toEqual([{ n: 3 }]);
    expect(seenByOther).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("answers info attributes and channel introspection", async () => {
    const { client } = await connect();
    await subscribed(client.subscribe("stats-1"));
    const res = await api.trigger(["stats-1", "stats-2"], "e", "x", { info: "subscription_count" });
    expect(await res.json()).toEqual({
      channels: { "stats-1": { subscription_count: 1 }, "stats-2": { subscription_count: 0 } },
    });
    const list = (await (await api.get({ path: "/channels", params: { filter_by_prefix: "stats-" } })).json()) as unknown;
    expect(list).toEqual({ channels: { "stats-1": {} } });
    expect(await channelInfo("stats-2")).toEqual({ occupied: false, subscription_count: 0 });
    await expect(api.get({ path: "/channels/stats-1", params: { info: "user_count" } })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("refuses event data over 10 KB with 413 and delivers nothing", async () => {
    const { client } = await connect();
    const channel = client.subscribe("big");
    await subscribed(channel);
    const seen = record(channel, "huge");
    await expect(api.trigger("big", "huge", "x".repeat(10 * 1024 + 1))).rejects.toMatchObject({ status: 413 });
    await expect(
      api.triggerBatch([
        { channel: "big", name: "huge", data: "small" },
        { channel: "big", name: "huge", data: "y".repeat(11_000) },
      ]),
    ).rejects.toMatchObject({ status: 413 });
    // Exactly 10 KB passes; since frames arrive in order, seeing it proves nothing earlier was delivered.
    await api.trigger("big", "huge", "z".repeat(10 * 1024));
    await waitUntil(() => seen.length === 1, "the 10 KB event");
    expect(seen[0]).toBe("z".repeat(10 * 1024));
  });

  it("counts delivered events in stats()", async () => {
    const before = server.stats().eventsDelivered;
    const { client } = await connect();
    const channel = client.subscribe("counted");
    await subscribed(channel);
    const got = nextEvent(channel, "tick");
    await api.trigger("counted", "tick", {});
    await got;
    expect(server.stats().eventsDelivered).toBe(before + 1);
    expect(server.stats().channels).toBe(1);
  });
});

describe("HTTP API: authentication and validation (hand-built requests)", () => {
  const body = JSON.stringify({ name: "e", data: "{}", channels: ["c1"] });

  it("accepts a correctly signed hand-built request", async () => {
    const res = await call({ method: "POST", path: "/events", body });
    expect(res).toMatchObject({ status: 200, json: {} });
  });

  it("refuses a bad or missing signature with 401", async () => {
    expect((await call({ method: "POST", path: "/events", body, secret: "wrong" })).status).toBe(401);
    expect((await call({ method: "POST", path: "/events", body, signature: "" })).status).toBe(401);
    expect((await call({ method: "POST", path: "/events", body, signature: "zz" })).status).toBe(401);
    const unsigned = await fetch(`${server.url}/apps/${APP.id}/events`, { method: "POST", body });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: expect.any(String) });
  });

  it("refuses a timestamp more than 600 s off with 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = await call({ method: "POST", path: "/events", body, timestamp: now - 601 });
    expect(stale.status).toBe(401);
    expect(stale.json.error).toMatch(/timestamp/i);
    expect((await call({ method: "POST", path: "/events", body, timestamp: now + 601 })).status).toBe(401);
    expect((await call({ method: "POST", path: "/events", body, timestamp: now - 590 })).status).toBe(200);
  });

  it("refuses a body_md5 that does not match the body with 401", async () => {
    const res = await call({ method: "POST", path: "/events", body, bodyMd5: createHash("md5").update("other").digest("hex") });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatch(/body_md5/);
  });

  it("answers 404 for an unknown app and 401 for an unknown key", async () => {
    const unknownApp = await call({ method: "POST", path: "/events", body, appId: "9999" });
    expect(unknownApp).toMatchObject({ status: 404, json: { error: expect.any(String) } });
    const wrongKey = await call({ method: "POST", path: "/events", body, key: "nope" });
    expect(wrongKey.status).toBe(401);
    // Another app's valid credentials do not open this app.
    const crossApp = await call({ method: "POST", path: "/events", body, key: OTHER_APP.key, secret: OTHER_APP.secret });
    expect(crossApp.status).toBe(401);
  });

  it("refuses bad JSON, invalid channel names, too many channels and too large batches with 400", async () => {
    const bad = [
      "{not json",
      JSON.stringify({ name: "e", data: "{}", channels: ["bad name"] }),
      JSON.stringify({ name: "e", data: "{}", channels: [`private-user-1:x`] }),
      JSON.stringify({ name: "e", data: "{}", channels: ["x".repeat(201)] }),
      JSON.stringify({ name: "e", data: "{}", channels: Array.from({ length: 101 }, (_, i) => `c${i}`) }),
      JSON.stringify({ name: "e", data: { not: "a string" }, channel: "c1" }),
      JSON.stringify({ name: "e", data: "{}" }),
      JSON.stringify({ name: "e", data: "{}", channel: "c1", extra: true }),
      JSON.stringify({ name: "pusher:fake", data: "{}", channel: "c1" }),
      JSON.stringify({ name: "e", data: "{}", channel: "c1", socket_id: "1.1:x" }),
    ];
    for (const b of bad) {
      const res = await call({ method: "POST", path: "/events", body: b });
      expect(res.status, b.slice(0, 60)).toBe(400);
      expect(res.json).toEqual({ error: expect.any(String) });
      expect(res.text).not.toMatch(/at .*\.ts|node:internal/); // no stack traces
    }
    const tooMany = JSON.stringify({
      batch: Array.from({ length: 11 }, (_, i) => ({ channel: `c${i}`, name: "e", data: "{}" })),
    });
    expect((await call({ method: "POST", path: "/batch_events", body: tooMany })).status).toBe(400);
    expect((await call({ method: "POST", path: "/batch_events", body: "[]" })).status).toBe(400);
  });

  it("refuses a request body over the limit with 413", async () => {
    const huge = JSON.stringify({ name: "e", data: "x".repeat(300 * 1024), channel: "c1" });
    const res = await call({ method: "POST", path: "/events", body: huge });
    expect(res.status).toBe(413);
  });

  it("answers unknown endpoints and wrong methods with JSON errors", async () => {
    expect((await call({ method: "GET", path: "/events" })).status).toBe(405);
    expect((await call({ method: "GET", path: "/nothing-here" })).status).toBe(404);
    expect((await call({ method: "GET", path: "/channels/not-presence/users" })).status).toBe(400);
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(404);
    expect(await root.json()).toEqual({ error: "Not found" });
  });
});

describe("liveness and reconnection", () => {
  it("a client that reconnects gets a new socket id and resubscribes", async () => {
    const authorized: string[] = [];
    const { client, socketId: first } = await connect({
      authorize: (s, c) => {
        authorized.push(s);
        return api.authorizeChannel(s, c);
      },
    });
    const channel = client.subscribe("private-user-r1");
    await subscribed(channel);

    client.disconnect();
    await waitUntil(() => server.stats().connections === 0, "server saw the disconnect");
    const resubscribed = subscribed(channel);
    client.connect();
    const second = await connected(client);
    await resubscribed;
    expect(second).toMatch(/^\d+\.\d+$/);
    expect(second).not.toBe(first);
    expect(authorized).toEqual([first, second]);

    const got = nextEvent(channel, "notification.new");
    await api.trigger("private-user-r1", "notification.new", { after: "reconnect" });
    expect(await got).toEqual({ after: "reconnect" });
  });

  it("after a server restart (close code 4100) pusher-js reconnects and resubscribes", async () => {
    const apps = [APP];
    const first = await startRealtimeServer({ apps });
    cleanups.push(() => first.close());
    const { client, socketId } = await connect({ port: first.port });
    const channel = client.subscribe("private-user-restart");
    await subscribed(channel);

    const resubscribed = subscribed(channel);
    await first.close();
    const second = await startRealtimeServer({ apps, port: first.port });
    cleanups.push(() => second.close());
    await resubscribed;
    expect(client.connection.socket_id).not.toBe(socketId);
    expect(second.stats()).toMatchObject({ connections: 1, channels: 1 });
    client.disconnect();
    await waitUntil(() => second.stats().connections === 0, "disconnect seen");
  });

  it("pings idle clients, keeps those that answer (pusher-js) and closes those that never do (4201)", async () => {
    const fast = await startRealtimeServer({ apps: [APP], activityTimeoutSec: 0.2, pongTimeoutSec: 0.3 });
    cleanups.push(() => fast.close());
    const { client, socketId } = await connect({ port: fast.port });
    const pingsSeen: unknown[] = [];
    client.connection.bind("message", (m: { event: string }) => {
      if (m.event === "pusher:ping") pingsSeen.push(m);
    });

    const silent = RawClient.open(`/app/${APP.key}?protocol=7`, fast.port);
    const established = await silent.waitFor((f) => f.event === "pusher:connection_established", "established");
    expect(established.data).toMatchObject({ activity_timeout: 1 });
    await silent.waitFor((f) => f.event === "pusher:ping", "server ping");
    expect((await withTimeout(silent.closed, "4201 close")).code).toBe(4201);

    await waitUntil(() => pingsSeen.length >= 1, "pusher-js pinged by the server");
    expect(client.connection.state).toBe("connected");
    expect(client.connection.socket_id).toBe(socketId);
    await waitUntil(() => fast.stats().connections === 1, "only the silent socket gone");
    client.disconnect();
    await waitUntil(() => fast.stats().connections === 0, "disconnect seen");
  });
});

describe("GET /metrics", () => {
  it("serves the counters in Prometheus's text format to the bearer of metricsToken; 401 otherwise, 404 without a token", async () => {
    const token = "realtime-metrics-token-0123456789abcdef";
    const watched = await startRealtimeServer({ apps: [APP], metricsToken: token });
    const ws = new WebSocket(`ws://127.0.0.1:${watched.port}/app/${APP.key}?protocol=7`);
    try {
      await new Promise((resolve, reject) => {
        ws.once("message", resolve);
        ws.once("error", reject);
      });
      const get = (auth?: string) => fetch(`http://127.0.0.1:${watched.port}/metrics`, auth ? { headers: { authorization: auth } } : {});
      expect((await get()).status).toBe(401);
      expect((await get("Bearer wrong")).status).toBe(401);
      const res = await get(`Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain("# TYPE herald_realtime_connections gauge\nherald_realtime_connections 1\n");
      expect(text).toContain("herald_realtime_events_delivered_total 0\n");
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(404); // no token configured
    } finally {
      ws.terminate();
      await watched.close();
    }
  });
});

describe("startRealtimeServer options", () => {
  it("rejects invalid configuration", async () => {
    await expect(startRealtimeServer({ apps: [] })).rejects.toThrow(/at least one app/);
    await expect(startRealtimeServer({ apps: [APP, { ...APP, id: "other" }] })).rejects.toThrow(/duplicate/);
    await expect(startRealtimeServer({ apps: [{ id: "1", key: "", secret: "s" }] })).rejects.toThrow(/non-empty/);
  });
});
