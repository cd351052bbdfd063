/**
 * One fan-out chunk: bulk insert of in-app notifications + realtime signals, then the email decision for
 * every recipient (set-based), then a request to send the queued emails (a run of its own, so slow email
 * never holds up the next chunk's in-app rows).
 */
import { inngest } from "../client";
import { listingEmailsRequested, listingFanOutChunkRequested } from "../events";
import { deliverListingChunk as deliver } from "../../server/services/delivery/fan-out-listing";
import { decideListingEmails } from "../../server/services/delivery/send-listing-emails";

export const deliverListingChunk = inngest.createFunction(
  { id: "deliver-listing-chunk", triggers: [listingFanOutChunkRequested], retries: 4 },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    const inApp = await step.run("insert-notifications", () => deliver(event.data.listingId, chunk));
    const email = await step.run("decide-email", () => decideListingEmails(event.data.listingId, chunk));
    if (email.QUEUED) await step.sendEvent("request-emails", listingEmailsRequested.create({ listingId: event.data.listingId, ...chunk }));
    return { inApp, email };
  },
);
