import "server-only";
/** The HTTP API's following endpoints (docs/requirements.md R2.4, R15.6) on top of server/services/following. */
import { db } from "../../db";
import { Prisma, type Role } from "../../generated/prisma/client";
import { AppError } from "../errors";
import { listFollowing } from "../following/follow";
import { pageOffset } from "./pagination";
import { businessRef, userType } from "./shapes";

/**
 * A page of the businesses the user follows (docs/requirements.md R2.4), from `listFollowing` (a user follows at most
 * 100 businesses, so the page is cut in memory), with each follow's id.
 */
export async function followingPage(userId: string, page: number, pageSize: number) {
  const offset = pageOffset(page, pageSize);
  const all = await listFollowing(userId);
  const slice = all.slice(offset, offset + pageSize);
  const ids = await db.follow.findMany({
    where: { userId, deletedAt: null, businessId: { in: slice.map((f) => f.business.id) } },
    select: { id: true, businessId: true },
  });
  const followId = new Map(ids.map((f) => [f.businessId, f.id]));
  return {
    count: all.length,
    results: slice.map((f) => ({
      id: followId.get(f.business.id) ?? f.business.id,
      business: {
        ...businessRef(f.business),
        address: f.business.address,
        rating: f.business.rating,
        followers_count: f.business.followersCount,
      },
      followed_at: f.followedAt,
      notification_count: f.notificationCount,
    })),
  };
}

/** Days of history behind {@link followersPage}'s engagement score. */
export const ENGAGEMENT_WINDOW_DAYS = 30;

/**
 * A page of the followers of the caller's business (docs/requirements.md R2.4), most recent first, optionally only
 * customers or only NGOs.
 *
 * `engagement_score` = 10 × read ÷ received, rounded to one decimal, over the notifications this business
 * sent this follower in the last {@link ENGAGEMENT_WINDOW_DAYS} days (a notification counts as received
 * even if the follower later deleted it; as read when it has a `read_at`). 0 when nothing was received.
 * Range 0–10.
 *
 * @throws AppError PERMISSION_DENIED for non-business accounts, BUSINESS_NOT_FOUND for a business account
 *   without a business profile, VALIDATION_ERROR past the pagination cap.
 */
export async function followersPage(user: { id: string; role: Role }, filter: { userType?: "customer" | "ngo" }, page: number, pageSize: number) {
  if (user.role !== "BUSINESS") throw new AppError("PERMISSION_DENIED", "Only business accounts can list followers");
  const business = await db.business.findUnique({ where: { ownerId: user.id }, select: { id: true } });
  if (!business) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found");
  const offset = pageOffset(page, pageSize, "filter by user_type");
  const role = filter.userType === "ngo" ? Prisma.sql`AND u.role = 'NGO'` : filter.userType === "customer" ? Prisma.sql`AND u.role = 'CUSTOMER'` : Prisma.empty;
  const since = new Date(Date.now() - ENGAGEMENT_WINDOW_DAYS * 86_400_000);
  const [countRows, rows] = await Promise.all([
    db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM follows f JOIN users u ON u.id = f.user_id
      WHERE f.business_id = ${business.id}::uuid AND f.deleted_at IS NULL ${role}`,
    db.$queryRaw<{ id: string; user_id: string; name: string; role: string; followed_at: Date; received: bigint; read: bigint }[]>`
      SELECT f.id, u.id AS user_id, u.name, u.role::text AS role, f.created_at AS followed_at, e.received, e.read
      FROM follows f
      JOIN users u ON u.id = f.user_id
      CROSS JOIN LATERAL (
        SELECT count(*) AS received, count(n.read_at) AS read
        FROM notifications n
        WHERE n.user_id = f.user_id AND n.business_id = f.business_id AND n.created_at >= ${since}::timestamptz
      ) e
      WHERE f.business_id = ${business.id}::uuid AND f.deleted_at IS NULL ${role}
      ORDER BY f.created_at DESC, f.id DESC
      LIMIT ${pageSize} OFFSET ${offset}`,
  ]);
  return {
    count: Number(countRows[0]?.n ?? 0),
    results: rows.map((r) => ({
      id: r.id,
      user: { id: r.user_id, name: r.name, user_type: userType(r.role), profile_image: null },
      followed_at: r.followed_at.toISOString(),
      engagement_score: engagementScore(Number(r.read), Number(r.received)),
    })),
  };
}

/** 10 × read ÷ received, one decimal; 0 when nothing was received. */
export function engagementScore(read: number, received: number): number {
  return received > 0 ? Math.round((100 * read) / received) / 10 : 0;
}
