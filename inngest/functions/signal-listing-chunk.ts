/**
 * The realtime leg of one fan-out chunk: number the chunk's new rows in each recipient's inbox sequence and
 * send each recipient their `notification.new` (docs/architecture.md "Live inbox"). A run of its own, queued
 * behind the other chunks' in-app inserts, so a large fan-out writes every inbox row first.
 */
import { inngest } from "../client";
import { listingSignalsRequested } from "../events";
import { signalListingChunk as signal } from "../../server/services/delivery/fan-out-listing";

export const signalListingChunk = inngest.createFunction(
  { id: "signal-listing-chunk", triggers: [listingSignalsRequested], retries: 2 },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    return step.run("signal", () => signal(event.data.listingId, chunk));
  },
);
