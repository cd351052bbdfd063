/**
 * The push leg of one fan-out chunk: decide web pushes for every recipient (set-based, recorded in the
 * delivery log), which queues `send-push` runs for the ones that go out. A run of its own, like the email
 * leg, so the inbox rows of later chunks are never held up by it.
 */
import { inngest } from "../client";
import { listingPushRequested } from "../../server/events";
import { decideListingPush as decide } from "../../server/services/delivery/fan-out-listing";

export const decideListingPush = inngest.createFunction(
  { id: "decide-listing-push", triggers: [listingPushRequested], retries: 4 },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    return step.run("decide", () => decide(event.data.listingId, chunk));
  },
);
