/**
 * Emails, pushes and texts held by quiet hours whose window has ended are decided again and sent: every
 * minute, and at once when a user changes their quiet hours or time zone (their held messages are then due).
 */
import { inngest } from "../client";
import { heldDeliveriesReleaseRequested } from "../../server/events";
import { releaseHeldEmails } from "../../server/services/delivery/send-listing-emails";
import { releaseHeldMobile } from "../../server/services/delivery/mobile-deliveries";

export const releaseHeldDeliveries = inngest.createFunction(
  { id: "release-held-deliveries", triggers: [{ cron: "* * * * *" }, heldDeliveriesReleaseRequested], retries: 2 },
  async ({ step }) => {
    const email = await step.run("release-email", () => releaseHeldEmails());
    const mobile = await step.run("release-push-sms", () => releaseHeldMobile());
    return { email, mobile };
  },
);
