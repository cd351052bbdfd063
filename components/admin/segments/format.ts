/**
 * Display helpers for saved segments (/admin/segments): the filter types, the form's state and its filters,
 * and a segment's filters in words ("NGOs · following Mario's Bakery · joined before 1 Apr 2026").
 * Plain functions, usable on the server and in the browser.
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";
import { ROLE_PLURAL, type Category, type Role } from "@/components/admin/campaigns/format";

export type SegmentRow = inferRouterOutputs<AppRouter>["segments"]["list"][number];
/** A segment's filters as the server validates them (server/services/campaigns/audience.ts `segmentFiltersSchema`). */
export type SegmentFilters = inferRouterInputs<AppRouter>["segments"]["size"]["filters"];

/** The segment form's state: every filter empty means "not filtered on". Dates are `YYYY-MM-DD` or "". */
export interface SegmentDraft {
  name: string;
  roles: Role[];
  /** `follows`: whether the "follows a business" filter is on (a business may not be chosen yet). */
  follows: boolean;
  business: { id: string; name: string } | null;
  categories: Category[];
  joinedAfter: string;
  joinedBefore: string;
  timezones: string[];
}

const ROLE_ORDER: Role[] = ["CUSTOMER", "NGO", "BUSINESS", "ADMIN"];
const isRole = (v: unknown): v is Role => typeof v === "string" && v in ROLE_PLURAL;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** The stored filters JSON as a {@link SegmentFilters} (unknown keys and malformed values dropped). */
export function asFilters(v: unknown): SegmentFilters {
  const f = (v && typeof v === "object" ? v : {}) as Record<string, unknown>;
  const out: SegmentFilters = {};
  const roles = strings(f.roles).filter(isRole);
  if (roles.length) out.roles = roles;
  if (str(f.followsBusinessId)) out.followsBusinessId = str(f.followsBusinessId);
  const categories = strings(f.categories) as Category[];
  if (categories.length) out.categories = categories;
  if (str(f.joinedAfter)) out.joinedAfter = str(f.joinedAfter);
  if (str(f.joinedBefore)) out.joinedBefore = str(f.joinedBefore);
  const zones = strings(f.timezones);
  if (zones.length) out.timezones = zones;
  return out;
}

/** The form's state for a new segment, or for `row` (`businessName`: its business's name, when known). */
export function segmentDraft(row?: { name: string; filters: unknown } | null, businessName?: string | null): SegmentDraft {
  const f = asFilters(row?.filters);
  return {
    name: row?.name ?? "",
    roles: f.roles ?? [],
    follows: Boolean(f.followsBusinessId),
    business: f.followsBusinessId ? { id: f.followsBusinessId, name: businessName ?? "the chosen business" } : null,
    categories: f.categories ?? [],
    joinedAfter: f.joinedAfter ?? "",
    joinedBefore: f.joinedBefore ?? "",
    timezones: f.timezones ?? [],
  };
}

/** The filters the form's state sets (empty filters left out), roles in a stable order. */
export function toFilters(d: SegmentDraft): SegmentFilters {
  const f: SegmentFilters = {};
  if (d.roles.length) f.roles = ROLE_ORDER.filter((r) => d.roles.includes(r));
  if (d.follows && d.business) f.followsBusinessId = d.business.id;
  if (d.categories.length) f.categories = d.categories;
  if (d.joinedAfter) f.joinedAfter = d.joinedAfter;
  if (d.joinedBefore) f.joinedBefore = d.joinedBefore;
  if (d.timezones.length) f.timezones = d.timezones;
  return f;
}

/**
 * What stops the form's filters from being counted or saved, by field (`filters` for the whole set), the
 * same rules as the server's; empty when they are complete.
 */
export function filterProblems(d: SegmentDraft): Partial<Record<"filters" | "business" | "joinedBefore", string>> {
  const p: Partial<Record<"filters" | "business" | "joinedBefore", string>> = {};
  if (d.follows && !d.business) p.business = "Choose a business";
  if (d.joinedAfter && d.joinedBefore && d.joinedAfter >= d.joinedBefore) p.joinedBefore = "“Joined after” must be before “joined before”";
  if (Object.keys(toFilters(d)).length === 0 && !p.business) p.filters = "Add at least one filter";
  return p;
}

/** "1 Apr 2026" from `YYYY-MM-DD` (a UTC calendar day). */
export function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** ["a", "b", "c"] → "a, b or c". */
function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/**
 * A segment's filters as short clauses, every one of which holds: "NGOs or Customers", "Follows Mario's
 * Bakery", "Gets “listings” and “pickups” by email", "Joined from 1 Mar 2026 to before 1 Apr 2026 (UTC)",
 * "Time zone Africa/Johannesburg". `businessNames`: business id → name for the follows filter.
 */
export function describeFilters(filters: unknown, businessNames: Record<string, string> = {}): string[] {
  const f = asFilters(filters);
  const out: string[] = [];
  if (f.roles) out.push(orList(f.roles.map((r) => ROLE_PLURAL[r])));
  if (f.followsBusinessId) out.push(businessNames[f.followsBusinessId] ? `Follows ${businessNames[f.followsBusinessId]}` : "Follows a business");
  if (f.categories) out.push(`Gets ${f.categories.map((c) => `“${c}”`).join(" and ")} by email`);
  if (f.joinedAfter && f.joinedBefore) out.push(`Joined from ${dayLabel(f.joinedAfter)} to before ${dayLabel(f.joinedBefore)} (UTC)`);
  else if (f.joinedAfter) out.push(`Joined on or after ${dayLabel(f.joinedAfter)} (UTC)`);
  else if (f.joinedBefore) out.push(`Joined before ${dayLabel(f.joinedBefore)} (UTC)`);
  if (f.timezones) out.push(`${f.timezones.length === 1 ? "Time zone" : "Time zones"} ${orList(f.timezones.map((z) => z.replaceAll("_", " ")))}`);
  return out;
}

/**
 * The IANA zone that `input` names in `zones`, ignoring case and accepting spaces for underscores
 * ("america/new york" → "America/New_York"), or null when there is none.
 */
export function matchTimeZone(input: string, zones: readonly string[]): string | null {
  const key = input.trim().replace(/\s+/g, "_").toLowerCase();
  if (!key) return null;
  return zones.find((z) => z.toLowerCase() === key) ?? null;
}
