/**
 * The SMS leg (issue 7): sends the queued texts of the notifications in the event, deciding again at send
 * time (server/services/delivery/mobile-deliveries.ts). Retries resend only what is still QUEUED; the SMS
 * idempotency key (`sms:<notification id>`) keeps a provider from sending one twice.
 */
import { inngest } from "../client";
import { notificationSmsRequested } from "../../server/events";
import { sendSmsDeliveries } from "../../server/services/delivery/mobile-deliveries";

export const sendSms = inngest.createFunction(
  { id: "send-sms", triggers: [notificationSmsRequested], retries: 6 },
  async ({ event, step }) => step.run("send", () => sendSmsDeliveries(event.data.notificationIds)),
);
