/**
 * Digest emails: every 15 minutes, the users whose local time has reached 08:00 (daily, or Monday for
 * weekly) get their digest (server/services/digests/digests.ts). The tick's own time is the clock, so a
 * catch-up run decides as the missed tick would have.
 */
import { inngest } from "../client";
import { sendDueDigests } from "../../server/services/digests/digests";

export const sendDigests = inngest.createFunction(
  { id: "send-digests", triggers: [{ cron: "*/15 * * * *" }], retries: 3 },
  async ({ event, step }) => step.run("send-due-digests", () => sendDueDigests(new Date(event.ts ?? Date.now()))),
);
