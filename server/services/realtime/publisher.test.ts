/**
 * The realtime publisher port (docs/architecture.md): the real `pusher` package against a Pusher-protocol
 * server, received by real `pusher-js` clients on Herald's private channels. One suite, two targets
 * (test/realtime-target.ts): the embedded server (`npm test`), and two soketi nodes sharing state through
 * Redis (`HERALD_TEST_REALTIME=soketi`, `.ci/run`'s scale-out lane), the API on one node and the clients on
 * the other.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type PusherClient from "pusher-js";
import { type Channel } from "pusher-js";
import Pusher from "pusher";
import { createRealtimePublisher, RealtimePublishError } from "./publisher";
import { businessChannel, userChannel } from "../../../lib/realtime";
import { heraldUserClient, waitUntil } from "../../../test/pusher";
import { realtimeTargetKind, startRealtimeTarget, type RealtimeTarget } from "../../../test/realtime-target";

const APP = { id: "4004", key: "pub-key", secret: "pub-secret" };

let target: RealtimeTarget;
const clients: PusherClient[] = [];

beforeAll(async () => {
  target = await startRealtimeTarget({ app: APP });
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const client of clients.splice(0)) client.disconnect();
});
afterAll(async () => {
  await target?.close();
});

function publisher(overrides: Partial<Parameters<typeof createRealtimePublisher>[0]> = {}) {
  return createRealtimePublisher({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: "127.0.0.1",
    port: target.apiPort,
    ...overrides,
  });
}

/** A user's browser: pusher-js subscribed to their own private channel through authorizeChannel. */
async function userClient(userId: string, on: RealtimeTarget = target): Promise<{ client: PusherClient; channel: Channel; events: unknown[] }> {
  const user = { id: userId, role: "CUSTOMER" as const, businessId: null };
  const client = heraldUserClient({ app: APP, port: on.wsPort, user });
  clients.push(client);
  const channel = client.subscribe(userChannel(userId));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("subscription timed out")), 5000);
    channel.bind("pusher:subscription_succeeded", () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  const events: unknown[] = [];
  channel.bind("notification.new", (data: unknown) => events.push(data));
  return { client, channel, events };
}

describe("channel name helpers", () => {
  it("builds Herald's private channel names (R6.1)", () => {
    const id = randomUUID();
    expect(userChannel(id)).toBe(`private-user-${id}`);
    expect(businessChannel(id)).toBe(`private-business-${id}`);
  });
});

describe(`createRealtimePublisher (${realtimeTargetKind()} server)`, () => {
  it("publishes one event with trigger", async () => {
    const userId = randomUUID();
    const { events } = await userClient(userId);
    const trigger = vi.spyOn(Pusher.prototype, "trigger");
    const triggerBatch = vi.spyOn(Pusher.prototype, "triggerBatch");

    await publisher().publish([{ channel: userChannel(userId), name: "notification.new", data: { id: "n1", unread: 3 } }]);
    await waitUntil(() => events.length === 1, "the event");
    expect(events).toEqual([{ id: "n1", unread: 3 }]);
    expect(trigger).toHaveBeenCalledTimes(1);
    expect(triggerBatch).not.toHaveBeenCalled();
  });

  it("publishes many events as batches of at most 10, a few in flight at once", async () => {
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const receivers = await Promise.all(users.map((id) => userClient(id)));
    let inFlight = 0;
    let maxInFlight = 0;
    const sizes: number[] = [];
    const original = Pusher.prototype.triggerBatch;
    vi.spyOn(Pusher.prototype, "triggerBatch").mockImplementation(async function (this: Pusher, batch) {
      sizes.push(batch.length);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await original.call(this, batch);
      } finally {
        inFlight--;
      }
    });

    const events = Array.from({ length: 45 }, (_, i) => ({
      channel: userChannel(users[i % 3] as string),
      name: "notification.new",
      data: { seq: i },
    }));
    await publisher({ concurrency: 2 }).publish(events);

    expect(sizes).toEqual([10, 10, 10, 10, 5]);
    expect(maxInFlight).toBe(2);
    await waitUntil(() => receivers.every((r) => r.events.length === 15), "45 deliveries");
    receivers.forEach((r, u) => {
      // Each user's events, in order (batches may complete in any order, so compare as sets).
      const seqs = (r.events as Array<{ seq: number }>).map((e) => e.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 15 }, (_, k) => k * 3 + u));
    });
  });

  it("sends larger batches (batchSize) only where the server accepts them", async () => {
    const users = Array.from({ length: 120 }, () => randomUUID());
    const events = users.map((id, i) => ({ channel: userChannel(id), name: "notification.new", data: { i } }));
    // A server with Pusher's limit refuses batches of 50 …
    await expect(publisher({ batchSize: 50 }).publish(events)).rejects.toMatchObject({ name: "RealtimePublishError", status: 400 });
    // … one set for them (soketi's SOKETI_EVENT_MAX_BATCH_SIZE, the embedded server's maxBatchEvents) takes
    // them: three requests for 120 events.
    const wide = await startRealtimeTarget({ app: APP, maxBatchEvents: 50 });
    try {
      const watched = await Promise.all([users[0], users[119]].map((id) => userClient(id as string, wide)));
      const sizes: number[] = [];
      const original = Pusher.prototype.triggerBatch;
      vi.spyOn(Pusher.prototype, "triggerBatch").mockImplementation(function (this: Pusher, batch) {
        sizes.push(batch.length);
        return original.call(this, batch);
      });
      await publisher({ port: wide.apiPort, batchSize: 50 }).publish(events);
      expect(sizes).toEqual([50, 50, 20]);
      await waitUntil(() => watched.every((r) => r.events.length === 1), "the first and the last event");
      expect(watched.map((r) => r.events)).toEqual([[{ i: 0 }], [{ i: 119 }]]);
    } finally {
      await wide.close();
    }
  });

  it("sends one event to many channels as multi-channel triggers of at most 100 channels", async () => {
    const users = Array.from({ length: 205 }, () => randomUUID());
    const watched = await Promise.all([users[0], users[150], users[204]].map((id) => userClient(id as string)));
    const trigger = vi.spyOn(Pusher.prototype, "trigger");
    const triggerBatch = vi.spyOn(Pusher.prototype, "triggerBatch");
    await publisher().publish(users.map((id) => ({ channel: userChannel(id), name: "notification.new", data: { listing: "x" } })));
    expect(trigger.mock.calls.map((c) => (c[0] as string[]).length)).toEqual([100, 100, 5]);
    expect(triggerBatch).not.toHaveBeenCalled();
    await waitUntil(() => watched.every((r) => r.events.length === 1), "a delivery on each watched channel");
    for (const r of watched) expect(r.events).toEqual([{ listing: "x" }]);
  });

  it("reaches a client that reconnected: a new socket id, its channel subscribed again", async () => {
    const userId = randomUUID();
    const r = await userClient(userId);
    const before = r.client.connection.socket_id;
    r.client.disconnect();
    await waitUntil(() => r.client.connection.state === "disconnected" && !r.channel.subscribed, "the disconnect");
    r.client.connect();
    await waitUntil(() => r.channel.subscribed, "the subscription again");
    expect(r.client.connection.socket_id).not.toBe(before);
    await publisher().publish([{ channel: userChannel(userId), name: "notification.new", data: { after: "reconnect" } }]);
    await waitUntil(() => r.events.length === 1, "the event");
    expect(r.events).toEqual([{ after: "reconnect" }]);
  });

  it("passes string data through unchanged and does nothing for an empty list", async () => {
    const userId = randomUUID();
    const { events } = await userClient(userId);
    const trigger = vi.spyOn(Pusher.prototype, "trigger");
    await publisher().publish([]);
    expect(trigger).not.toHaveBeenCalled();
    await publisher().publish([{ channel: userChannel(userId), name: "notification.new", data: "plain text" }]);
    await waitUntil(() => events.length === 1, "the event");
    expect(events).toEqual(["plain text"]);
  });

  it("rejects invalid events before sending anything", async () => {
    const trigger = vi.spyOn(Pusher.prototype, "trigger");
    const triggerBatch = vi.spyOn(Pusher.prototype, "triggerBatch");
    const p = publisher();
    const ok = { channel: userChannel(randomUUID()), name: "notification.new", data: {} };
    await expect(p.publish([ok, { ...ok, channel: "private-user-x:y" }])).rejects.toBeInstanceOf(RealtimePublishError);
    await expect(p.publish([{ ...ok, name: "" }])).rejects.toThrow(/event name/);
    await expect(p.publish([{ ...ok, data: { big: "x".repeat(11_000) } }])).rejects.toThrow(/10 KB/);
    expect(trigger).not.toHaveBeenCalled();
    expect(triggerBatch).not.toHaveBeenCalled();
  });

  it("reports refused requests with the HTTP status (wrong secret → 401)", async () => {
    const p = publisher({ secret: "wrong-secret" });
    const single = p.publish([{ channel: "private-user-a", name: "e", data: {} }]);
    await expect(single).rejects.toMatchObject({ name: "RealtimePublishError", status: 401, failedEvents: 1 });
    const many = p.publish(Array.from({ length: 12 }, () => ({ channel: "private-user-a", name: "e", data: {} })));
    await expect(many).rejects.toMatchObject({ status: 401, failedEvents: 12, totalEvents: 12 });
  });

  it("sends a request again once when the connection failed without an answer, never after a refusal", async () => {
    // A stand-in for the HTTP API that resets the connection the first time it sees a request (by its body's
    // MD5, signed into the URL), and answers `status` when it comes again.
    let status = 200;
    const seen: string[] = [];
    const flaky = createServer((req, res) => {
      const url = req.url ?? "";
      const md5 = new URL(url, "http://x").searchParams.get("body_md5");
      const again = seen.some((u) => new URL(u, "http://x").searchParams.get("body_md5") === md5);
      seen.push(url);
      if (!again && status === 200) {
        req.socket.destroy();
        return;
      }
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
    try {
      const p = publisher({ port: (flaky.address() as AddressInfo).port });
      await p.publish([{ channel: "private-user-a", name: "e", data: {} }]);
      expect(seen).toHaveLength(2);
      await p.publish(Array.from({ length: 12 }, (_, i) => ({ channel: `private-user-${i}`, name: `e${i}`, data: {} })));
      expect(seen.filter((u) => u.includes("/batch_events"))).toHaveLength(4); // two batches, each reset once
      status = 400;
      seen.length = 0;
      await expect(p.publish([{ channel: "private-user-a", name: "e", data: {} }])).rejects.toMatchObject({ status: 400 });
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise((r) => flaky.close(r));
    }
  });

  it('counts a refusal written into a "200 OK" body (soketi on uWebSockets.js 20.30) as a refusal', async () => {
    // soketi 1.6.1 with the overridden uWebSockets.js answers a wrong secret or an oversized batch with
    // "200 OK" and {"error", "code"}; Pusher itself answers {} (or channel info) when it accepts.
    let answer = JSON.stringify({ error: "The secret authentication failed", code: 401 });
    const standIn = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(answer));
    });
    await new Promise<void>((r) => standIn.listen(0, "127.0.0.1", r));
    try {
      const p = publisher({ port: (standIn.address() as AddressInfo).port });
      const one = [{ channel: "private-user-a", name: "e", data: {} }];
      await expect(p.publish(one)).rejects.toMatchObject({ name: "RealtimePublishError", status: 401, failedEvents: 1 });
      const many = Array.from({ length: 12 }, (_, i) => ({ channel: `private-user-${i}`, name: `e${i}`, data: {} }));
      await expect(p.publish(many)).rejects.toMatchObject({ status: 401, failedEvents: 12, totalEvents: 12 });
      await expect(p.ping()).rejects.toMatchObject({ status: 401 });
      // An acceptance, including channel info that happens to hold the words "error" and "code".
      answer = JSON.stringify({ channels: { "private-user-error": { user_count: 1 } }, code: "fine", error: 0 });
      await expect(p.publish(one)).resolves.toBeUndefined();
      await expect(p.ping()).resolves.toBeUndefined();
    } finally {
      await new Promise((r) => standIn.close(r));
    }
  });

  it("needs a host or a cluster; a cluster targets Pusher's API host over TLS", async () => {
    expect(() => createRealtimePublisher({ appId: "1", key: "k", secret: "s" })).toThrow(/host .* or cluster/);
    // No network here: capture the configured client instead of sending.
    const targets: Array<{ host: string; scheme: string }> = [];
    vi.spyOn(Pusher.prototype, "trigger").mockImplementation(async function (this: Pusher) {
      const { config } = this as unknown as { config: { host: string; scheme: string } };
      targets.push({ host: config.host, scheme: config.scheme });
      return new Response("{}") as never;
    });
    await createRealtimePublisher({ appId: "1", key: "k", secret: "s", cluster: "eu" }).publish([
      { channel: "private-user-a", name: "e", data: {} },
    ]);
    await publisher().publish([{ channel: "private-user-a", name: "e", data: {} }]);
    expect(targets).toEqual([
      { host: "api-eu.pusher.com", scheme: "https" },
      { host: "127.0.0.1", scheme: "http" },
    ]);
  });
});
