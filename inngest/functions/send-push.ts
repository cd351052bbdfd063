/**
 * The push leg (issue 7): sends the queued web pushes of the notifications in the event, deciding again at
 * send time (server/services/delivery/mobile-deliveries.ts). A retryable failure throws after recording what
 * was sent, so the step's retry only re-sends what is still QUEUED.
 */
import { inngest } from "../client";
import { notificationPushRequested } from "../events";
import { sendPushDeliveries } from "../../server/services/delivery/mobile-deliveries";

export const sendPush = inngest.createFunction(
  { id: "send-push", triggers: [notificationPushRequested], retries: 6 },
  async ({ event, step }) => step.run("send", () => sendPushDeliveries(event.data.notificationIds)),
);
