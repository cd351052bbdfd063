import "server-only";
/**
 * What each host-platform event of `POST /api/v1/events` does beyond listings and pickups (./events.ts has
 * the schemas and the dispatch). Every notice goes through the one notice path
 * (server/services/delivery/notify.ts), so preferences, the critical override, quiet hours, caps,
 * suppression and the delivery log apply as everywhere else. Titles and bodies are {@link noticeText}s
 * (messages/<locale>/notices.json), written in each recipient's language; what the host sent (names, order
 * numbers, notes, comments) goes in as it is.
 */
import type { z } from "zod";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError } from "../errors";
import { notifyUsers, type Notice } from "../delivery/notify";
import { noticeText } from "../delivery/notice-text";
import { recipientLocale } from "../../i18n";
import { cancelPickup, completePickup, localTime, schedulePickup, type PickupInput } from "../pickups/pickups";
import { billingNotice, type BillingEvent } from "../billing/billing-notices";
import type {
  billingData,
  orderStatusChangedData,
  pickupScheduledData,
  reviewReceivedData,
  securityNewLoginData,
  userRegisteredData,
  verificationStatusData,
} from "./events";
import { decimalToCents } from "./events";

export type { BillingEvent };

/** The pickup service's input from an event's snake_case fields. */
export function pickupInput(
  d: Pick<z.output<typeof pickupScheduledData>, "business_id" | "customer_id" | "listing_id" | "order_number" | "confirmation_code" | "location" | "contact_person" | "contact_phone" | "items" | "total" | "currency"> & { pickup_id?: string; order_id?: string },
  scheduledAt: string,
): PickupInput {
  return {
    externalId: d.pickup_id ?? d.order_id ?? "",
    businessId: d.business_id,
    customerId: d.customer_id,
    listingId: d.listing_id ?? null,
    scheduledAt: new Date(scheduledAt),
    ...(d.order_number ? { orderNumber: d.order_number } : {}),
    ...(d.confirmation_code ? { confirmationCode: d.confirmation_code } : {}),
    ...(d.location ? { location: d.location } : {}),
    ...(d.contact_person ? { contactPerson: d.contact_person } : {}),
    ...(d.contact_phone ? { contactPhone: d.contact_phone } : {}),
    ...(d.items ? { items: d.items } : {}),
    ...(d.total ? { totalCents: decimalToCents(d.total) } : {}),
    ...(d.currency ? { currency: d.currency } : {}),
  };
}

/** The id of a notice just written, or of the one a repeated dedupe key found. */
async function noticeId(n: Notice): Promise<string> {
  const r = await notifyUsers([n]);
  if (r.created[0]) return r.created[0].id;
  const found = await db.notification.findUniqueOrThrow({ where: { userId_dedupeKey: { userId: n.userId, dedupeKey: n.dedupeKey } }, select: { id: true } });
  return found.id;
}

async function userOrThrow(userId: string) {
  const u = await db.user.findUnique({ where: { id: userId }, select: { id: true, timezone: true, role: true, name: true, locale: true } });
  if (!u) throw new AppError("NOT_FOUND", "User not found", { user_id: [userId] });
  return u;
}

/** `iso` for `user`, in their time zone and language. */
function userTime(iso: string, user: { timezone: string; locale: string | null }): string {
  return localTime(new Date(iso), user.timezone, recipientLocale(user.locale));
}

/**
 * `order.status_changed`: "confirmed" creates the order's pickup (with reminders) as a business confirming
 * an order; "completed"/"cancelled" end it; "placed"/"preparing"/"ready" tell the customer (`order_status`).
 * @returns the pickup's id, or the notice's id for the informational statuses
 * @throws AppError as the pickup service (NOT_FOUND for completing/cancelling an unknown order)
 */
export async function ingestOrderStatus(d: z.output<typeof orderStatusChangedData>, eventId: string): Promise<string> {
  switch (d.status) {
    case "confirmed":
      return (await schedulePickup(pickupInput(d, d.pickup_at!), { kind: "order" })).pickup.id;
    case "completed":
      return (await completePickup(d.business_id, d.order_id)).id;
    case "cancelled":
      return (await cancelPickup(d.business_id, d.order_id, { cancelledBy: "business", ...(d.reason ? { reason: d.reason } : {}) })).id;
  }
  const [business, customer] = await Promise.all([
    db.business.findUnique({ where: { id: d.business_id }, select: { id: true, name: true } }),
    userOrThrow(d.customer_id),
  ]);
  if (!business) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found", { business_id: d.business_id });
  const order = d.order_number ?? d.order_id;
  return noticeId({
    userId: customer.id,
    type: "order_status",
    title: noticeText("orderStatus.title", { status: d.status, business: business.name }),
    body: d.pickup_at ? noticeText("orderStatus.bodyWithPickup", { order, time: userTime(d.pickup_at, customer) }) : noticeText("orderStatus.body", { order }),
    businessId: business.id,
    actionUrl: "/notifications",
    data: { order_id: d.order_id, order_number: order, status: d.status, ...(d.pickup_at ? { pickup_at: d.pickup_at } : {}) },
    dedupeKey: `order:${business.id}:${d.order_id}:${d.status}:${eventId}`,
  });
}

/**
 * `review.received`: tells the business's owner (in-app; email by their preference).
 * @throws AppError BUSINESS_NOT_FOUND
 */
export async function notifyReview(d: z.output<typeof reviewReceivedData>): Promise<string> {
  const business = await db.business.findUnique({ where: { id: d.business_id }, select: { id: true, name: true, slug: true, ownerId: true } });
  if (!business) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found", { business_id: d.business_id });
  return noticeId({
    userId: business.ownerId,
    type: "review_received",
    title: noticeText("reviewReceived.title", { rating: d.rating, reviewer: d.reviewer_name }),
    body: d.comment?.slice(0, 200) ?? "",
    businessId: business.id,
    actionUrl: `/businesses/${business.slug}`,
    data: { review_id: d.review_id, rating: d.rating, reviewer_name: d.reviewer_name },
    dedupeKey: `review:${d.review_id}`,
    email: {
      businessName: business.name,
      reviewerName: d.reviewer_name,
      rating: d.rating,
      ...(d.comment ? { comment: d.comment } : {}),
      ...(d.listing_name ? { listingName: d.listing_name } : {}),
      ...(d.reviewed_at ? { reviewedAt: d.reviewed_at } : {}),
      reviewUrl: `/businesses/${business.slug}`,
    },
  });
}

const ROLE = { customer: "CUSTOMER", ngo: "NGO", business: "BUSINESS" } as const;

/**
 * `user.registered`: creates the Herald account for a person who signed up on the host platform (no
 * password: they reach Herald through the host, or set one later) and sends the welcome email (critical).
 * @returns the new user's id
 * @throws AppError CONFLICT when an account with that email exists
 */
export async function registerUser(d: z.output<typeof userRegisteredData>): Promise<string> {
  let user: { id: string };
  try {
    user = await db.user.create({
      data: { email: d.email.toLowerCase(), name: d.name, role: ROLE[d.role], passwordHash: "", ...(d.timezone ? { timezone: d.timezone } : {}) },
      select: { id: true },
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("CONFLICT", "An account with this email already exists", { "data.email": ["Already registered"] });
    }
    throw err;
  }
  await notifyUsers([
    {
      userId: user.id,
      type: "welcome",
      title: noticeText("welcome.title"),
      body: noticeText("welcome.body"),
      actionUrl: "/businesses",
      dedupeKey: "welcome",
      email: { role: ROLE[d.role], getStartedUrl: "/businesses" },
    },
  ]);
  return user.id;
}

/**
 * `verification.status_changed` (critical: account).
 * @throws AppError NOT_FOUND (user)
 */
export async function notifyVerification(d: z.output<typeof verificationStatusData>, eventId: string): Promise<string> {
  const user = await userOrThrow(d.user_id);
  return noticeId({
    userId: user.id,
    type: "verification_status",
    title: noticeText("verificationStatus.title", { status: d.status }),
    body: d.note?.slice(0, 200) ?? "",
    actionUrl: "/settings/notifications",
    data: { status: d.status },
    dedupeKey: `event:${eventId}`,
    email: {
      status: d.status,
      ...(d.organisation_name ? { organisationName: d.organisation_name } : {}),
      ...(d.note ? { note: d.note } : {}),
      actionUrl: "/settings/notifications",
    },
  });
}

/**
 * `security.new_login` (critical: never held by quiet hours, never turned off).
 * @throws AppError NOT_FOUND (user)
 */
export async function notifySecurityAlert(d: z.output<typeof securityNewLoginData>, eventId: string): Promise<string> {
  const user = await userOrThrow(d.user_id);
  const where = [d.device, d.location].filter(Boolean).join(", ");
  return noticeId({
    userId: user.id,
    type: "security_alert",
    title: noticeText("securityAlert.title"),
    body: where
      ? noticeText("securityAlert.bodyWithPlace", { place: where, time: userTime(d.occurred_at, user) })
      : noticeText("securityAlert.body", { time: userTime(d.occurred_at, user) }),
    actionUrl: "/settings/tokens",
    data: { occurred_at: d.occurred_at, ...(d.ip_address ? { ip_address: d.ip_address } : {}) },
    dedupeKey: `event:${eventId}`,
    email: {
      event: "new_sign_in",
      occurredAt: d.occurred_at,
      ...(d.ip_address ? { ipAddress: d.ip_address } : {}),
      ...(d.device ? { device: d.device } : {}),
      ...(d.location ? { location: d.location } : {}),
      secureAccountUrl: "/settings/tokens",
    },
  });
}

/**
 * `billing.payment_succeeded` / `payment_failed` / `subscription_expiring` (critical: billing): the notice of
 * ../billing/billing-notices.ts, which Stripe's webhooks send too (issue 17).
 * @throws AppError NOT_FOUND (user)
 */
export async function notifyBilling(event: BillingEvent, d: z.output<typeof billingData>, eventId: string): Promise<string> {
  const user = await userOrThrow(d.user_id);
  return noticeId(
    billingNotice(user, {
      event,
      amount: d.amount,
      currency: d.currency,
      planName: d.plan_name,
      invoiceNumber: d.invoice_number,
      date: d.date,
      paymentMethod: d.payment_method,
      dedupeKey: `event:${eventId}`,
    }),
  );
}
