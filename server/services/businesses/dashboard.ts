import "server-only";
/**
 * A business's own view (issue "Following and business tools"): followers (keyset pages, filter by
 * customer/NGO, search), an engagement score, and per-post delivery stats.
 *
 * Engagement score: the read rate of the notifications this business caused over the last 30 days,
 * `read ÷ received` (0–1, shown as a percentage); null when nothing was sent. Per follower (HTTP API) the
 * same ratio restricted to that follower. Per-post stats use the admin analytics' counts and formulas
 * (server/services/analytics/metrics.ts), so a business and an admin see the same numbers.
 */
import { db } from "../../db";
import { AppError } from "../errors";
import { decodeCursor, encodeCursor } from "../notifications/list-notifications";
import { METRIC_COUNTS_SQL, METRIC_JOIN_SQL, countsFromRow, deriveMetrics, emptyCounts, type MetricCountColumns } from "../analytics/metrics";

async function ownedBusiness(ownerId: string) {
  const b = await db.business.findUnique({ where: { ownerId }, select: { id: true, name: true, slug: true } });
  if (!b) throw new AppError("PERMISSION_DENIED", "This account has no business profile");
  return b;
}

/** Followers count and the 30-day engagement score. @throws AppError PERMISSION_DENIED */
export async function businessOverview(ownerId: string, now = new Date()) {
  const b = await ownedBusiness(ownerId);
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const [row] = await db.$queryRaw<{ followers: bigint; received: bigint; read: bigint }[]>`
    SELECT (SELECT count(*) FROM follows WHERE business_id = ${b.id}::uuid AND deleted_at IS NULL) AS followers,
           count(*) AS received, count(n.read_at) AS read
    FROM notifications n WHERE n.business_id = ${b.id}::uuid AND n.created_at >= ${since}`;
  const received = Number(row?.received ?? 0);
  const read = Number(row?.read ?? 0);
  return { business: b, followers: Number(row?.followers ?? 0), engagement: { received, read, rate: received ? read / received : null } };
}

/**
 * One page of followers, most recent first (keyset on followed-at, user id).
 * @param opts.role "CUSTOMER" | "NGO" to filter; opts.query matches the name (case-insensitive)
 * @throws AppError PERMISSION_DENIED, VALIDATION_ERROR (bad cursor)
 */
export async function listFollowers(ownerId: string, opts: { cursor?: string | null; limit?: number; role?: "CUSTOMER" | "NGO"; query?: string } = {}) {
  const b = await ownedBusiness(ownerId);
  const limit = Math.min(Math.max(opts.limit ?? 25, 1), 100);
  const c = opts.cursor ? decodeCursor(opts.cursor) : null;
  const q = opts.query?.trim() ? `%${opts.query.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const rows = await db.$queryRaw<{ user_id: string; name: string; role: string; followed_at: Date }[]>`
    SELECT f.user_id, u.name, u.role::text AS role, f.created_at AS followed_at
    FROM follows f JOIN users u ON u.id = f.user_id
    WHERE f.business_id = ${b.id}::uuid AND f.deleted_at IS NULL
      AND (${opts.role ?? null}::text IS NULL OR u.role::text = ${opts.role ?? null})
      AND (${q}::text IS NULL OR u.name ILIKE ${q})
      AND (${c?.createdAt ?? null}::timestamptz IS NULL OR (f.created_at, f.user_id) < (${c?.createdAt ?? null}::timestamptz, ${c?.id ?? null}::uuid))
    ORDER BY f.created_at DESC, f.user_id DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ userId: r.user_id, name: r.name, role: r.role as "CUSTOMER" | "NGO", followedAt: r.followed_at.toISOString() })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.followed_at, last.user_id) : null,
  };
}

/** One post's delivery stats (counts and rates as defined in server/services/analytics/metrics.ts). */
export interface ListingStats {
  listingId: string;
  title: string;
  createdAt: string;
  /** Notifications written to followers. */
  recipients: number;
  /** Read in the inbox. */
  read: number;
  /** read ÷ in-app recipients, null when none. */
  readRate: number | null;
  /** Emails sent (SENT, DELIVERED, BOUNCED, COMPLAINED). Same number as `sent`; kept for existing callers. */
  emailed: number;
  sent: number;
  delivered: number;
  /** delivered ÷ sent, null when no email was sent. */
  deliveryRate: number | null;
  clicked: number;
  /** clicked ÷ sent, null when no email was sent. */
  clickThroughRate: number | null;
  /** Emails whose recipient unsubscribed through that email's link. */
  unsubscribes: number;
  /** unsubscribes ÷ sent, null when no email was sent. */
  unsubscribeRate: number | null;
}

/**
 * Delivery stats of the business's latest listings (newest first, at most `limit`, default 10, max 50),
 * with the same counts and formulas as the admin analytics (server/services/analytics/metrics.ts):
 * recipients, read and read rate, emails sent, delivery rate = delivered ÷ sent, click-through rate =
 * clicked ÷ sent, unsubscribes and unsubscribe rate = unsubscribed ÷ sent (rates null when nothing was
 * sent). One grouped statement for all the listings. @throws AppError PERMISSION_DENIED
 */
export async function listingStats(ownerId: string, limit = 10): Promise<ListingStats[]> {
  const b = await ownedBusiness(ownerId);
  const listings = await db.listing.findMany({ where: { businessId: b.id }, orderBy: { createdAt: "desc" }, take: Math.min(Math.max(limit, 1), 50), select: { id: true, title: true, createdAt: true } });
  if (listings.length === 0) return [];
  const keys = listings.map((l) => `listing:${l.id}`);
  const stats = await db.$queryRaw<(MetricCountColumns & { dedupe_key: string })[]>`
    SELECT n.dedupe_key, ${METRIC_COUNTS_SQL}
    FROM ${METRIC_JOIN_SQL}
    WHERE n.business_id = ${b.id}::uuid AND n.dedupe_key = ANY(${keys})
    GROUP BY n.dedupe_key`;
  const byKey = new Map(stats.map((s) => [s.dedupe_key, deriveMetrics(countsFromRow(s))]));
  return listings.map((l) => {
    const m = byKey.get(`listing:${l.id}`) ?? deriveMetrics(emptyCounts());
    return {
      listingId: l.id,
      title: l.title,
      createdAt: l.createdAt.toISOString(),
      recipients: m.recipients,
      read: m.read,
      readRate: m.readRate,
      emailed: m.sent,
      sent: m.sent,
      delivered: m.delivered,
      deliveryRate: m.deliveryRate,
      clicked: m.clicked,
      clickThroughRate: m.clickThroughRate,
      unsubscribes: m.unsubscribed,
      unsubscribeRate: m.unsubscribeRate,
    };
  });
}
