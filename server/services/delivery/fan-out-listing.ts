import "server-only";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError } from "../errors";
import { NOTIFICATION_TYPES } from "../notifications/catalog";
import { signalNewNotifications } from "../notifications/inbox-signals";
import { decideMobileChannels } from "./mobile-deliveries";
import { reachableSql } from "./mobile-decisions";
import { observeFanOutChunk } from "../metrics/metrics";
import { platformLocale, translator } from "../../i18n";
import { INTL_LOCALE, LOCALES } from "../../../lib/i18n";
import { formatPrice } from "../../../lib/price";
import { objectStorage } from "../storage/storage";

/** Followers per fan-out chunk (one executor run each). */
export const FAN_OUT_CHUNK_SIZE = 5_000;

/** A chunk is the followers with `afterUserId < user_id <= throughUserId`; null means unbounded. */
export interface FanOutChunk {
  afterUserId: string | null;
  throughUserId: string | null;
}

/**
 * The chunk's followers' notifications for a listing, as SQL `FROM` items: `f` (follows) → `n`
 * (notifications, found by the unique `(user_id, dedupe_key)` index). The email and push legs read it.
 */
export function chunkNotifications(listingId: string, businessId: string, chunk: FanOutChunk): Prisma.Sql {
  return Prisma.sql`follows f
    JOIN notifications n ON n.user_id = f.user_id AND n.dedupe_key = ${`listing:${listingId}`}
    WHERE f.business_id = ${businessId}::uuid AND f.deleted_at IS NULL
      AND (${chunk.afterUserId}::uuid IS NULL OR f.user_id > ${chunk.afterUserId}::uuid)
      AND (${chunk.throughUserId}::uuid IS NULL OR f.user_id <= ${chunk.throughUserId}::uuid)`;
}

/**
 * Splits a business's active followers into chunks of `chunkSize` by user id, with one index-only pass over
 * `follows_business_id_user_id_idx` that returns only every `chunkSize`-th id: followers are never loaded
 * into memory (docs/requirements.md R3.3). The last chunk is open-ended so followers who arrive meanwhile are included.
 */
export async function planFanOutChunks(businessId: string, chunkSize = FAN_OUT_CHUNK_SIZE): Promise<FanOutChunk[]> {
  const rows = await db.$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM (
      SELECT user_id, row_number() OVER (ORDER BY user_id) AS rn
      FROM follows WHERE business_id = ${businessId}::uuid AND deleted_at IS NULL
    ) numbered
    WHERE rn % ${chunkSize} = 0
    ORDER BY user_id`;
  const chunks: FanOutChunk[] = [];
  let after: string | null = null;
  for (const r of rows) {
    chunks.push({ afterUserId: after, throughUserId: r.user_id });
    after = r.user_id;
  }
  chunks.push({ afterUserId: after, throughUserId: null });
  return chunks;
}

/**
 * Writes the `new_listing` in-app notification for every active follower in the chunk with one
 * `INSERT … SELECT … ON CONFLICT DO NOTHING` (idempotent: dedupe key `listing:<id>` is unique per
 * recipient, so a retried or repeated chunk inserts nothing new). The realtime signals
 * ({@link signalListingChunk}) and the push and email legs ({@link decideListingPush},
 * ./send-listing-emails.ts) run after it, each in a run of its own, so a large fan-out writes every inbox
 * row first. The business owner never notifies themself.
 * @returns how many notifications were created now
 * @throws AppError NOT_FOUND when the listing does not exist
 */
export async function deliverListingChunk(listingId: string, chunk: FanOutChunk): Promise<{ inserted: number }> {
  const started = performance.now();
  const listing = await db.listing.findUnique({
    where: { id: listingId },
    include: { business: { select: { id: true, name: true, ownerId: true } } },
  });
  if (!listing) throw new AppError("NOT_FOUND", "Listing not found");
  const spec = NOTIFICATION_TYPES.new_listing;
  const price = (listing.priceCents / 100).toFixed(2);
  // The title and body in every language; each recipient's row takes theirs (else the platform's).
  // Times stay in `data` (ISO 8601, UTC): each reader's inbox shows them in the reader's own time zone.
  const texts = Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      {
        title: translator(locale)("notification.newListing.title", { business: listing.business.name, listing: listing.title }),
        body: [formatPrice(listing.priceCents, listing.currency, INTL_LOCALE[locale]), listing.description.slice(0, 160)].filter(Boolean).join(" · "),
      },
    ]),
  );
  const data = {
    listing_id: listing.id,
    business_id: listing.business.id,
    listing_name: listing.title,
    price,
    currency: listing.currency,
    pickup_start: listing.pickupStart.toISOString(),
    pickup_end: listing.pickupEnd.toISOString(),
    expiry_date: listing.expiresAt.toISOString(),
    ...(listing.imageKey ? { image_url: objectStorage().publicUrl(listing.imageKey) } : {}),
  };
  const inserted = await db.$executeRaw`
    INSERT INTO notifications (user_id, type, category, priority, title, body, data, action_url,
                               business_id, actor_id, dedupe_key, expires_at)
    SELECT f.user_id, 'new_listing', ${spec.category}, ${spec.priority}, tx->>'title', tx->>'body', ${JSON.stringify(data)}::jsonb,
           ${`/listings/${listing.id}`}, ${listing.business.id}::uuid, ${listing.business.ownerId}::uuid,
           ${`listing:${listing.id}`}, ${listing.expiresAt}
    FROM follows f
    JOIN users u ON u.id = f.user_id
    CROSS JOIN LATERAL (SELECT COALESCE(${JSON.stringify(texts)}::jsonb -> u.locale, ${JSON.stringify(texts)}::jsonb -> ${platformLocale()}::text) AS tx) l
    WHERE f.business_id = ${listing.business.id}::uuid AND f.deleted_at IS NULL
      AND f.user_id <> ${listing.business.ownerId}::uuid
      AND (${chunk.afterUserId}::uuid IS NULL OR f.user_id > ${chunk.afterUserId}::uuid)
      AND (${chunk.throughUserId}::uuid IS NULL OR f.user_id <= ${chunk.throughUserId}::uuid)
    ON CONFLICT (user_id, dedupe_key) DO NOTHING`;
  observeFanOutChunk("listing", inserted, (performance.now() - started) / 1000);
  return { inserted };
}

/**
 * The realtime leg of one fan-out chunk: numbers the chunk's unread rows of the listing in their recipients'
 * inbox sequences and sends each recipient their `notification.new` (../notifications/inbox-signals.ts
 * `signalNewNotifications`). Run once the rows are written; a rerun numbers and sends them again, which a
 * browser takes as "nothing new" (docs/architecture.md "Live inbox").
 * @returns how many signals were sent
 * @throws AppError NOT_FOUND when the listing does not exist
 */
export async function signalListingChunk(listingId: string, chunk: FanOutChunk): Promise<{ signalled: number }> {
  const listing = await db.listing.findUnique({ where: { id: listingId }, select: { businessId: true } });
  if (!listing) throw new AppError("NOT_FOUND", "Listing not found");
  const rows = await db.$queryRaw<{ id: string; userId: string }[]>`
    SELECT n.id, n.user_id AS "userId" FROM ${chunkNotifications(listingId, listing.businessId, chunk)}`;
  return { signalled: await signalNewNotifications(rows) };
}

/**
 * The push leg of one fan-out chunk: the web-push decision for every notification of the listing in the
 * chunk (./mobile-deliveries.ts `decideMobileChannels`: one set-based INSERT, idempotent), which queues the
 * sends (push is due within 5 s of the post).
 * @returns decisions by status, e.g. `{ QUEUED: 12, SKIPPED: 3 }` (people without push get none)
 * @throws AppError NOT_FOUND when the listing does not exist
 */
export async function decideListingPush(listingId: string, chunk: FanOutChunk): Promise<Record<string, number>> {
  const listing = await db.listing.findUnique({ where: { id: listingId }, select: { businessId: true } });
  if (!listing) throw new AppError("NOT_FOUND", "Listing not found");
  // Only recipients with an active push subscription get a decision (the others cannot receive push at
  // all): in a chunk where nobody turned push on this is one index probe per follower and nothing more.
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT n.id FROM ${chunkNotifications(listingId, listing.businessId, chunk)} AND ${reachableSql("PUSH")}`;
  return (await decideMobileChannels(rows.map((r) => r.id))).PUSH;
}
