import "server-only";
/**
 * Admin user management (/admin/users): find accounts by email and change their role. A role change ends
 * every session of that user at once (issue 12 "Sign-out ends the session on the server"): the next
 * request of any of their devices is signed out, and they sign in again with the new role. Each change is
 * recorded in `audit_log` (action "user.role_change").
 */
import { z } from "zod";
import { db } from "../../db";
import { AppError, notFound } from "../errors";
import type { Role } from "../../generated/prisma/client";
import { revokeUserSessions } from "./sessions";

export const ROLES = ["CUSTOMER", "NGO", "BUSINESS", "ADMIN"] as const satisfies readonly Role[];

/** Most accounts {@link findUsers} returns. */
export const FIND_USERS_LIMIT = 25;

/** Input of {@link findUsers} (also the tRPC input). */
export const findUsersInput = z
  .object({
    /** Part of an email address, matched case-insensitively anywhere in it; empty: the newest accounts. */
    email: z.string().trim().max(320, "At most 320 characters").default(""),
  })
  .strict();
export type FindUsersInput = z.input<typeof findUsersInput>;

/** One account as the admin page lists it. */
export interface AdminUserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** The Stripe customer (`cus_…`) the billing webhooks find this account by, or null (../billing/stripe-customers.ts). */
  stripeCustomerId: string | null;
}

/**
 * Accounts whose email contains `input.email` (case-insensitive), the exact match
 * first, then by email; at most {@link FIND_USERS_LIMIT}. With an empty search: the newest accounts.
 * @throws AppError VALIDATION_ERROR for malformed input.
 */
export async function findUsers(input: FindUsersInput): Promise<{ users: AdminUserRow[]; limit: number }> {
  const parsed = findUsersInput.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid input", z.flattenError(parsed.error).fieldErrors);
  const q = parsed.data.email.toLowerCase();
  const rows = await db.user.findMany({
    where: q ? { email: { contains: q, mode: "insensitive" } } : undefined,
    orderBy: q ? { email: "asc" } : { createdAt: "desc" },
    take: FIND_USERS_LIMIT,
    select: { id: true, email: true, name: true, role: true, createdAt: true, stripeCustomerId: true },
  });
  rows.sort((a, b) => Number(b.email === q) - Number(a.email === q));
  return { users: rows.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })), limit: FIND_USERS_LIMIT };
}

/** Input of {@link setUserRole} (also the tRPC input): unknown fields rejected. */
export const setRoleInput = z
  .object({
    userId: z.uuid({ error: "Not a user id." }),
    role: z.enum(ROLES, { error: "Role must be one of CUSTOMER, NGO, BUSINESS, ADMIN." }),
  })
  .strict();
export type SetRoleInput = z.input<typeof setRoleInput>;

/** What a role change did. */
export interface RoleChanged {
  userId: string;
  from: Role;
  to: Role;
  /** Sessions of the user that were signed out (0 when the role did not change). */
  sessionsRevoked: number;
}

/**
 * Gives account `input.userId` the role `input.role`, revokes all of its sessions and records
 * "user.role_change" (`details`: from, to, sessionsRevoked) in `audit_log` with `actorId` as actor, in one
 * transaction. Setting the role it already has changes nothing (no audit entry, no sign-out).
 * @param actorId the admin making the change (the tRPC router checks the ADMIN role).
 * @throws AppError VALIDATION_ERROR for malformed input (not a uuid, unknown role).
 * @throws AppError PERMISSION_DENIED when an admin tries to remove their own admin role (so Herald always
 *   keeps at least the admin who acts; another admin can do it).
 * @throws AppError NOT_FOUND when the account does not exist.
 */
export async function setUserRole(actorId: string, input: SetRoleInput): Promise<RoleChanged> {
  const parsed = setRoleInput.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid input", z.flattenError(parsed.error).fieldErrors);
  const { userId, role } = parsed.data;
  if (userId === actorId && role !== "ADMIN") {
    throw new AppError("PERMISSION_DENIED", "You cannot remove your own admin role. Ask another admin to do it.");
  }
  return db.$transaction(async (tx) => {
    const [user] = await tx.$queryRaw<{ role: Role }[]>`SELECT role::text AS role FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    if (!user) throw notFound("User");
    if (user.role === role) return { userId, from: user.role, to: role, sessionsRevoked: 0 };
    await tx.user.update({ where: { id: userId }, data: { role } });
    const sessionsRevoked = await revokeUserSessions(userId, { db: tx });
    await tx.auditLog.create({
      data: { actorId, action: "user.role_change", targetType: "user", targetId: userId, details: { from: user.role, to: role, sessionsRevoked } },
    });
    return { userId, from: user.role, to: role, sessionsRevoked };
  });
}
