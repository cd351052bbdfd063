/**
 * One fan-out chunk: bulk insert of in-app notifications, then the request for the chunk's realtime leg
 * (signal-listing-chunk, which then requests the push and email legs): runs of their own, queued behind the
 * other chunks' in-app inserts, so none of them delays an inbox row.
 */
import { inngest } from "../client";
import { listingFanOutChunkRequested, listingSignalsRequested } from "../../server/events";
import { deliverListingChunk as deliver } from "../../server/services/delivery/fan-out-listing";

export const deliverListingChunk = inngest.createFunction(
  { id: "deliver-listing-chunk", triggers: [listingFanOutChunkRequested], retries: 4 },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    const inApp = await step.run("insert-notifications", () => deliver(event.data.listingId, chunk));
    await step.sendEvent("request-signals", listingSignalsRequested.create({ listingId: event.data.listingId, ...chunk }));
    return inApp;
  },
);
