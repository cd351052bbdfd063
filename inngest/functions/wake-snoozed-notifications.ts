/**
 * Snoozed notifications come back: sleeps (durably) until the snooze's time, then returns them to the
 * inbox, unread and live (server/services/notifications/snooze.ts).
 */
import { inngest } from "../client";
import { notificationsSnoozed } from "../../server/events";
import { wakeSnoozed } from "../../server/services/notifications/snooze";

export const wakeSnoozedNotifications = inngest.createFunction(
  { id: "wake-snoozed-notifications", triggers: [notificationsSnoozed], retries: 4 },
  async ({ event, step }) => {
    const until = new Date(event.data.until);
    await step.sleepUntil("until-snooze-ends", until);
    return { woke: await step.run("wake", () => wakeSnoozed(event.data.ids, until)) };
  },
);
