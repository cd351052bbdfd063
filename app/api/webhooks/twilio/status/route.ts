/**
 * Twilio's message status callback (each text's `StatusCallback`): delivered, or undelivered/failed with an
 * email fallback (server/services/sms/webhook.ts). The raw form body is verified as received.
 */
import { handleTwilioStatusCallback, twilioWebhookRoute } from "@/server/services/sms/webhook";

export const POST = twilioWebhookRoute(handleTwilioStatusCallback);
