import "server-only";
/**
 * Host-platform events of `POST /api/v1/events` (DESIGN §1 "a host platform sends events"): the request
 * envelope `{ "name": "<event>", "data": {…} }`, one strict zod schema per supported event name, and the
 * handler that turns each into Herald's own path (never a second copy of it).
 *
 * Supported now: `listing.created` → `createListing` (server/services/listings/create-listing.ts), which
 * stores the listing and emits `listing/created`, so followers are notified exactly as when the business
 * posts with the composer. Any other name answers 422 UNSUPPORTED_EVENT with the supported names (pickups,
 * orders, reviews, billing, security alerts and `user.registered` come in later issues).
 */
import { z } from "zod";
import { db } from "../../db";
import { AppError } from "../errors";
import { createListing, type CreateListingInput } from "../listings/create-listing";
import { ApiFailure } from "./api-key-route";

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
 * `listing.created` data (seed 001 §16.4 new_listing payload, snake_cased). The price is either `price`, a
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

/** Event name → data schema. */
export const EVENT_DATA = { "listing.created": listingCreatedData } as const;
export type SupportedEvent = keyof typeof EVENT_DATA;
export const SUPPORTED_EVENTS = Object.keys(EVENT_DATA) as SupportedEvent[];

export type ParsedEvent = { name: "listing.created"; data: z.output<typeof listingCreatedData> };

const isSupported = (name: string): name is SupportedEvent => Object.hasOwn(EVENT_DATA, name);

/**
 * Validates a request body: the envelope, then the data for its name (field errors under `data.<field>`).
 * @throws ZodError (400) for a bad envelope; ApiFailure 422 UNSUPPORTED_EVENT; AppError VALIDATION_ERROR (400)
 */
export function parseEvent(body: unknown): ParsedEvent {
  const env = eventEnvelope.parse(body);
  if (!isSupported(env.name)) {
    throw new ApiFailure(422, "UNSUPPORTED_EVENT", `Unsupported event "${env.name}"`, { name: [env.name], supported: SUPPORTED_EVENTS });
  }
  const data = EVENT_DATA[env.name].safeParse(env.data);
  if (!data.success) {
    const details: Record<string, string[]> = {};
    for (const issue of data.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [issue.path.map(String).join(".")];
      for (const k of keys) (details[k ? `data.${k}` : "data"] ??= []).push(issue.code === "unrecognized_keys" ? "Unknown field" : issue.message);
    }
    throw new AppError("VALIDATION_ERROR", `Invalid data for "${env.name}"`, details);
  }
  return { name: env.name, data: data.data };
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
export async function ingestListingCreated(d: z.output<typeof listingCreatedData>): Promise<string> {
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
    return (await createListing(business.ownerId, input)).id;
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

/** Runs a validated event; returns the id of what it created. */
export async function ingestEvent(e: ParsedEvent): Promise<string> {
  switch (e.name) {
    case "listing.created":
      return ingestListingCreated(e.data);
  }
}
