/**
 * Herald's private-channel authorization (docs/architecture.md): unit rules, then the real `pusher-js`
 * client subscribing through it against a Pusher-protocol server: the embedded one, or two soketi nodes
 * (`HERALD_TEST_REALTIME=soketi`; test/realtime-target.ts).
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type PusherClient from "pusher-js";
import { type Channel } from "pusher-js";
import Pusher from "pusher";
import { authorizeChannel, type AuthorizeChannelInput } from "./channel-auth";
import { heraldUserClient } from "../../../test/pusher";
import { realtimeTargetKind, startRealtimeTarget, type RealtimeTarget } from "../../../test/realtime-target";

const APP = { id: "3003", key: "auth-key", secret: "auth-secret" };
const SOCKET = "123456.7890";
const ME = randomUUID();
const OTHER_USER = randomUUID();
const MY_BUSINESS = randomUUID();
const OTHER_BUSINESS = randomUUID();

type User = AuthorizeChannelInput["user"];
const customer: User = { id: ME, role: "CUSTOMER", businessId: null };
const business: User = { id: ME, role: "BUSINESS", businessId: MY_BUSINESS };

function run(user: User, channelName: unknown, ...socketId: [unknown?]) {
  // A rest parameter, not a default, so that an explicit `undefined` socket id is tested as such.
  return authorizeChannel({ socketId: socketId.length > 0 ? socketId[0] : SOCKET, channelName, user, app: APP });
}

describe("authorizeChannel rules", () => {
  it("signs the caller's own user channel, exactly as the pusher package would", () => {
    const result = run(customer, `private-user-${ME}`);
    const expected = new Pusher({ appId: APP.id, key: APP.key, secret: APP.secret, host: "localhost" }).authorizeChannel(
      SOCKET,
      `private-user-${ME}`,
    );
    expect(result).toEqual({ ok: true, body: { auth: expected.auth } });
    const hmac = createHmac("sha256", APP.secret).update(`${SOCKET}:private-user-${ME}`).digest("hex");
    expect(expected.auth).toBe(`${APP.key}:${hmac}`);
  });

  it("signs a BUSINESS user's own business channel (and their user channel)", () => {
    expect(run(business, `private-business-${MY_BUSINESS}`)).toMatchObject({ ok: true });
    expect(run(business, `private-user-${ME}`)).toMatchObject({ ok: true });
  });

  it("refuses another user's channel and another business's channel with 403", () => {
    const denied = { ok: false, status: 403, code: "PERMISSION_DENIED" };
    expect(run(customer, `private-user-${OTHER_USER}`)).toMatchObject(denied);
    expect(run(business, `private-business-${OTHER_BUSINESS}`)).toMatchObject(denied);
    // Only BUSINESS users get a business channel, whatever businessId says.
    for (const role of ["CUSTOMER", "NGO", "ADMIN"] as const) {
      expect(run({ id: ME, role, businessId: MY_BUSINESS }, `private-business-${MY_BUSINESS}`)).toMatchObject(denied);
    }
    expect(run({ id: ME, role: "BUSINESS", businessId: null }, "private-business-null")).toMatchObject(denied);
    // Near misses: prefixes, case, other channel kinds.
    expect(run(customer, `private-user-${ME}x`)).toMatchObject(denied);
    expect(run(customer, `private-user-${ME.slice(0, 8)}`)).toMatchObject(denied);
    expect(run(customer, `private-user-${ME.toUpperCase()}`)).toMatchObject(denied);
    expect(run(customer, `presence-user-${ME}`)).toMatchObject(denied);
    expect(run(customer, `user-${ME}`)).toMatchObject(denied);
    expect(run(customer, `private-encrypted-user-${ME}`)).toMatchObject(denied);
    expect(run(customer, "private-user-")).toMatchObject(denied);
  });

  it("refuses malformed socket ids with 400 before signing anything", () => {
    const invalid = { ok: false, status: 400, code: "VALIDATION_ERROR" };
    // The 2015 advisory: a socket id smuggling ":<channel>" must never be signed.
    for (const socketId of [
      `1.1:private-user-${OTHER_USER}`,
      "1.1:private-user-x",
      "abc",
      "",
      "1.",
      ".1",
      "1.1 ",
      " 1.1",
      "1.1\n",
      "1.1.1",
      "-1.1",
      "1".repeat(70) + ".1",
      11,
      1.1,
      null,
      undefined,
      ["1.1"],
      { toString: () => "1.1" },
    ]) {
      expect(run(customer, `private-user-${ME}`, socketId), String(socketId)).toMatchObject(invalid);
    }
  });

  it("refuses malformed or odd channel names with 400", () => {
    const invalid = { ok: false, status: 400, code: "VALIDATION_ERROR" };
    for (const channelName of [
      `private-user-${ME}:x`,
      `private-user-${ME}:${SOCKET}`,
      ` private-user-${ME}`,
      `private-user-${ME} `,
      `private-user-\n${ME}`,
      `private-user-${ME}\u0000`,
      `private-user-${ME}é`,
      "#server-to-user-x",
      "",
      "x".repeat(201),
      `private-user-${ME}${"a".repeat(200)}`,
      42,
      null,
      undefined,
      [`private-user-${ME}`],
    ]) {
      expect(run(customer, channelName), String(channelName).slice(0, 40)).toMatchObject(invalid);
    }
  });

  it("never signs a user id that would not make a valid channel name", () => {
    const odd: User = { id: "a:b", role: "CUSTOMER", businessId: null };
    // "private-user-a:b" is not a valid channel name, so it fails validation before any comparison.
    expect(run(odd, "private-user-a:b")).toMatchObject({ ok: false, status: 400 });
    expect(run(odd, "private-user-a")).toMatchObject({ ok: false, status: 403 });
  });
});

describe(`authorizeChannel with pusher-js against the ${realtimeTargetKind()} server`, () => {
  let target: RealtimeTarget;
  let api: Pusher;
  const clients: PusherClient[] = [];

  beforeAll(async () => {
    target = await startRealtimeTarget({ app: APP });
    api = new Pusher({ appId: APP.id, key: APP.key, secret: APP.secret, host: "127.0.0.1", port: String(target.apiPort) });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(async () => {
    await target?.close();
  });

  /** What the `/api/pusher/auth` route does: authorizeChannel, then 200 {auth} or the error status. */
  function clientFor(user: User): PusherClient {
    const client = heraldUserClient({ app: APP, port: target.wsPort, user });
    clients.push(client);
    return client;
  }

  function outcome(channel: Channel): Promise<{ ok: true } | { ok: false; error: unknown }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no outcome for ${channel.name}`)), 5000);
      channel.bind("pusher:subscription_succeeded", () => {
        clearTimeout(timer);
        resolve({ ok: true });
      });
      channel.bind("pusher:subscription_error", (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, error });
      });
    });
  }

  it("subscribes to one's own channels and receives events; other channels are refused", async () => {
    const client = clientFor(business);
    const mine = client.subscribe(`private-user-${ME}`);
    const myBusiness = client.subscribe(`private-business-${MY_BUSINESS}`);
    const theirs = client.subscribe(`private-user-${OTHER_USER}`);
    const theirBusiness = client.subscribe(`private-business-${OTHER_BUSINESS}`);
    const outcomes = await Promise.all([mine, myBusiness, theirs, theirBusiness].map((c) => outcome(c)));

    expect(outcomes).toEqual([
      { ok: true },
      { ok: true },
      { ok: false, error: { type: "AuthError", error: "403 PERMISSION_DENIED" } },
      { ok: false, error: { type: "AuthError", error: "403 PERMISSION_DENIED" } },
    ]);

    const received = new Promise((resolve) => mine.bind("notification.new", resolve));
    await api.trigger(`private-user-${ME}`, "notification.new", { id: "n1" });
    expect(await received).toEqual({ id: "n1" });

    const occupied = async (name: string) =>
      ((await (await api.get({ path: `/channels/${name}` })).json()) as { occupied: boolean }).occupied;
    expect(await occupied(`private-user-${OTHER_USER}`)).toBe(false);
    expect(await occupied(`private-business-${OTHER_BUSINESS}`)).toBe(false);
    const channels = (await (await api.get({ path: "/channels", params: { filter_by_prefix: "private-" } })).json()) as { channels: object };
    expect(Object.keys(channels.channels).sort()).toEqual([`private-business-${MY_BUSINESS}`, `private-user-${ME}`].sort());
  });
});
