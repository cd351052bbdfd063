/**
 * The realtime leg of one fan-out chunk: number the chunk's new rows in each recipient's inbox sequence and
 * send each recipient their `notification.new` (docs/architecture.md "Live inbox"), then request the chunk's
 * push and email legs. A run of its own, queued behind the other chunks' in-app inserts, so a large fan-out
 * writes every inbox row first; and ahead of the push and email legs, so online followers see the post
 * without those legs' database work in the way.
 */
import { inngest } from "../client";
import { listingEmailsRequested, listingPushRequested, listingSignalsRequested } from "../../server/events";
import { signalListingChunk as signal } from "../../server/services/delivery/fan-out-listing";

export const signalListingChunk = inngest.createFunction(
  { id: "signal-listing-chunk", triggers: [listingSignalsRequested], retries: 2 },
  async ({ event, step }) => {
    const data = { listingId: event.data.listingId, afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    let signalled: { signalled: number } | { failed: string };
    try {
      signalled = await step.run("signal", () => signal(data.listingId, data));
    } catch (err) {
      // Signals are best effort (browsers refetch on reconnect); the push and email legs must still run.
      signalled = { failed: err instanceof Error ? err.message : String(err) };
    }
    await step.sendEvent("request-legs", [listingPushRequested.create(data), listingEmailsRequested.create(data)]);
    return signalled;
  },
);
