import "server-only";
/**
 * `listing_expiring` (issue 5): 2 hours before a listing expires, followers who got the
 * listing, still follow the business and have not acted on it — not read its notification, not booked a
 * pickup of it — get an in-app reminder. One set-based `INSERT … SELECT` over the business's follows and
 * each follower's `listing:<id>` notification (unique index lookups; never the follower list in memory),
 * idempotent through the dedupe key `listing-expiring:<id>`. The title and body are written in each
 * follower's language (else the platform's), as ./fan-out-listing.ts does.
 */
import { db } from "../../db";
import { NOTIFICATION_TYPES } from "../notifications/catalog";
import { insertNotifications } from "../notifications/inbox-signals";
import { decideMobileChannels } from "./mobile-deliveries";
import { platformLocale, translator } from "../../i18n";
import { LOCALES } from "../../../lib/i18n";

/** How long before expiry the reminder goes out (ms). */
export const EXPIRING_NOTICE_MS = 2 * 3_600_000;

/**
 * When a listing's reminder is due: {@link EXPIRING_NOTICE_MS} before it expires, or null when that is not
 * after it was posted (a listing that expires within 2 hours gets no reminder: the new-listing notice says
 * enough) or the listing is gone.
 * @returns an ISO 8601 time (UTC), or null
 */
export async function expiringReminderAt(listingId: string): Promise<string | null> {
  const listing = await db.listing.findUnique({ where: { id: listingId }, select: { createdAt: true, expiresAt: true } });
  if (!listing) return null;
  const remindAt = listing.expiresAt.getTime() - EXPIRING_NOTICE_MS;
  return remindAt > listing.createdAt.getTime() ? new Date(remindAt).toISOString() : null;
}

/**
 * Writes the reminders for one listing. Nothing for a withdrawn or already expired listing.
 * @param at the current time (UTC)
 * @returns how many reminders were written now
 */
export async function notifyListingExpiring(listingId: string, at = new Date()): Promise<{ inserted: number }> {
  const listing = await db.listing.findUnique({ where: { id: listingId }, include: { business: { select: { name: true } } } });
  if (!listing || listing.status !== "ACTIVE" || listing.expiresAt <= at) return { inserted: 0 };
  const spec = NOTIFICATION_TYPES.listing_expiring;
  // The title and body in every language; each recipient's row takes theirs (else the platform's).
  const texts = Object.fromEntries(
    LOCALES.map((locale) => {
      const t = translator(locale);
      return [locale, { title: t("notice.listingExpiring.title", { business: listing.business.name, listing: listing.title }), body: t("notice.listingExpiring.body") }];
    }),
  );
  const rows = await insertNotifications(
    (tx) => tx.$queryRaw<{ id: string }[]>`
      INSERT INTO notifications (user_id, type, category, priority, title, body, data, action_url, business_id, actor_id, dedupe_key, expires_at)
      SELECT n.user_id, 'listing_expiring', ${spec.category}, ${spec.priority}, tx->>'title', tx->>'body',
             jsonb_build_object('listing_id', ${listing.id}::text, 'expiry_date', ${listing.expiresAt.toISOString()}::text),
             n.action_url, n.business_id, n.actor_id, ${`listing-expiring:${listing.id}`}, ${listing.expiresAt}
      FROM follows f
      JOIN notifications n ON n.user_id = f.user_id AND n.dedupe_key = ${`listing:${listing.id}`}
      JOIN users u ON u.id = f.user_id
      CROSS JOIN LATERAL (SELECT COALESCE(${JSON.stringify(texts)}::jsonb -> u.locale, ${JSON.stringify(texts)}::jsonb -> ${platformLocale()}::text) AS tx) l
      WHERE f.business_id = ${listing.businessId}::uuid AND f.deleted_at IS NULL AND n.read_at IS NULL AND n.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM pickups p WHERE p.listing_id = ${listing.id}::uuid AND p.customer_id = n.user_id)
      ON CONFLICT (user_id, dedupe_key) DO NOTHING
      RETURNING id`,
  );
  for (let i = 0; i < rows.length; i += 5_000) await decideMobileChannels(rows.slice(i, i + 5_000).map((r) => r.id), at);
  return { inserted: rows.length };
}
