import "server-only";
import bcrypt from "bcryptjs";
import { db } from "../../db";
import type { Role } from "../../generated/prisma/client";

/**
 * Checks an email + password. Runs a bcrypt comparison even for unknown emails so timing does not reveal
 * which emails have accounts.
 * @returns the user's id, name, email and role, and whether the address is confirmed (`emailVerified`: false
 *   only for an account made at /signup whose link was not followed yet, which server/auth.ts keeps out), or
 *   null when the pair is wrong.
 */
export async function verifyCredentials(email: string, password: string): Promise<{ id: string; name: string; email: string; role: Role; emailVerified: boolean } | null> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await bcrypt.compare(password, user?.passwordHash ?? "$2b$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinvali");
  if (!user || !ok) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role, emailVerified: user.emailVerifiedAt !== null };
}
