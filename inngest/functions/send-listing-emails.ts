/** Sends a fan-out chunk's queued emails; Resend's 429 is honoured with its Retry-After. */
import { NonRetriableError, RetryAfterError } from "inngest";
import { inngest } from "../client";
import { listingEmailsRequested } from "../events";
import { sendListingEmails as send } from "../../server/services/delivery/send-listing-emails";
import { EmailSendError } from "../../server/services/email/transport";
import { AppError } from "../../server/services/errors";

export const sendListingEmails = inngest.createFunction(
  { id: "send-listing-emails", triggers: [listingEmailsRequested], retries: 6 },
  async ({ event, step }) => {
    return step.run("send", async () => {
      try {
        return await send(event.data.listingId, { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId });
      } catch (err) {
        if (err instanceof EmailSendError && err.opts.retryAfterMs) throw new RetryAfterError(err.message, err.opts.retryAfterMs);
        if (err instanceof AppError && err.code === "NOT_FOUND") throw new NonRetriableError(err.message);
        throw err;
      }
    });
  },
);
