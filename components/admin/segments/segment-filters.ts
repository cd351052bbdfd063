/**
 * Saved segments' filters (/admin/segments): the filter types, the form's state and its filters, and a
 * segment's filters in words ("NGOs · Follows Mario's Bakery · Joined before 1 Apr 2026 (UTC)", in the
 * reader's language through the translator and formatter the caller passes). Plain functions, usable on the
 * server and in the browser.
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { createFormatter, createTranslator } from "use-intl/core";
import type { AppRouter } from "@/server/trpc/root";
import type { Messages } from "@/messages";
import { isRole, ROLES, type Category, type Role } from "@/components/admin/campaigns/campaign-types";

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

/**
 * The form's state for a new segment, or for `row` (`businessName`: its business's name, when known;
 * `unnamedBusiness`: what to call it otherwise, "the chosen business").
 */
export function segmentDraft(row: { name: string; filters: unknown } | null, businessName: string | null | undefined, unnamedBusiness: string): SegmentDraft {
  const f = asFilters(row?.filters);
  return {
    name: row?.name ?? "",
    roles: f.roles ?? [],
    follows: Boolean(f.followsBusinessId),
    business: f.followsBusinessId ? { id: f.followsBusinessId, name: businessName ?? unnamedBusiness } : null,
    categories: f.categories ?? [],
    joinedAfter: f.joinedAfter ?? "",
    joinedBefore: f.joinedBefore ?? "",
    timezones: f.timezones ?? [],
  };
}

/** The filters the form's state sets (empty filters left out), roles in a stable order. */
export function toFilters(d: SegmentDraft): SegmentFilters {
  const f: SegmentFilters = {};
  if (d.roles.length) f.roles = ROLES.filter((r) => d.roles.includes(r));
  if (d.follows && d.business) f.followsBusinessId = d.business.id;
  if (d.categories.length) f.categories = d.categories;
  if (d.joinedAfter) f.joinedAfter = d.joinedAfter;
  if (d.joinedBefore) f.joinedBefore = d.joinedBefore;
  if (d.timezones.length) f.timezones = d.timezones;
  return f;
}

/** A problem {@link filterProblems} finds, as its `segmentForm.problem` catalog key. */
export type FilterProblem = "chooseBusiness" | "joinedOrder" | "addFilter";

/**
 * What stops the form's filters from being counted or saved, by field (`filters` for the whole set), the
 * same rules as the server's; empty when they are complete.
 */
export function filterProblems(d: SegmentDraft): Partial<Record<"filters" | "business" | "joinedBefore", FilterProblem>> {
  const p: Partial<Record<"filters" | "business" | "joinedBefore", FilterProblem>> = {};
  if (d.follows && !d.business) p.business = "chooseBusiness";
  if (d.joinedAfter && d.joinedBefore && d.joinedAfter >= d.joinedBefore) p.joinedBefore = "joinedOrder";
  if (Object.keys(toFilters(d)).length === 0 && !p.business) p.filters = "addFilter";
  return p;
}

/** A translator over the whole catalog (`useTranslations()` in a component) and a formatter (`useFormatter()`). */
type Translate = ReturnType<typeof createTranslator<Messages>>;
type Format = ReturnType<typeof createFormatter>;

/** "1 Apr 2026" from `YYYY-MM-DD` (a UTC calendar day), in the formatter's language. */
export function dayLabel(day: string, format: Format): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : format.dateTime(d, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/**
 * A segment's filters as short clauses, every one of which holds: "NGOs or Customers", "Follows Mario's
 * Bakery", "Gets “listings” and “pickups” by email", "Joined from 1 Mar 2026 to before 1 Apr 2026 (UTC)",
 * "Time zone Africa/Johannesburg". `businessNames`: business id → name for the follows filter.
 */
export function describeFilters(filters: unknown, businessNames: Record<string, string>, t: Translate, format: Format): string[] {
  const f = asFilters(filters);
  const out: string[] = [];
  const or = (items: string[]) => format.list(items, { type: "disjunction" });
  if (f.roles) out.push(or(f.roles.map((r) => t(`campaigns.roles.${r}`))));
  if (f.followsBusinessId) {
    const business = businessNames[f.followsBusinessId];
    out.push(business ? t("segments.describe.follows", { business }) : t("segments.describe.followsAny"));
  }
  if (f.categories) {
    const categories = format.list(f.categories.map((category) => t("segments.describe.quoted", { category })), { type: "conjunction" });
    out.push(t("segments.describe.gets", { categories }));
  }
  if (f.joinedAfter && f.joinedBefore) out.push(t("segments.describe.joinedRange", { after: dayLabel(f.joinedAfter, format), before: dayLabel(f.joinedBefore, format) }));
  else if (f.joinedAfter) out.push(t("segments.describe.joinedAfter", { after: dayLabel(f.joinedAfter, format) }));
  else if (f.joinedBefore) out.push(t("segments.describe.joinedBefore", { before: dayLabel(f.joinedBefore, format) }));
  if (f.timezones) out.push(t("segments.describe.timeZones", { count: f.timezones.length, zones: or(f.timezones.map((z) => z.replaceAll("_", " "))) }));
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
