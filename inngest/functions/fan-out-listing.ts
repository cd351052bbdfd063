/**
 * `listing/created` → plan follower chunks → one `listing/fan-out-chunk-requested` event per chunk
 * (docs/requirements.md R3.3: one run per chunk, not one step per chunk in a single run).
 */
import { inngest } from "../client";
import { listingCreated, listingFanOutChunkRequested } from "../../server/events";
import { planFanOutChunks } from "../../server/services/delivery/fan-out-listing";

export const fanOutListing = inngest.createFunction(
  { id: "fan-out-listing", triggers: [listingCreated], retries: 4 },
  async ({ event, step }) => {
    const chunks = await step.run("plan-chunks", () => planFanOutChunks(event.data.businessId));
    await step.sendEvent(
      "request-chunks",
      chunks.map((c) => listingFanOutChunkRequested.create({ listingId: event.data.listingId, ...c })),
    );
    return { chunks: chunks.length };
  },
);
