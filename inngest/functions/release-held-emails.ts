/** Every minute: emails held by quiet hours whose window has ended are decided again and sent. */
import { inngest } from "../client";
import { releaseHeldEmails as release } from "../../server/services/delivery/send-listing-emails";

export const releaseHeldEmails = inngest.createFunction(
  { id: "release-held-emails", triggers: [{ cron: "* * * * *" }], retries: 2 },
  async ({ step }) => step.run("release", () => release()),
);
