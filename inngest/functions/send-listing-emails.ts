/**
 * The email leg of one fan-out chunk: decide for every recipient (set-based, recorded in the delivery log),
 * then send what is queued, deciding again at send time. Resend's 429 is honoured with its Retry-After.
 */
import { inngest } from "../client";
import { listingEmailsRequested } from "../../server/events";
import { decideListingEmails, sendListingEmails as send } from "../../server/services/delivery/send-listing-emails";
import { emailStep } from "./email-step-errors";

export const sendListingEmails = inngest.createFunction(
  { id: "send-listing-emails", triggers: [listingEmailsRequested], retries: 6 },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    const decided = await step.run("decide", () => decideListingEmails(event.data.listingId, chunk));
    if (!decided.QUEUED) return { decided };
    const sent = await step.run("send", () => emailStep(() => send(event.data.listingId, chunk)));
    return { decided, sent };
  },
);
