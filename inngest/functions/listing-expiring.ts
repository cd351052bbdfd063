/**
 * `listing_expiring`: sleeps until 2 hours before the listing expires, then reminds the followers who have
 * not acted on it (server/services/delivery/listing-expiring.ts). Listings that expire within 2 hours of
 * being posted get no reminder (the new-listing notice says enough).
 */
import { inngest } from "../client";
import { listingCreated } from "../../server/events";
import { expiringReminderAt, notifyListingExpiring } from "../../server/services/delivery/listing-expiring";

export const listingExpiring = inngest.createFunction(
  { id: "listing-expiring", triggers: [listingCreated], retries: 4 },
  async ({ event, step }) => {
    const plan = await step.run("plan", () => expiringReminderAt(event.data.listingId));
    if (!plan) return { skipped: true };
    await step.sleepUntil("until-2h-before-expiry", new Date(plan));
    return step.run("notify-followers", () => notifyListingExpiring(event.data.listingId));
  },
);
