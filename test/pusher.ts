/**
 * Test helpers for realtime: a real `pusher-js` client configured for a local Pusher-protocol server (the
 * configuration the browser uses against the embedded server), and polling waits.
 */
import PusherClient from "pusher-js";
import { authorizeChannel, type HeraldRole } from "../server/services/realtime/channel-auth";

type Authorizer = (socketId: string, channelName: string) => { auth: string; channel_data?: string };

/** pusher-js on ws://127.0.0.1:`port`; private/presence subscriptions are signed by `authorize`. */
export function pusherClient(opts: { key: string; port: number; authorize: Authorizer }): PusherClient {
  return new PusherClient(opts.key, {
    wsHost: "127.0.0.1",
    wsPort: opts.port,
    forceTLS: false,
    enabledTransports: ["ws"],
    disableStats: true,
    cluster: "local",
    channelAuthorization: {
      endpoint: "/unused",
      transport: "ajax",
      customHandler: ({ socketId, channelName }, callback) => {
        try {
          callback(null, opts.authorize(socketId, channelName));
        } catch (err) {
          callback(err instanceof Error ? err : new Error(String(err)), null);
        }
      },
    },
  });
}

/**
 * pusher-js for a signed-in Herald user: subscriptions are authorized exactly as `/api/pusher/auth` does
 * (`authorizeChannel`); a refusal surfaces as `pusher:subscription_error` with "<status> <code>".
 */
export function heraldUserClient(opts: {
  app: { key: string; secret: string };
  port: number;
  user: { id: string; role: HeraldRole; businessId: string | null };
}): PusherClient {
  return pusherClient({
    key: opts.app.key,
    port: opts.port,
    authorize: (socketId, channelName) => {
      const result = authorizeChannel({ socketId, channelName, user: opts.user, app: opts.app });
      if (!result.ok) throw new Error(`${result.status} ${result.code}`);
      return result.body;
    },
  });
}

/** Polls a condition every 10 ms until it holds (a wait on state, not a blind sleep). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A signed-in customer's browser on the tests' realtime server (PUSHER_* of test/setup.ts): pusher-js
 * subscribed to their private channel, collecting `notification.new` payloads. Resolves once subscribed.
 */
export async function inboxSubscriber(userId: string): Promise<{ received: unknown[]; close(): void }> {
  const received: unknown[] = [];
  const pusher = heraldUserClient({
    app: { key: process.env.PUSHER_KEY!, secret: process.env.PUSHER_SECRET! },
    port: Number(process.env.PUSHER_PORT),
    user: { id: userId, role: "CUSTOMER", businessId: null },
  });
  const channel = pusher.subscribe(`private-user-${userId}`);
  try {
    await new Promise<void>((resolve, reject) => {
      channel.bind("pusher:subscription_succeeded", () => resolve());
      channel.bind("pusher:subscription_error", reject);
    });
  } catch (err) {
    pusher.disconnect();
    throw err;
  }
  channel.bind("notification.new", (d: unknown) => received.push(d));
  return { received, close: () => pusher.disconnect() };
}
