/** Every Inngest function Herald serves (app/api/inngest/route.ts). */
import { fanOutListing } from "./functions/fan-out-listing";
import { deliverListingChunk } from "./functions/deliver-listing-chunk";
import { sendListingEmails } from "./functions/send-listing-emails";
import { releaseHeldEmails } from "./functions/release-held-emails";

export const functions = [fanOutListing, deliverListingChunk, sendListingEmails, releaseHeldEmails];
