/**
 * Campaign types for the admin UI (the tRPC campaigns router's inputs and outputs) and the helpers around
 * them: roles, status colours, the stored audience read back, the browser's time zone, the complaint-rate
 * refusal and form errors. Plain functions, usable on the server and in the browser; the words (statuses,
 * audiences, counts, times) are in the reader's language through ./wording.ts.
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

/** The roles an audience or a segment can name, in the order pickers list them. */
export const ROLES: readonly Role[] = ["CUSTOMER", "NGO", "BUSINESS", "ADMIN"];
/** Whether `v` is a {@link Role}. */
export const isRole = (v: unknown): v is Role => typeof v === "string" && (ROLES as readonly string[]).includes(v);

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
  if (a.kind === "role" && isRole(a.role)) return { kind: "role", role: a.role };
  if (a.kind === "followers" && typeof a.businessId === "string") return { kind: "followers", businessId: a.businessId };
  if (a.kind === "category" && typeof a.category === "string") return { kind: "category", category: a.category as Category };
  if (a.kind === "segment" && typeof a.segmentId === "string") return { kind: "segment", segmentId: a.segmentId };
  if (a.kind === "newsletter") return { kind: "newsletter" };
  return null;
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

/** What {@link errorOf} says itself, in the reader's language. */
export interface ErrorWords {
  /** No message at all ("Something went wrong"). */
  failed: string;
  /** A validation error that names fields, whose messages stand next to them ("Check the highlighted fields."). */
  checkFields: string;
}

/**
 * A tRPC error's message and field errors, for forms. An input that failed its schema (`data.appCode`
 * VALIDATION_ERROR, whose message is just its first field's message, server/trpc/init.ts) is summed up as
 * `words.checkFields`, since each field shows its own message. Any other error keeps the server's sentence
 * (already in the reader's language), e.g. "Campaigns can be scheduled at most 30 days ahead" beside a
 * highlighted date.
 */
export function errorOf(err: unknown, words: ErrorWords): { message: string; fields: Record<string, string[] | undefined> } | null {
  if (!err) return null;
  const e = err as { message?: string; data?: { appCode?: unknown; details?: unknown } | null };
  const details = e.data?.details;
  const fields: Record<string, string[] | undefined> = {};
  if (details && typeof details === "object") {
    for (const [k, v] of Object.entries(details)) if (Array.isArray(v) && v.every((m) => typeof m === "string")) fields[k] = v as string[];
  }
  const raw = (e.message ?? "").trim();
  const namesFields = e.data?.appCode === "VALIDATION_ERROR" && Object.values(fields).some((m) => m?.includes(raw));
  const message = namesFields ? words.checkFields : raw || words.failed;
  return { message, fields };
}
