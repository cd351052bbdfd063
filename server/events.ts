/**
 * Herald's typed events (`<domain>/<past-tense verb>`, zod schemas validated by the SDK): the contract between
 * the services that record them (server/services, through the outbox: `withEvents` in
 * server/services/outbox/outbox.ts) and the Inngest functions that react to them (inngest/functions). Both
 * sides import this module and neither imports the other's, so services never depend on inngest/
 * (docs/architecture.md, "Layers"; enforced by eslint.config.mjs).
 */
import { eventType } from "inngest";
import { z } from "zod";

/** A business posted a listing: fan it out to the business's followers (docs/requirements.md R3.2–R3.4). */
export const listingCreated = eventType("listing/created", {
  schema: z.object({ listingId: z.uuid(), businessId: z.uuid() }),
});

/**
 * One chunk of a listing's fan-out: followers with `afterUserId < user_id <= throughUserId` (null = open end).
 * One run per chunk keeps each run short (docs/requirements.md R3.3).
 */
export const listingFanOutChunkRequested = eventType("listing/fan-out-chunk-requested", {
  schema: z.object({
    listingId: z.uuid(),
    afterUserId: z.uuid().nullable(),
    throughUserId: z.uuid().nullable(),
  }),
});

/** The email leg of one fan-out chunk (send-listing-emails: decide, then send), requested once its realtime signals are sent. */
export const listingEmailsRequested = eventType("listing/emails-requested", {
  schema: z.object({
    listingId: z.uuid(),
    afterUserId: z.uuid().nullable(),
    throughUserId: z.uuid().nullable(),
  }),
});

/**
 * The realtime signals of one fan-out chunk (signal-listing-chunk: number the new rows in each recipient's
 * inbox sequence and send each recipient their `notification.new`), requested once its in-app rows are written.
 */
export const listingSignalsRequested = eventType("listing/signals-requested", {
  schema: z.object({
    listingId: z.uuid(),
    afterUserId: z.uuid().nullable(),
    throughUserId: z.uuid().nullable(),
  }),
});

/** The push leg of one fan-out chunk (decide-listing-push), requested once its realtime signals are sent. */
export const listingPushRequested = eventType("listing/push-requested", {
  schema: z.object({
    listingId: z.uuid(),
    afterUserId: z.uuid().nullable(),
    throughUserId: z.uuid().nullable(),
  }),
});

/**
 * Send the queued emails of notices written by `notifyUsers` (server/services/delivery/notify.ts): one
 * event per trigger, at most 500 notifications.
 */
export const notificationEmailsRequested = eventType("notifications/emails-requested", {
  schema: z.object({ notificationIds: z.array(z.uuid()).min(1).max(500) }),
});

/**
 * A pickup was scheduled or rescheduled (server/services/pickups/pickups.ts): start its reminder run.
 * `scheduledFrom` is when the service scheduled it (ISO 8601, UTC): reminders whose moment had already
 * passed then are skipped, without reading a clock inside the function.
 */
export const pickupScheduled = eventType("pickup/scheduled", {
  schema: z.object({ pickupId: z.uuid(), version: z.number().int().min(1), scheduledAt: z.iso.datetime(), scheduledFrom: z.iso.datetime() }),
});

/** A pickup was completed or cancelled: reminder runs of older versions are cancelled. */
export const pickupChanged = eventType("pickup/changed", {
  schema: z.object({ pickupId: z.uuid(), version: z.number().int().min(1), status: z.enum(["COMPLETED", "CANCELLED"]) }),
});

/**
 * A user changed their quiet hours or time zone (server/services/preferences/preferences.ts): what quiet hours
 * held for them is due now, and `release-held-deliveries` decides it again at once instead of at its next tick.
 */
export const heldDeliveriesReleaseRequested = eventType("deliveries/held-release-requested", {
  schema: z.object({ userId: z.uuid() }),
});

/**
 * A user snoozed notifications (server/services/notifications/snooze.ts): at `until` they come back to the
 * inbox, unread (inngest/functions/wake-snoozed-notifications.ts).
 */
export const notificationsSnoozed = eventType("notifications/snoozed", {
  schema: z.object({ userId: z.uuid(), ids: z.array(z.uuid()).min(1).max(500), until: z.iso.datetime() }),
});

/** One outbound webhook delivery to try (server/services/webhooks/webhooks.ts; inngest/functions/send-webhook.ts). */
export const webhookDeliveryRequested = eventType("webhook/delivery-requested", { schema: z.object({ deliveryId: z.uuid() }) });

/** An admin started a campaign (now, or the scheduler at its time): fan it out (inngest/functions/campaign-send.ts). */
export const campaignSendRequested = eventType("campaign/send-requested", { schema: z.object({ campaignId: z.uuid() }) });

/** A paused campaign was resumed: its waiting send run continues. */
export const campaignResumed = eventType("campaign/resumed", { schema: z.object({ campaignId: z.uuid() }) });

/** A campaign was cancelled: its send run stops (cancelOn). */
export const campaignCancelled = eventType("campaign/cancelled", { schema: z.object({ campaignId: z.uuid() }) });

/** One chunk of a campaign's audience: users with `afterUserId < id <= throughUserId` (null = open end). */
export const campaignChunkRequested = eventType("campaign/chunk-requested", {
  schema: z.object({ campaignId: z.uuid(), afterUserId: z.uuid().nullable(), throughUserId: z.uuid().nullable() }),
});

/** The email leg of one campaign chunk (same bounds as campaign/chunk-requested). */
export const campaignChunkEmailsRequested = eventType("campaign/chunk-emails-requested", {
  schema: z.object({ campaignId: z.uuid(), afterUserId: z.uuid().nullable(), throughUserId: z.uuid().nullable() }),
});

/**
 * Send the queued web pushes of these notifications (decided by server/services/delivery/mobile-deliveries.ts):
 * at most 500 per event.
 */
export const notificationPushRequested = eventType("notifications/push-requested", {
  schema: z.object({ notificationIds: z.array(z.uuid()).min(1).max(500) }),
});

/** Send the queued text messages of these notifications: at most 500 per event. */
export const notificationSmsRequested = eventType("notifications/sms-requested", {
  schema: z.object({ notificationIds: z.array(z.uuid()).min(1).max(500) }),
});

/**
 * An email of standalone accounts to send (issue 17; server/services/accounts/account-mail.ts): a sign-up's
 * confirmation link (`verify_email`), the note to an existing account's owner that someone signed up with
 * their address (`account_exists`), or a password reset link (`password_reset`). The link's secret is made
 * when the email is sent, so it is never stored in the outbox or a run's state. `address` is the requester's
 * client address (shown in the reset email), `locale` the request's language (for an account that chose none).
 */
export const accountEmailRequested = eventType("accounts/email-requested", {
  schema: z.object({
    kind: z.enum(["verify_email", "account_exists", "password_reset"]),
    userId: z.uuid(),
    requestedAt: z.iso.datetime(),
    address: z.string().max(64).nullable(),
    locale: z.enum(["en", "af", "zu"]).nullable(),
  }),
});
