import "server-only";
/**
 * Campaign audiences (issue 6): who a campaign reaches, as one SQL fragment over `users u`, so counting,
 * chunk planning and the fan-out all read the same definition and nobody's list is loaded into memory.
 *
 * - `everyone`: every account.
 * - `role`: every account with that role (customers, NGOs, businesses, admins).
 * - `followers`: the active followers of one business.
 * - `category`: people who want that category by email (their preference, or the catalog default).
 * - `segment`: a saved segment (./segments.ts), its filters read when the campaign is counted or sent.
 * - `newsletter`: confirmed newsletter subscribers without accounts (server/services/newsletter); email only.
 *
 * Unsubscribed, suppressed and email-off people stay in the audience (they get the in-app card); the email
 * decision skips them, and {@link countAudience} reports how many email can reach.
 */
import { z } from "zod";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { CATEGORIES, type Category } from "../notifications/catalog";
import { defaultEnabled } from "../preferences/preferences";
import { AppError } from "../errors";

const roleSchema = z.enum(["CUSTOMER", "NGO", "BUSINESS", "ADMIN"]);
const categorySchema = z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]);

/**
 * A saved segment's filters, all of which must hold (AND); a list matches any of its values (OR).
 * Dates are ISO 8601 calendar dates, compared in UTC (`joinedAfter` inclusive, `joinedBefore` exclusive).
 */
export const segmentFiltersSchema = z
  .object({
    roles: z.array(roleSchema).min(1).max(4).optional(),
    followsBusinessId: z.uuid("Choose a business").optional(),
    categories: z.array(categorySchema).min(1).optional(),
    joinedAfter: z.iso.date("Use YYYY-MM-DD").optional(),
    joinedBefore: z.iso.date("Use YYYY-MM-DD").optional(),
    timezones: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  })
  .strict()
  .refine((f) => Object.values(f).some((v) => v !== undefined), { message: "Add at least one filter" })
  .refine((f) => !f.joinedAfter || !f.joinedBefore || f.joinedAfter < f.joinedBefore, { message: "“Joined after” must be before “joined before”", path: ["joinedBefore"] });
export type SegmentFilters = z.infer<typeof segmentFiltersSchema>;

export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }).strict(),
  z.object({ kind: z.literal("role"), role: roleSchema }).strict(),
  z.object({ kind: z.literal("followers"), businessId: z.uuid("Choose a business") }).strict(),
  z.object({ kind: z.literal("category"), category: categorySchema }).strict(),
  z.object({ kind: z.literal("segment"), segmentId: z.uuid("Choose a segment") }).strict(),
  z.object({ kind: z.literal("newsletter") }).strict(),
]);
export type Audience = z.infer<typeof audienceSchema>;

/** An audience of accounts with any saved segment replaced by its filters (what {@link audienceCondition} reads). */
export type AccountAudience = Exclude<Audience, { kind: "segment" } | { kind: "newsletter" }> | { kind: "filters"; filters: SegmentFilters };

/**
 * Reads a segment audience's filters now.
 * @returns the newsletter audience unchanged, any other as an {@link AccountAudience}
 * @throws AppError NOT_FOUND when the segment was deleted
 */
export async function resolveAudience(a: Audience | AccountAudience): Promise<AccountAudience | { kind: "newsletter" }> {
  if (a.kind !== "segment") return a;
  const s = await db.segment.findUnique({ where: { id: a.segmentId }, select: { filters: true } });
  if (!s) throw new AppError("NOT_FOUND", "That saved segment no longer exists", { audience: ["Choose another segment"] });
  return { kind: "filters", filters: segmentFiltersSchema.parse(s.filters) };
}

const wantsCategory = (category: Category) => Prisma.sql`coalesce((SELECT p.enabled FROM notification_preferences p
        WHERE p.user_id = u.id AND p.category = ${category} AND p.channel = 'EMAIL'), ${defaultEnabled(category, "EMAIL")})`;

const follows = (businessId: string) =>
  Prisma.sql`EXISTS (SELECT 1 FROM follows f WHERE f.user_id = u.id AND f.business_id = ${businessId}::uuid AND f.deleted_at IS NULL)`;

/** `WHERE` condition on `users u` for a segment's filters (AND of each filter given). */
function filtersCondition(f: SegmentFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (f.roles) parts.push(Prisma.sql`u.role::text = ANY(${f.roles}::text[])`);
  if (f.followsBusinessId) parts.push(follows(f.followsBusinessId));
  for (const c of f.categories ?? []) parts.push(wantsCategory(c));
  if (f.joinedAfter) parts.push(Prisma.sql`u.created_at >= ${f.joinedAfter}::date AT TIME ZONE 'UTC'`);
  if (f.joinedBefore) parts.push(Prisma.sql`u.created_at < ${f.joinedBefore}::date AT TIME ZONE 'UTC'`);
  if (f.timezones) parts.push(Prisma.sql`u.timezone = ANY(${f.timezones}::text[])`);
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

/** `WHERE` condition on `users u` for an audience of accounts. */
export function audienceCondition(a: AccountAudience): Prisma.Sql {
  switch (a.kind) {
    case "filters":
      return filtersCondition(a.filters);
    case "everyone":
      return Prisma.sql`TRUE`;
    case "role":
      return Prisma.sql`u.role = ${a.role}::"Role"`;
    case "followers":
      return follows(a.businessId);
    case "category":
      return wantsCategory(a.category);
  }
}

/** An email the pipeline may send to `u` for non-critical mail: email on, not unsubscribed, not suppressed. */
const emailReachable = Prisma.sql`NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.user_id = u.id AND (s.email_enabled = false OR s.email_unsubscribed_at IS NOT NULL))
  AND NOT EXISTS (SELECT 1 FROM email_suppressions x WHERE x.email_hash = encode(sha256(convert_to(lower(u.email), 'UTF8')), 'hex'))`;

/** A newsletter subscriber `s` whose address is not suppressed (bounced, complained, erased). */
export const subscriberNotSuppressed = Prisma.sql`NOT EXISTS (SELECT 1 FROM email_suppressions x WHERE x.email_hash = encode(sha256(convert_to(s.email, 'UTF8')), 'hex'))`;

/**
 * The audience's size: everyone it reaches in-app, and how many of them email can reach. For the
 * newsletter, `people` are the confirmed subscribers (email only).
 * @returns `{ people, email }` (critical campaigns email every account: `email === people`)
 * @throws AppError NOT_FOUND for a deleted segment
 */
export async function countAudience(a: Audience | AccountAudience, opts: { critical?: boolean } = {}): Promise<{ people: number; email: number }> {
  await resolveAudience(a); // NOT_FOUND for a deleted segment
  return (await countAudiences([{ audience: a, critical: opts.critical }]))[0]!;
}

/**
 * The sizes of several audiences at once (the campaign list): one pass over `users` counting every account
 * audience with its own filter, one over the confirmed subscribers when a newsletter audience is among them,
 * and one read of the saved segments named.
 * @returns `{ people, email }` per audience, in order; null for a segment that was deleted
 */
export async function countAudiences(
  list: readonly { audience: Audience | AccountAudience; critical?: boolean }[],
): Promise<({ people: number; email: number } | null)[]> {
  const segmentIds = list.flatMap((x) => (x.audience.kind === "segment" ? [x.audience.segmentId] : []));
  const segments = segmentIds.length ? await db.segment.findMany({ where: { id: { in: segmentIds } }, select: { id: true, filters: true } }) : [];
  const filtersOf = new Map(segments.map((s) => [s.id, segmentFiltersSchema.parse(s.filters)]));
  const resolved = list.map(({ audience: a }): AccountAudience | { kind: "newsletter" } | null => {
    if (a.kind !== "segment") return a;
    const filters = filtersOf.get(a.segmentId);
    return filters ? { kind: "filters", filters } : null;
  });

  const columns = resolved.flatMap((r, i) =>
    r && r.kind !== "newsletter"
      ? [Prisma.sql`count(*) FILTER (WHERE ${audienceCondition(r)}) AS ${Prisma.raw(`p${i}`)},
          count(*) FILTER (WHERE ${audienceCondition(r)} AND ${list[i]!.critical ? Prisma.sql`TRUE` : emailReachable}) AS ${Prisma.raw(`e${i}`)}`]
      : [],
  );
  const [accounts] = columns.length ? await db.$queryRaw<Record<string, bigint>[]>`SELECT ${Prisma.join(columns, ", ")} FROM users u` : [{}];
  const [newsletter] = resolved.some((r) => r?.kind === "newsletter")
    ? await db.$queryRaw<{ people: bigint; email: bigint }[]>`
        SELECT count(*) AS people, count(*) FILTER (WHERE ${subscriberNotSuppressed}) AS email
        FROM newsletter_subscribers s WHERE s.status = 'CONFIRMED'`
    : [];
  return resolved.map((r, i) => {
    if (!r) return null;
    if (r.kind === "newsletter") return { people: Number(newsletter?.people ?? 0), email: Number(newsletter?.email ?? 0) };
    return { people: Number(accounts?.[`p${i}`] ?? 0), email: Number(accounts?.[`e${i}`] ?? 0) };
  });
}
