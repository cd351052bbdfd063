/**
 * Realtime signals after writes (docs/architecture.md "Live inbox"): small payloads on private channels,
 * each carrying only its recipient's data. The publisher talks to the embedded Pusher-protocol server,
 * soketi or Pusher by configuration only.
 */
import { env } from "../../env";
import { businessChannel, userChannel, type RealtimeEventName } from "../../../lib/realtime";
import { createRealtimePublisher } from "./publisher";

type Publisher = ReturnType<typeof createRealtimePublisher>;
const g = globalThis as unknown as { heraldRealtime?: Publisher };

function publisher(): Publisher {
  if (g.heraldRealtime) return g.heraldRealtime;
  const e = env("realtime");
  g.heraldRealtime = createRealtimePublisher({
    appId: e.PUSHER_APP_ID,
    key: e.PUSHER_KEY,
    secret: e.PUSHER_SECRET,
    cluster: e.PUSHER_CLUSTER,
    host: e.PUSHER_HOST,
    port: e.PUSHER_PORT,
    useTLS: e.PUSHER_USE_TLS,
    batchSize: e.PUSHER_BATCH_SIZE,
  });
  return g.heraldRealtime;
}

/**
 * Sends one event to each user's private channel. Best effort: a realtime failure is logged, never fails
 * the write that caused it (clients refetch on reconnect, so the badge heals).
 */
export async function signalUsers(userIds: readonly string[], name: RealtimeEventName, data: Record<string, unknown>): Promise<void> {
  await signalEvents(userIds.map((userId) => ({ userId, name, data })));
}

/** One event for one user's private channel. */
export interface UserEvent {
  userId: string;
  name: RealtimeEventName;
  data: Record<string, unknown>;
}

/**
 * Sends each user their own event (e.g. `notification.new` with the recipient's own entry, count and
 * sequence number), in the order given. Best effort: a realtime failure is logged, never fails the write
 * that caused it (clients refetch on reconnect, so the badge heals).
 */
export async function signalEvents(events: readonly UserEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await publisher().publish(events.map((e) => ({ channel: userChannel(e.userId), name: e.name, data: e.data })));
  } catch (err) {
    console.error(`[realtime] ${events.length} event(s) to users failed: ${(err as Error).message}`);
  }
}

/** Sends one event to a business's private channel (best effort, as signalUsers). */
export async function signalBusiness(businessId: string, name: RealtimeEventName, data: Record<string, unknown>): Promise<void> {
  try {
    await publisher().publish([{ channel: businessChannel(businessId), name, data }]);
  } catch (err) {
    console.error(`[realtime] ${name} to business ${businessId} failed: ${(err as Error).message}`);
  }
}

/**
 * Whether the realtime server answers Herald (readiness, server/services/health): resolves when a signed
 * `GET /channels` answers 200.
 * @throws when it is unreachable, too slow (the publisher's 10 s timeout) or refuses the credentials.
 */
export async function pingRealtime(): Promise<void> {
  await publisher().ping();
}
