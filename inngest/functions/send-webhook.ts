/**
 * One outbound webhook delivery (server/services/webhooks/webhooks.ts): an attempt per step try; a
 * retryable failure throws, so the executor backs off and tries again, up to the service's MAX_ATTEMPTS.
 */
import { inngest } from "../client";
import { webhookDeliveryRequested } from "../../server/events";
import { sendWebhookDelivery } from "../../server/services/webhooks/webhooks";

export const sendWebhook = inngest.createFunction(
  { id: "send-webhook", triggers: [webhookDeliveryRequested], retries: 6 },
  async ({ event, step }) => ({ status: await step.run("send", () => sendWebhookDelivery(event.data.deliveryId)) }),
);
