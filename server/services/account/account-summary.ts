import "server-only";
/**
 * What the account page (/settings/account) tells a person before they delete their account: their email
 * (to type as confirmation), how much will be deleted, the business that goes with them, and whether they
 * are the last admin (deletion is then refused: server/services/account/delete-account.ts).
 */
import { db } from "../../db";
import { notFound } from "../errors";

export interface AccountSummary {
  email: string;
  role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN";
  /** The business deleted with the account, if they own one. */
  businessName: string | null;
  /** True when the account is the only ADMIN (it cannot be deleted). */
  isLastAdmin: boolean;
  counts: { notifications: number; follows: number; personalAccessTokens: number; pickups: number };
}

/**
 * The signed-in user's account summary.
 * @throws AppError NOT_FOUND when the account does not exist (e.g. deleted in another tab).
 */
export async function accountSummary(userId: string): Promise<AccountSummary> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      email: true,
      role: true,
      business: { select: { name: true } },
      _count: { select: { notifications: true, follows: { where: { deletedAt: null } }, accessTokens: { where: { revokedAt: null } }, pickups: true } },
    },
  });
  if (!user) throw notFound("Account");
  const otherAdmins = user.role === "ADMIN" ? await db.user.count({ where: { role: "ADMIN", id: { not: userId } } }) : 1;
  return {
    email: user.email,
    role: user.role,
    businessName: user.business?.name ?? null,
    isLastAdmin: user.role === "ADMIN" && otherAdmins === 0,
    counts: {
      notifications: user._count.notifications,
      follows: user._count.follows,
      personalAccessTokens: user._count.accessTokens,
      pickups: user._count.pickups,
    },
  };
}
