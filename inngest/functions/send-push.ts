/**
 * The push leg (issue 7; native apps through FCM, issue 17): sends the queued pushes of the notifications in
 * the event to browsers and app devices, deciding again at send time
 * (server/services/delivery/mobile-deliveries.ts). A retryable failure throws after recording what was sent,
 * so the step's retry only re-sends what is still QUEUED; when a push service said how long to wait
 * (`Retry-After` on 429/503), the retry waits that long (RetryAfterError), else the executor's backoff.
 */
import { RetryAfterError } from "inngest";
import { inngest } from "../client";
import { notificationPushRequested } from "../../server/events";
import { MobileRetryableError, sendPushDeliveries } from "../../server/services/delivery/mobile-deliveries";

export const sendPush = inngest.createFunction(
  { id: "send-push", triggers: [notificationPushRequested], retries: 6 },
  async ({ event, step }) =>
    step.run("send", async () => {
      try {
        return await sendPushDeliveries(event.data.notificationIds);
      } catch (err) {
        if (err instanceof MobileRetryableError && err.retryAfterMs) throw new RetryAfterError(err.message, err.retryAfterMs);
        throw err;
      }
    }),
);
