/**
 * One fan-out chunk: bulk insert of in-app notifications + realtime signals, then requests for the push and
 * email legs (runs of their own, queued behind the other chunks' in-app inserts, so neither delays the inbox).
 */
import { inngest } from "../client";
import { listingEmailsRequested, listingFanOutChunkRequested, listingPushRequested } from "../events";
import { deliverListingChunk as deliver } from "../../server/services/delivery/fan-out-listing";

export const deliverListingChunk = inngest.createFunction(
  { id: "deliver-listing-chunk", triggers: [listingFanOutChunkRequested], retries: 4 },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    const inApp = await step.run("insert-notifications", () => deliver(event.data.listingId, chunk));
    await step.sendEvent("request-push", listingPushRequested.create({ listingId: event.data.listingId, ...chunk }));
    await step.sendEvent("request-emails", listingEmailsRequested.create({ listingId: event.data.listingId, ...chunk }));
    return inApp;
  },
);
