import "server-only";
/**
 * Campaign audiences (issue 6): who a campaign reaches, as one SQL fragment over `users u`, so counting,
 * chunk planning and the fan-out all read the same definition and nobody's list is loaded into memory.
 *
 * - `everyone`: every account.
 * - `role`: every account with that role (customers, NGOs, businesses, admins).
 * - `followers`: the active followers of one business.
 * - `category`: people who want that category by email (their preference, or the catalog default).
 *
 * Unsubscribed, suppressed and email-off people stay in the audience (they get the in-app card); the email
 * decision skips them, and {@link countAudience} reports how many email can reach.
 */
import { z } from "zod";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { CATEGORIES, type Category } from "../notifications/catalog";
import { defaultEnabled } from "../preferences/preferences";

export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }).strict(),
  z.object({ kind: z.literal("role"), role: z.enum(["CUSTOMER", "NGO", "BUSINESS", "ADMIN"]) }).strict(),
  z.object({ kind: z.literal("followers"), businessId: z.uuid("Choose a business") }).strict(),
  z.object({ kind: z.literal("category"), category: z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]) }).strict(),
]);
export type Audience = z.infer<typeof audienceSchema>;

/** `WHERE` condition on `users u` for the audience. */
export function audienceCondition(a: Audience): Prisma.Sql {
  switch (a.kind) {
    case "everyone":
      return Prisma.sql`TRUE`;
    case "role":
      return Prisma.sql`u.role = ${a.role}::"Role"`;
    case "followers":
      return Prisma.sql`EXISTS (SELECT 1 FROM follows f WHERE f.user_id = u.id AND f.business_id = ${a.businessId}::uuid AND f.deleted_at IS NULL)`;
    case "category":
      return Prisma.sql`coalesce((SELECT p.enabled FROM notification_preferences p
        WHERE p.user_id = u.id AND p.category = ${a.category} AND p.channel = 'EMAIL'), ${defaultEnabled(a.category, "EMAIL")})`;
  }
}

/** An email the pipeline may send to `u` for non-critical mail: email on, not unsubscribed, not suppressed. */
const emailReachable = Prisma.sql`NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.user_id = u.id AND (s.email_enabled = false OR s.email_unsubscribed_at IS NOT NULL))
  AND NOT EXISTS (SELECT 1 FROM email_suppressions x WHERE x.email_hash = encode(sha256(convert_to(lower(u.email), 'UTF8')), 'hex'))`;

/**
 * The audience's size: everyone it reaches in-app, and how many of them email can reach.
 * @returns `{ people, email }` (critical campaigns email everyone: `email === people`)
 */
export async function countAudience(a: Audience, opts: { critical?: boolean } = {}): Promise<{ people: number; email: number }> {
  const [row] = await db.$queryRaw<{ people: bigint; email: bigint }[]>`
    SELECT count(*) AS people, count(*) FILTER (WHERE ${opts.critical ? Prisma.sql`TRUE` : emailReachable}) AS email
    FROM users u WHERE ${audienceCondition(a)}`;
  return { people: Number(row?.people ?? 0), email: Number(row?.email ?? 0) };
}
