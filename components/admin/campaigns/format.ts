/**
 * Display helpers for campaigns (admin UI): status labels and colours, audience and channel wording, counts
 * and times. Plain functions, usable on the server and in the browser.
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

type Out = inferRouterOutputs<AppRouter>["campaigns"];
export type CampaignRow = Out["list"][number];
export type CampaignDetailData = Out["get"];
export type CampaignRecord = CampaignDetailData["campaign"];
export type CampaignStatus = CampaignRecord["status"];
export type Progress = CampaignDetailData["progress"];
export type AudienceSize = { people: number; email: number };

/** A campaign audience as the server stores it (server/services/campaigns/audience.ts). */
export type Audience = inferRouterInputs<AppRouter>["campaigns"]["audienceSize"]["audience"];
export type Role = Extract<Audience, { kind: "role" }>["role"];
export type Category = Extract<Audience, { kind: "category" }>["category"];

/** A category the "users with a category enabled" audience can use, with its description. */
export interface CategoryOption {
  value: Category;
  description: string;
}

export const ROLE_PLURAL: Record<Role, string> = { CUSTOMER: "Customers", NGO: "NGOs", BUSINESS: "Businesses", ADMIN: "Admins" };

export const STATUS_LABEL: Record<CampaignStatus, string> = {
  DRAFT: "Draft",
  SCHEDULED: "Scheduled",
  SENDING: "Sending",
  PAUSED: "Paused",
  SENT: "Sent",
  CANCELLED: "Cancelled",
};

/** Badge colours (text on tint, at least 4.5:1). */
export const STATUS_STYLE: Record<CampaignStatus, string> = {
  DRAFT: "bg-slate-100 text-slate-700 ring-slate-300",
  SCHEDULED: "bg-sky-50 text-sky-800 ring-sky-200",
  SENDING: "bg-amber-50 text-amber-900 ring-amber-300",
  PAUSED: "bg-orange-50 text-orange-900 ring-orange-300",
  SENT: "bg-brand-50 text-brand-800 ring-brand-100",
  CANCELLED: "bg-rose-50 text-rose-800 ring-rose-200",
};

/** Whether the editor still applies (content and audience can change). */
export const isEditable = (s: CampaignStatus) => s === "DRAFT" || s === "SCHEDULED";

/** The stored audience JSON as an {@link Audience}, or null when it is not one. */
export function asAudience(v: unknown): Audience | null {
  if (!v || typeof v !== "object") return null;
  const a = v as Record<string, unknown>;
  if (a.kind === "everyone") return { kind: "everyone" };
  if (a.kind === "role" && typeof a.role === "string" && a.role in ROLE_PLURAL) return { kind: "role", role: a.role as Role };
  if (a.kind === "followers" && typeof a.businessId === "string") return { kind: "followers", businessId: a.businessId };
  if (a.kind === "category" && typeof a.category === "string") return { kind: "category", category: a.category as Category };
  if (a.kind === "segment" && typeof a.segmentId === "string") return { kind: "segment", segmentId: a.segmentId };
  if (a.kind === "newsletter") return { kind: "newsletter" };
  return null;
}

/**
 * "Everyone", "By role: NGOs", "Followers of Mario's", "Wants “listings” by email", "Segment: Pretoria NGOs",
 * "Newsletter subscribers". `segmentName`: the segment's name when known; `null` says it was deleted.
 */
export function audienceLabel(v: unknown, businessName?: string | null, segmentName?: string | null): string {
  const a = asAudience(v);
  if (!a) return "Unknown audience";
  switch (a.kind) {
    case "everyone":
      return "Everyone";
    case "role":
      return `By role: ${ROLE_PLURAL[a.role]}`;
    case "followers":
      return businessName ? `Followers of ${businessName}` : "Followers of a business";
    case "category":
      return `Wants “${a.category}” by email`;
    case "segment":
      return segmentName ? `Segment: ${segmentName}` : segmentName === null ? "A deleted segment" : "A saved segment";
    case "newsletter":
      return "Newsletter subscribers";
  }
}

export const CHANNEL_LABEL = { IN_APP: "In-app", EMAIL: "Email", PUSH: "Push", SMS: "SMS" } as const;
/** ["IN_APP", "EMAIL"] → "In-app + Email". */
export const channelsLabel = (channels: readonly (keyof typeof CHANNEL_LABEL)[]) => channels.map((c) => CHANNEL_LABEL[c]).join(" + ");

/** 1234 → "1,234" (the same on the server and in every browser). */
export const count = (n: number) => n.toLocaleString("en");
/** "1 person" / "1,234 people". */
export const people = (n: number) => `${count(n)} ${n === 1 ? "person" : "people"}`;

/**
 * "1,234 people · 1,100 reachable by email" (everyone by email for a critical campaign); for the newsletter
 * audience "12 confirmed subscribers · 11 reachable by email" (suppressed addresses are not).
 */
export function audienceSizeText(size: AudienceSize, critical: boolean, newsletter = false): string {
  if (newsletter) return `${count(size.people)} confirmed ${size.people === 1 ? "subscriber" : "subscribers"} · ${count(size.email)} reachable by email`;
  if (critical) return `${people(size.people)} · all reachable by email (critical)`;
  return `${people(size.people)} · ${count(size.email)} reachable by email`;
}

/** "Sun 29 Mar 2026, 10:00" in `timeZone` (the viewer's when omitted). */
export function formatDateTime(d: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone }).format(d);
}

/** The browser's IANA time zone ("UTC" when it cannot tell). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** What the server says when recent campaigns' complaint rate blocks a new one (server/services/analytics). */
export interface ComplaintBlock {
  message: string;
  /** Fractions: 0.0042 is 0.42 %. `rate` is null when nothing was sent. */
  rate: number | null;
  limit: number;
  complained: number;
  sent: number;
  windowDays: number;
}

/** The complaint-rate refusal of `sendNow` / `schedule` (CONFLICT, reason COMPLAINT_RATE), or null for any other error. */
export function complaintBlockOf(err: unknown): ComplaintBlock | null {
  const e = err as { message?: string; data?: { code?: string; details?: unknown } | null } | null;
  const d = e?.data?.details as Record<string, unknown> | null | undefined;
  if (e?.data?.code !== "CONFLICT" || !d || d.reason !== "COMPLAINT_RATE") return null;
  const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
  return {
    message: e.message ?? "",
    rate: typeof d.rate === "number" ? d.rate : null,
    limit: num(d.limit, 0.003),
    complained: num(d.complained, 0),
    sent: num(d.sent, 0),
    windowDays: num(d.windowDays, 30),
  };
}

/** A fraction as a percentage with up to two decimals: 0.0042 → "0.42%". */
export const percent = (r: number) => `${Number((r * 100).toFixed(2))}%`;

/** A tRPC error's message and field errors (from the server's validation), for forms. */
export function errorOf(err: unknown): { message: string; fields: Record<string, string[] | undefined> } | null {
  if (!err) return null;
  const e = err as { message?: string; data?: { details?: unknown } | null };
  const details = e.data?.details;
  const fields = details && typeof details === "object" ? (details as Record<string, string[] | undefined>) : {};
  // tRPC's own input validation puts the raw issue list (JSON) in the message: say it in words instead.
  const raw = (e.message ?? "").trim();
  const message = !raw ? "Something went wrong" : /^[[{]/.test(raw) ? (Object.keys(fields).length > 0 ? "Check the highlighted fields." : "That was not valid.") : raw;
  return { message, fields };
}
