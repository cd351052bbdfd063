import "server-only";
import { db } from "../../db";
import { AppError } from "../errors";
import { signalBusiness } from "../realtime";
import type { Role } from "../../generated/prisma/client";

/** At most this many active follows per user (docs/requirements.md R2.2). */
export const MAX_FOLLOWS = 100;

/**
 * Follows a business (docs/requirements.md R2.1, R2.2): only customers and NGOs follow; at most {@link MAX_FOLLOWS};
 * a soft-deleted follow is restored rather than duplicated. The user row is locked for the check so two
 * concurrent follows cannot pass the limit together. Signals `business.new_follower` (R2.3).
 * @returns `created` true for a new follow, false for a restored one; the business's follower total.
 * @throws AppError PERMISSION_DENIED (role), BUSINESS_NOT_FOUND, ALREADY_FOLLOWING (409),
 *   FOLLOW_LIMIT_REACHED (422)
 */
export async function followBusiness(user: { id: string; role: Role }, businessId: string) {
  if (user.role !== "CUSTOMER" && user.role !== "NGO") {
    throw new AppError("PERMISSION_DENIED", "Only customers and NGOs can follow businesses");
  }
  const result = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${user.id}::uuid FOR UPDATE`;
    const business = await tx.business.findUnique({ where: { id: businessId }, select: { id: true, name: true, slug: true, logoColor: true } });
    if (!business) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found", { business_id: businessId });
    const existing = await tx.follow.findUnique({ where: { userId_businessId: { userId: user.id, businessId } } });
    if (existing && !existing.deletedAt) throw new AppError("ALREADY_FOLLOWING", `You already follow ${business.name}`);
    const active = await tx.follow.count({ where: { userId: user.id, deletedAt: null } });
    if (active >= MAX_FOLLOWS) {
      throw new AppError("FOLLOW_LIMIT_REACHED", `You can follow at most ${MAX_FOLLOWS} businesses. Unfollow one to follow another.`, {
        limit: MAX_FOLLOWS,
      });
    }
    const follow = existing
      ? await tx.follow.update({ where: { id: existing.id }, data: { deletedAt: null, createdAt: new Date() } })
      : await tx.follow.create({ data: { userId: user.id, businessId } });
    const totalFollowers = await tx.follow.count({ where: { businessId, deletedAt: null } });
    return { follow, business, created: !existing, totalFollowers };
  });
  const u = await db.user.findUnique({ where: { id: user.id }, select: { id: true, name: true, role: true } });
  await signalBusiness(businessId, "business.new_follower", {
    follower: { id: user.id, name: u?.name ?? "", user_type: u?.role.toLowerCase() },
    total_followers: result.totalFollowers,
  });
  return result;
}

/**
 * Unfollows (soft delete, docs/requirements.md R2.3); refollowing restores the same row.
 * @throws AppError NOT_FOUND when the user does not follow the business.
 */
export async function unfollowBusiness(userId: string, businessId: string): Promise<void> {
  const n = await db.follow.updateMany({ where: { userId, businessId, deletedAt: null }, data: { deletedAt: new Date() } });
  if (n.count === 0) throw new AppError("NOT_FOUND", "You do not follow this business");
}

/** The businesses a user follows, most recently followed first, with follower totals (docs/requirements.md R2.4). */
export async function listFollowing(userId: string) {
  const rows = await db.$queryRaw<
    { business_id: string; name: string; slug: string; address: string; rating: number; logo_color: string; followed_at: Date; followers_count: bigint; notification_count: bigint }[]
  >`
    SELECT b.id AS business_id, b.name, b.slug, b.address, b.rating, b.logo_color, f.created_at AS followed_at,
           (SELECT count(*) FROM follows f2 WHERE f2.business_id = b.id AND f2.deleted_at IS NULL) AS followers_count,
           (SELECT count(*) FROM notifications n WHERE n.user_id = f.user_id AND n.business_id = b.id AND n.deleted_at IS NULL) AS notification_count
    FROM follows f JOIN businesses b ON b.id = f.business_id
    WHERE f.user_id = ${userId}::uuid AND f.deleted_at IS NULL
    ORDER BY f.created_at DESC, b.id`;
  return rows.map((r) => ({
    business: { id: r.business_id, name: r.name, slug: r.slug, address: r.address, rating: r.rating, logoColor: r.logo_color, followersCount: Number(r.followers_count) },
    followedAt: r.followed_at.toISOString(),
    notificationCount: Number(r.notification_count),
  }));
}
