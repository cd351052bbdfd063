/**
 * Pickup reminders (docs/requirements.md R12.3; issue 5): one run per scheduled version of a pickup.
 *   24 h before → email (critical), 1 h before → in-app, 30 min after → "missed pickup" if not completed.
 * A reminder whose moment had already passed when the pickup was scheduled is skipped (a pickup booked
 * 3 h ahead gets no "tomorrow" email). Rescheduling starts a run for the new version; completing,
 * cancelling, marking missed or rescheduling cancels the older run (`cancelOn` an event for the same pickup
 * with a newer version), and each step checks the version too, so a stale run never sends anything.
 */
import { inngest } from "../client";
import { pickupChanged, pickupScheduled } from "../../server/events";
import { markPickupMissed, sendPickupReminder } from "../../server/services/pickups/pickups";

const HOUR = 3_600_000;
/** Reminder offsets from the scheduled time (ms). */
export const REMINDER_OFFSETS = { email: -24 * HOUR, inApp: -HOUR, missed: 30 * 60_000 } as const;

export const pickupReminders = inngest.createFunction(
  {
    id: "pickup-reminders",
    triggers: [pickupScheduled],
    retries: 4,
    cancelOn: [pickupScheduled, pickupChanged].map((e) => ({
      event: e.name,
      if: "async.data.pickupId == event.data.pickupId && async.data.version > event.data.version",
    })),
  },
  async ({ event, step }) => {
    const { pickupId, version } = event.data;
    const due = Date.parse(event.data.scheduledAt);
    const from = Date.parse(event.data.scheduledFrom);
    if (due + REMINDER_OFFSETS.email > from) {
      await step.sleepUntil("until-24h-before", new Date(due + REMINDER_OFFSETS.email));
      const r = await step.run("email-24h-before", () => sendPickupReminder(pickupId, version, "24h"));
      if (!r.active) return { ended: "24h" };
    }
    if (due + REMINDER_OFFSETS.inApp > from) {
      await step.sleepUntil("until-1h-before", new Date(due + REMINDER_OFFSETS.inApp));
      const r = await step.run("in-app-1h-before", () => sendPickupReminder(pickupId, version, "1h"));
      if (!r.active) return { ended: "1h" };
    }
    await step.sleepUntil("until-30min-after", new Date(due + REMINDER_OFFSETS.missed));
    return step.run("check-missed", () => markPickupMissed(pickupId, version));
  },
);
