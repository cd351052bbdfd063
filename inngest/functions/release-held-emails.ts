/** Every minute: emails, pushes and texts held by quiet hours whose window has ended are decided again and sent. */
import { inngest } from "../client";
import { releaseHeldEmails as release } from "../../server/services/delivery/send-listing-emails";
import { releaseHeldMobile } from "../../server/services/delivery/mobile-deliveries";

export const releaseHeldEmails = inngest.createFunction(
  { id: "release-held-emails", triggers: [{ cron: "* * * * *" }], retries: 2 },
  async ({ step }) => {
    const email = await step.run("release", () => release());
    const mobile = await step.run("release-push-sms", () => releaseHeldMobile());
    return { email, mobile };
  },
);
