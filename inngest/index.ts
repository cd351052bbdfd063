/** Every Inngest function Herald serves (app/api/inngest/route.ts). */
import { fanOutListing } from "./functions/fan-out-listing";
import { deliverListingChunk } from "./functions/deliver-listing-chunk";
import { signalListingChunk } from "./functions/signal-listing-chunk";
import { sendListingEmails } from "./functions/send-listing-emails";
import { decideListingPush } from "./functions/decide-listing-push";
import { releaseHeldDeliveries } from "./functions/release-held-deliveries";
import { sendNotificationEmails } from "./functions/send-notification-emails";
import { pickupReminders } from "./functions/pickup-reminders";
import { listingExpiring } from "./functions/listing-expiring";
import { sendDigests } from "./functions/send-digests";
import { retention } from "./functions/retention";
import { campaignChunk, campaignChunkEmails, campaignSend } from "./functions/campaign-send";
import { startScheduledCampaigns } from "./functions/start-scheduled-campaigns";
import { sendPush } from "./functions/send-push";
import { sendSms } from "./functions/send-sms";
import { wakeSnoozedNotifications } from "./functions/wake-snoozed-notifications";
import { sendWebhook } from "./functions/send-webhook";
import { sendAccountEmail } from "./functions/send-account-email";

export const functions = [
  fanOutListing,
  deliverListingChunk,
  signalListingChunk,
  decideListingPush,
  sendListingEmails,
  releaseHeldDeliveries,
  sendNotificationEmails,
  pickupReminders,
  listingExpiring,
  sendDigests,
  retention,
  campaignSend,
  campaignChunk,
  campaignChunkEmails,
  startScheduledCampaigns,
  sendPush,
  sendSms,
  wakeSnoozedNotifications,
  sendWebhook,
  sendAccountEmail,
];
