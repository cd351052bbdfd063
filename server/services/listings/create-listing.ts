import "server-only";
import { z } from "zod";
import { isStorageKey, objectStorage } from "../storage/storage";
import { db } from "../../db";
import { AppError } from "../errors";
import { listingCreated } from "../../events";
import { withEvents } from "../outbox/outbox";

/** Composer input (docs/requirements.md R3.1). Times are ISO 8601; price in minor units. */
export const createListingInput = z
  .object({
    title: z.string().trim().min(3, "At least 3 characters").max(120, "At most 120 characters"),
    description: z.string().trim().max(2000, "At most 2,000 characters").default(""),
    priceCents: z.number().int("Whole cents").min(0, "Price cannot be negative").max(10_000_000, "Price is too high"),
    pickupStart: z.coerce.date(),
    pickupEnd: z.coerce.date(),
    expiresAt: z.coerce.date(),
    /** The photo uploaded for it (`POST /api/uploads`), if any. */
    imageKey: z.string().max(100).refine(isStorageKey, "Upload the photo again").optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.pickupEnd <= v.pickupStart) ctx.addIssue({ code: "custom", path: ["pickupEnd"], message: "Pickup must end after it starts" });
    if (v.expiresAt <= new Date()) ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "Expiry must be in the future" });
    if (v.pickupEnd.getTime() - v.pickupStart.getTime() > 7 * 86_400_000) {
      ctx.addIssue({ code: "custom", path: ["pickupEnd"], message: "A pickup window is at most 7 days" });
    }
  });
export type CreateListingInput = z.input<typeof createListingInput>;

/**
 * Creates a listing for the business the user owns and records `listing/created` in the same transaction
 * (the outbox, ../outbox/outbox.ts), which fans it out to the business's followers
 * (inngest/functions/fan-out-listing.ts) once the relay has sent it. Never waits on the job engine.
 * @param opts.id a fixed id (the events API's per-request id): when a listing with it already exists (a
 *   retry after a crash), that listing is returned as it is; its event was recorded with it
 * @throws AppError PERMISSION_DENIED when the user owns no business; VALIDATION_ERROR for bad input.
 */
export async function createListing(ownerUserId: string, input: CreateListingInput, opts: { id?: string } = {}) {
  const parsed = createListingInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", "The listing is not valid", z.flattenError(parsed.error).fieldErrors);
  }
  const business = await db.business.findUnique({ where: { ownerId: ownerUserId }, select: { id: true } });
  if (!business) throw new AppError("PERMISSION_DENIED", "Only a business owner can post listings");
  const existing = opts.id ? await db.listing.findUnique({ where: { id: opts.id } }) : null;
  if (existing) return existing;
  return withEvents(async (tx, emit) => {
    const listing = await tx.listing.create({ data: { ...parsed.data, businessId: business.id, ...(opts.id ? { id: opts.id } : {}) } });
    await emit(listingCreated.create({ listingId: listing.id, businessId: business.id }));
    return listing;
  });
}

/**
 * A listing with its business and its photo's URL (null without one), for the listing page.
 * @throws AppError NOT_FOUND
 */
export async function getListing(id: string) {
  const listing = await db.listing.findUnique({
    where: { id },
    include: { business: { select: { id: true, name: true, slug: true, address: true, logoColor: true } } },
  });
  if (!listing) throw new AppError("NOT_FOUND", "Listing not found");
  return { ...listing, imageUrl: listing.imageKey ? objectStorage().publicUrl(listing.imageKey) : null };
}

/** A business's latest listings, newest first (at most `limit`, default 20). */
export async function listBusinessListings(businessId: string, limit = 20) {
  return db.listing.findMany({ where: { businessId }, orderBy: { createdAt: "desc" }, take: Math.min(limit, 100) });
}
