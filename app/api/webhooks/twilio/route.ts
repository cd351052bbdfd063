/**
 * Twilio's incoming-message webhook: STOP/START replies (server/services/sms/webhook.ts). The raw form body is
 * verified as received; the answer is empty TwiML (Twilio sends the opt-out confirmations itself).
 */
import { handleTwilioWebhook } from "@/server/services/sms/webhook";
import { twilioWebhookRoute } from "@/server/http/twilio-webhook-route";

export const POST = twilioWebhookRoute(handleTwilioWebhook);
