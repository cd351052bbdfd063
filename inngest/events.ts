/**
 * Herald's typed events (DESIGN §11: `<domain>/<past-tense verb>`, zod schemas validated by the SDK).
 * Triggers send these; functions in inngest/functions react to them.
 */
import { eventType } from "inngest";
import { z } from "zod";

/** A business posted a listing: fan it out to the business's followers (seed 001 §6.2 "New Listing Flow"). */
export const listingCreated = eventType("listing/created", {
  schema: z.object({ listingId: z.uuid(), businessId: z.uuid() }),
});

/**
 * One chunk of a listing's fan-out: followers with `afterUserId < user_id <= throughUserId` (null = open end).
 * One run per chunk keeps each run short (DESIGN §7 "Fan-out shape").
 */
export const listingFanOutChunkRequested = eventType("listing/fan-out-chunk-requested", {
  schema: z.object({
    listingId: z.uuid(),
    afterUserId: z.uuid().nullable(),
    throughUserId: z.uuid().nullable(),
  }),
});

/** Send the queued emails of one fan-out chunk (decided in deliver-listing-chunk). */
export const listingEmailsRequested = eventType("listing/emails-requested", {
  schema: z.object({
    listingId: z.uuid(),
    afterUserId: z.uuid().nullable(),
    throughUserId: z.uuid().nullable(),
  }),
});
