/**
 * The email leg of notices (pickups, orders, reviews, account, billing, reminders): sends the queued
 * emails of the notifications in the event, deciding again at send time (server/services/delivery/notify.ts).
 */
import { inngest } from "../client";
import { notificationEmailsRequested } from "../../server/events";
import { sendNotificationEmails as send } from "../../server/services/delivery/notify";
import { emailStep } from "./email-step-errors";

export const sendNotificationEmails = inngest.createFunction(
  { id: "send-notification-emails", triggers: [notificationEmailsRequested], retries: 6 },
  async ({ event, step }) => step.run("send", () => emailStep(() => send(event.data.notificationIds))),
);
