import "server-only";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError } from "../errors";

export interface BusinessCard {
  id: string;
  slug: string;
  name: string;
  description: string;
  address: string;
  rating: number;
  logoColor: string;
  followersCount: number;
  /** Whether the viewer follows it (false when signed out). */
  following: boolean;
}

interface Row {
  id: string;
  slug: string;
  name: string;
  description: string;
  address: string;
  rating: number;
  logo_color: string;
  followers_count: bigint;
  following: boolean;
}

/** The columns of {@link Row} from businesses `b`, with the viewer's follow state. */
const cardRows = (viewerId: string | null | undefined) => Prisma.sql`
  SELECT b.id, b.slug, b.name, b.description, b.address, b.rating, b.logo_color,
    (SELECT count(*) FROM follows f WHERE f.business_id = b.id AND f.deleted_at IS NULL) AS followers_count,
    EXISTS (SELECT 1 FROM follows f WHERE f.business_id = b.id AND f.user_id = ${viewerId ?? null}::uuid AND f.deleted_at IS NULL) AS following
  FROM businesses b`;

const toCard = (r: Row): BusinessCard => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  address: r.address,
  rating: r.rating,
  logoColor: r.logo_color,
  followersCount: Number(r.followers_count),
  following: r.following,
});

/**
 * One page of the business directory, by name (keyset on name, id), optionally filtered by a
 * case-insensitive search on name or address.
 * @param opts.limit 1–100 (default 24); opts.after a cursor from the previous page's `next`
 * @returns the page and the cursor of the next one (null at the end)
 * @throws AppError VALIDATION_ERROR for a malformed cursor
 */
export async function listBusinesses(
  opts: { viewerId?: string | null; query?: string; limit?: number; after?: string | null } = {},
): Promise<{ items: BusinessCard[]; next: string | null }> {
  const limit = Math.min(Math.max(opts.limit ?? 24, 1), 100);
  let after: { name: string; id: string } | null = null;
  if (opts.after) {
    const [name, id] = Buffer.from(opts.after, "base64url").toString("utf8").split("\u0000");
    if (name === undefined || !id || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("VALIDATION_ERROR", "Invalid page cursor");
    after = { name, id };
  }
  const q = opts.query?.trim() ? `%${opts.query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db.$queryRaw<Row[]>`
    ${cardRows(opts.viewerId)}
    WHERE (${q}::text IS NULL OR b.name ILIKE ${q} OR b.address ILIKE ${q})
      AND (${after?.name ?? null}::text IS NULL OR (b.name, b.id) > (${after?.name ?? null}::text, ${after?.id ?? null}::uuid))
    ORDER BY b.name, b.id
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toCard),
    next: rows.length > limit && last ? Buffer.from(`${last.name}\u0000${last.id}`).toString("base64url") : null,
  };
}

/**
 * One business by slug.
 * @throws AppError BUSINESS_NOT_FOUND
 */
export async function getBusinessBySlug(slug: string, viewerId?: string | null): Promise<BusinessCard> {
  const rows = await db.$queryRaw<Row[]>`
    ${cardRows(viewerId)} WHERE b.slug = ${slug}`;
  const row = rows[0];
  if (!row) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found");
  return toCard(row);
}

/** The business a BUSINESS user owns, or null. */
export async function getOwnedBusiness(ownerId: string) {
  return db.business.findUnique({ where: { ownerId } });
}

/**
 * Generated logo: an SVG square in the brand colour with the business's initials (seed data has no images).
 * @throws AppError BUSINESS_NOT_FOUND
 */
export async function businessLogoSvg(slug: string): Promise<string> {
  const b = await db.business.findUnique({ where: { slug }, select: { name: true, logoColor: true } });
  if (!b) throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found");
  const initials = b.name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z0-9]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
  const color = /^#[0-9a-fA-F]{6}$/.test(b.logoColor) ? b.logoColor : "#2E7D32";
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="${escapeXml(b.name)} logo"><rect width="64" height="64" rx="14" fill="${color}"/><text x="32" y="41" font-family="system-ui,sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">${escapeXml(initials)}</text></svg>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

