import "server-only";
/**
 * Host-platform events of `POST /api/v1/events` (docs/requirements.md R15.2): the request
 * envelope `{ "name": "<event>", "data": {…} }`, one strict zod schema per supported event name, and the
 * handler that turns each into Herald's own path (never a second copy of it).
 *
 * `listing.created` → `createListing` (server/services/listings/create-listing.ts), which stores the listing
 * and emits `listing/created`, so followers are notified exactly as when the business posts with the
 * composer. `pickup.*` and `order.status_changed` → the pickup service (server/services/pickups), which
 * notifies both sides and schedules reminders. `review.received`, `user.registered`,
 * `verification.status_changed`, `security.new_login` and `billing.*` → notices through the one notice
 * path (./event-handlers.ts). Any other name answers 422 UNSUPPORTED_EVENT with the supported names.
 */
import { z } from "zod";
import { db } from "../../db";
import { AppError } from "../errors";
import { createListing, type CreateListingInput } from "../listings/create-listing";
import { HttpFailure } from "./contract";
import { isTimeZone } from "../../../lib/time-zone";
import { cancelPickup, completePickup, confirmPickup, reschedulePickup, schedulePickup } from "../pickups/pickups";
import {
  ingestOrderStatus,
  notifyBilling,
  notifyReview,
  notifySecurityAlert,
  notifyVerification,
  pickupInput,
  registerUser,
  type BillingEvent,
} from "./event-handlers";

/** The request body: an event name and its data (validated per name by {@link EVENT_DATA}). */
export const eventEnvelope = z
  .object({
    name: z.string().min(1, "Give the event name").max(100, "At most 100 characters"),
    data: z.record(z.string(), z.unknown(), "Must be an object"),
  })
  .strict();

/** ISO 8601 date-time with an offset or `Z`. */
const instant = () => z.iso.datetime({ offset: true, message: "Must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T10:00:00Z" });

/**
 * `listing.created` data (docs/requirements.md R3.1, snake_cased). The price is either `price`, a
 * decimal string in major units (`"30.00"`), or `price_cents` in minor units — exactly one. Listings are in
 * ZAR for now (the listing service's only currency). Business rules (pickup window order, at most 7 days,
 * expiry in the future, title length, price range) are the listing service's own.
 */
export const listingCreatedData = z
  .object({
    business_id: z.uuid("Must be a UUID"),
    title: z.string(),
    description: z.string().optional(),
    price: z.string().regex(/^\d{1,7}(\.\d{1,2})?$/, 'A decimal string in major units, e.g. "30.00"').optional(),
    price_cents: z.number().int("Whole cents").optional(),
    currency: z.enum(["ZAR"], "Only ZAR is supported").optional(),
    pickup_start: instant(),
    pickup_end: instant(),
    expires_at: instant(),
  })
  .strict()
  .refine((d) => (d.price === undefined) !== (d.price_cents === undefined), { message: "Send exactly one of price and price_cents", path: ["price"] });

const text = (max: number) => z.string().trim().min(1, "Required").max(max, `At most ${max} characters`);
const hostId = () => text(100);
const decimal = () => z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'A decimal string in major units, e.g. "30.00"');
const currencyCode = () => z.string().regex(/^[A-Z]{3}$/, "An ISO 4217 code such as ZAR");
const items = () =>
  z
    .array(z.object({ name: text(200), quantity: z.number().int().min(1).max(100_000) }).strict())
    .max(100, "At most 100 items");

/** Fields of a pickup's details, shared by `pickup.scheduled` and `order.status_changed`. */
const pickupDetails = {
  listing_id: z.uuid("Must be a UUID").optional(),
  order_number: text(64).optional(),
  confirmation_code: text(32).optional(),
  location: text(300).optional(),
  contact_person: text(100).optional(),
  contact_phone: text(40).optional(),
  items: items().optional(),
  total: decimal().optional(),
  currency: currencyCode().optional(),
};

/** `pickup.scheduled` (docs/requirements.md R12.1): the same `pickup_id` again with another time reschedules. */
export const pickupScheduledData = z
  .object({ pickup_id: hostId(), business_id: z.uuid("Must be a UUID"), customer_id: z.uuid("Must be a UUID"), scheduled_at: instant(), ...pickupDetails })
  .strict();
/** `pickup.confirmed` / `pickup.completed`: the business's pickup by the host's id. */
export const pickupRefData = z.object({ pickup_id: hostId(), business_id: z.uuid("Must be a UUID") }).strict();
export const pickupRescheduledData = z.object({ pickup_id: hostId(), business_id: z.uuid("Must be a UUID"), scheduled_at: instant() }).strict();
export const pickupCancelledData = z
  .object({
    pickup_id: hostId(),
    business_id: z.uuid("Must be a UUID"),
    cancelled_by: z.enum(["business", "customer", "system"]),
    reason: text(1000).optional(),
  })
  .strict();

/**
 * `order.status_changed` (docs/requirements.md R12.1–R12.2). `confirmed` needs `pickup_at` and
 * creates the order's pickup (with reminders); `completed` and `cancelled` end it; `placed`, `preparing` and
 * `ready` tell the customer.
 */
export const orderStatusChangedData = z
  .object({
    order_id: hostId(),
    business_id: z.uuid("Must be a UUID"),
    customer_id: z.uuid("Must be a UUID"),
    status: z.enum(["placed", "preparing", "ready", "confirmed", "completed", "cancelled"]),
    pickup_at: instant().optional(),
    reason: text(1000).optional(),
    ...pickupDetails,
  })
  .strict()
  .refine((d) => d.status !== "confirmed" || d.pickup_at !== undefined, { message: "Required when the status is confirmed", path: ["pickup_at"] });

/** `review.received` (docs/requirements.md R4.1): to the business's owner. */
export const reviewReceivedData = z
  .object({
    review_id: hostId(),
    business_id: z.uuid("Must be a UUID"),
    reviewer_name: text(100),
    rating: z.number().int("Whole stars").min(1, "1 to 5").max(5, "1 to 5"),
    comment: text(5000).optional(),
    listing_name: text(200).optional(),
    reviewed_at: instant().optional(),
  })
  .strict();

/** `user.registered` (docs/requirements.md R1.2): creates the Herald account (no password; sign-in by the host) and welcomes it. */
export const userRegisteredData = z
  .object({
    email: z.email("Must be an email address").max(254),
    name: text(100),
    role: z.enum(["customer", "ngo", "business"]),
    timezone: z.string().max(64).refine(isTimeZone, "An IANA time zone such as Africa/Johannesburg").optional(),
  })
  .strict();

/** `verification.status_changed` (docs/requirements.md R4.1). */
export const verificationStatusData = z
  .object({
    user_id: z.uuid("Must be a UUID"),
    status: z.enum(["approved", "rejected", "pending"]),
    organisation_name: text(200).optional(),
    note: text(2000).optional(),
  })
  .strict();

/** `security.new_login` (docs/requirements.md R4.1): a sign-in from a new device or place. */
export const securityNewLoginData = z
  .object({
    user_id: z.uuid("Must be a UUID"),
    occurred_at: instant(),
    ip_address: text(64).optional(),
    device: text(200).optional(),
    location: text(200).optional(),
  })
  .strict();

/** `billing.*` (docs/requirements.md R4.1, R23.4): amounts are decimal strings in major units. */
export const billingData = z
  .object({
    user_id: z.uuid("Must be a UUID"),
    amount: decimal(),
    currency: currencyCode(),
    plan_name: text(100).optional(),
    invoice_number: text(64).optional(),
    /** Payment date, or the expiry date for subscription_expiring. */
    date: instant().optional(),
    payment_method: text(100).optional(),
  })
  .strict();

/** Event name → data schema (issue 4: the catalog's triggers; docs/requirements.md R4.1, R15.2). */
export const EVENT_DATA = {
  "listing.created": listingCreatedData,
  "pickup.scheduled": pickupScheduledData,
  "pickup.confirmed": pickupRefData,
  "pickup.rescheduled": pickupRescheduledData,
  "pickup.completed": pickupRefData,
  "pickup.cancelled": pickupCancelledData,
  "order.status_changed": orderStatusChangedData,
  "review.received": reviewReceivedData,
  "user.registered": userRegisteredData,
  "verification.status_changed": verificationStatusData,
  "security.new_login": securityNewLoginData,
  "billing.payment_succeeded": billingData,
  "billing.payment_failed": billingData,
  "billing.subscription_expiring": billingData,
} as const;
export type SupportedEvent = keyof typeof EVENT_DATA;
export const SUPPORTED_EVENTS = Object.keys(EVENT_DATA) as SupportedEvent[];

/** A validated event: its name and the output of its data schema. */
export type ParsedEvent = { [N in SupportedEvent]: { name: N; data: z.output<(typeof EVENT_DATA)[N]> } }[SupportedEvent];

const isSupported = (name: string): name is SupportedEvent => Object.hasOwn(EVENT_DATA, name);

/**
 * Validates a request body: the envelope, then the data for its name (field errors under `data.<field>`).
 * @throws ZodError (400) for a bad envelope; HttpFailure 422 UNSUPPORTED_EVENT; AppError VALIDATION_ERROR (400)
 */
export function parseEvent(body: unknown): ParsedEvent {
  const env = eventEnvelope.parse(body);
  if (!isSupported(env.name)) {
    throw new HttpFailure(422, "UNSUPPORTED_EVENT", `Unsupported event "${env.name}"`, { name: [env.name], supported: SUPPORTED_EVENTS });
  }
  const data = (EVENT_DATA[env.name] as z.ZodType).safeParse(env.data);
  if (!data.success) {
    const details: Record<string, string[]> = {};
    for (const issue of data.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [issue.path.map(String).join(".")];
      for (const k of keys) (details[k ? `data.${k}` : "data"] ??= []).push(issue.code === "unrecognized_keys" ? "Unknown field" : issue.message);
    }
    throw new AppError("VALIDATION_ERROR", `Invalid data for "${env.name}"`, details);
  }
  return { name: env.name, data: data.data } as ParsedEvent;
}

/** `"30.5"` → 3050 (string arithmetic, no floating point). */
export function decimalToCents(price: string): number {
  const [whole = "0", frac = ""] = price.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
}

const LISTING_FIELD: Record<string, string> = {
  title: "data.title",
  description: "data.description",
  priceCents: "data.price_cents",
  pickupStart: "data.pickup_start",
  pickupEnd: "data.pickup_end",
  expiresAt: "data.expires_at",
};

/**
 * Creates the listing of a `listing.created` event for its business, as the business's owner, through
 * `createListing` (which emits `listing/created` → fan-out to followers).
 * @returns the new listing's id
 * @throws AppError BUSINESS_NOT_FOUND (404); VALIDATION_ERROR (400) with `data.<field>` details
 */
export async function ingestListingCreated(d: z.output<typeof listingCreatedData>, eventId: string): Promise<string> {
  const business = await db.business.findUnique({ where: { id: d.business_id }, select: { ownerId: true } });
  if (!business) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found", { business_id: d.business_id });
  const input: CreateListingInput = {
    title: d.title,
    description: d.description ?? "",
    priceCents: d.price_cents ?? decimalToCents(d.price ?? "0"),
    pickupStart: d.pickup_start,
    pickupEnd: d.pickup_end,
    expiresAt: d.expires_at,
  };
  try {
    return (await createListing(business.ownerId, input, { id: eventId })).id;
  } catch (err) {
    if (err instanceof AppError && err.code === "VALIDATION_ERROR" && err.details) {
      const details: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(err.details)) {
        details[k === "priceCents" && d.price !== undefined ? "data.price" : (LISTING_FIELD[k] ?? `data.${k}`)] = v;
      }
      throw new AppError("VALIDATION_ERROR", err.message, details);
    }
    throw err;
  }
}

/**
 * Runs a validated event.
 * @param eventId the request's stable id (see `eventIdFor`): the id of a created listing, and the dedupe
 *   key of notices that have no id of their own on the host platform
 * @returns the id of what the event created or changed: the listing, the pickup, the user, or the notification
 */
export async function ingestEvent(e: ParsedEvent, eventId: string): Promise<string> {
  switch (e.name) {
    case "listing.created":
      return ingestListingCreated(e.data, eventId);
    case "pickup.scheduled":
      return (await schedulePickup(pickupInput(e.data, e.data.scheduled_at), { kind: "booking" })).pickup.id;
    case "pickup.confirmed":
      return (await confirmPickup(e.data.business_id, e.data.pickup_id)).id;
    case "pickup.rescheduled":
      return (await reschedulePickup(e.data.business_id, e.data.pickup_id, new Date(e.data.scheduled_at))).id;
    case "pickup.completed":
      return (await completePickup(e.data.business_id, e.data.pickup_id)).id;
    case "pickup.cancelled":
      return (await cancelPickup(e.data.business_id, e.data.pickup_id, { cancelledBy: e.data.cancelled_by, reason: e.data.reason })).id;
    case "order.status_changed":
      return ingestOrderStatus(e.data, eventId);
    case "review.received":
      return notifyReview(e.data);
    case "user.registered":
      return registerUser(e.data);
    case "verification.status_changed":
      return notifyVerification(e.data, eventId);
    case "security.new_login":
      return notifySecurityAlert(e.data, eventId);
    case "billing.payment_succeeded":
    case "billing.payment_failed":
    case "billing.subscription_expiring":
      return notifyBilling(e.name.slice("billing.".length) as BillingEvent, e.data, eventId);
  }
}
