/** One fan-out chunk: bulk insert of in-app notifications + realtime signals (server/services/delivery). */
import { inngest } from "../client";
import { listingFanOutChunkRequested } from "../events";
import { deliverListingChunk as deliver } from "../../server/services/delivery/fan-out-listing";

export const deliverListingChunk = inngest.createFunction(
  { id: "deliver-listing-chunk", triggers: [listingFanOutChunkRequested], retries: 4 },
  async ({ event, step }) => {
    return step.run("insert-notifications", () =>
      deliver(event.data.listingId, { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId }),
    );
  },
);
