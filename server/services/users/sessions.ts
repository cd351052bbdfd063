import "server-only";
/**
 * Server-side sign-in sessions (issue 12 "Sign-out ends the session on the server"). next-auth keeps the
 * session in a signed, encrypted JWT cookie (server/auth.ts); on its own such a cookie stays valid until it
 * expires, wherever it was copied to. Each sign-in therefore also creates an `auth_sessions` row whose id
 * the JWT carries as `sid`, and every request checks that row (one primary-key lookup joined with the
 * user, {@link sessionUser}). Sign-out revokes the row; so do "Sign out of all devices", a password change
 * (every other session), a role change (every session of that user), and deleting the account (the rows
 * cascade with the user).
 *
 * A session lasts {@link SESSION_MAX_AGE_S} from sign-in (absolute: the JWT's own rolling expiry does not
 * extend the row); then the person signs in again. Retention deletes expired and revoked rows
 * (server/services/retention/retention.ts).
 */
import { db } from "../../db";
import type { Role } from "../../generated/prisma/client";

/** How long a sign-in lasts, in seconds: 30 days (also next-auth's `session.maxAge`, server/auth.ts). */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** Longest `user_agent` kept, in characters (the rest is cut). */
export const USER_AGENT_MAX = 256;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user a live session belongs to, read fresh from `users` (role, name and email as they are now). */
export interface SessionUserRow {
  id: string;
  role: Role;
  name: string;
  email: string;
  /** The language the person chose, or null (server/i18n.ts decides then). */
  locale: string | null;
  /** IANA time zone, e.g. "Africa/Johannesburg". */
  timezone: string;
  /** The `auth_sessions` id (the JWT's `sid`). */
  sessionId: string;
}

/**
 * Records a new sign-in of `userId`.
 * @param opts.userAgent the browser's `User-Agent` (kept cut to {@link USER_AGENT_MAX} characters), or null.
 * @param opts.now the sign-in time (default: now); the session expires {@link SESSION_MAX_AGE_S} later.
 * @returns the session's id (put it in the JWT as `sid`) and when it expires (UTC).
 * @throws the database error when `userId` does not exist (foreign key) or the database is unreachable:
 *   sign-in then fails rather than issuing a cookie no request would accept.
 */
export async function createAuthSession(userId: string, opts: { userAgent?: string | null; now?: Date } = {}): Promise<{ id: string; expiresAt: Date }> {
  const now = opts.now ?? new Date();
  const row = await db.authSession.create({
    data: {
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000),
      userAgent: opts.userAgent ? opts.userAgent.slice(0, USER_AGENT_MAX) : null,
    },
    select: { id: true, expiresAt: true },
  });
  return row;
}

/**
 * The user of session `sessionId` when that session is live: not revoked, not expired (`expires_at` after
 * the database's `now()`), and its user still exists. ONE statement: the session by primary key joined
 * with its user by primary key.
 * @returns the user (fresh role, name, email) and the session id; null for a revoked, expired, unknown or
 *   malformed id (never throws for bad input), and null when `sessionId` is missing (a JWT issued before
 *   sessions were recorded signs in no one).
 */
export async function sessionUser(sessionId: string | null | undefined): Promise<SessionUserRow | null> {
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) return null;
  const [row] = await db.$queryRaw<{ id: string; role: Role; name: string; email: string; locale: string | null; timezone: string }[]>`
    SELECT u.id, u.role::text AS role, u.name, u.email, u.locale, u.timezone
    FROM auth_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = ${sessionId}::uuid AND s.revoked_at IS NULL AND s.expires_at > now()`;
  return row ? { ...row, sessionId } : null;
}

/**
 * Revokes one session (sign-out). Revoking an already revoked or unknown session changes nothing.
 * @returns true when a live session was revoked.
 */
export async function revokeAuthSession(sessionId: string | null | undefined): Promise<boolean> {
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) return false;
  const n = await db.$executeRaw`UPDATE auth_sessions SET revoked_at = now() WHERE id = ${sessionId}::uuid AND revoked_at IS NULL`;
  return n > 0;
}

/**
 * Revokes every live session of `userId` ("Sign out of all devices", a role change), or every one but
 * `opts.except` (a password change keeps the device it was made on). Uses the `user_id` index.
 * @param opts.db a transaction client, so the revocation commits with the change that caused it.
 * @returns how many sessions were revoked.
 */
export async function revokeUserSessions(
  userId: string,
  opts: { except?: string | null; db?: Pick<typeof db, "$executeRaw"> } = {},
): Promise<number> {
  const client = opts.db ?? db;
  const except = typeof opts.except === "string" && UUID.test(opts.except) ? opts.except : null;
  return except
    ? client.$executeRaw`UPDATE auth_sessions SET revoked_at = now() WHERE user_id = ${userId}::uuid AND revoked_at IS NULL AND id <> ${except}::uuid`
    : client.$executeRaw`UPDATE auth_sessions SET revoked_at = now() WHERE user_id = ${userId}::uuid AND revoked_at IS NULL`;
}

/**
 * The `auth_sessions` id carried by a user object from {@link sessionUser} (server/auth.ts `currentUser`;
 * tRPC's `ctx.user` is that same object); null for any other object.
 */
export function sessionIdOf(user: object | null | undefined): string | null {
  const id = (user as { sessionId?: unknown } | null | undefined)?.sessionId;
  return typeof id === "string" ? id : null;
}
