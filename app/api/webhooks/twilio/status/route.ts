/**
 * Twilio's message status callback (each text's `StatusCallback`): delivered, or undelivered/failed with an
 * email fallback (server/services/sms/webhook.ts). The raw form body is verified as received.
 */
import { handleTwilioStatusCallback } from "@/server/services/sms/webhook";
import { twilioWebhookRoute } from "@/server/http/twilio-webhook-route";

export const POST = twilioWebhookRoute(handleTwilioStatusCallback);
