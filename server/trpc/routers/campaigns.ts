import "server-only";
/**
 * Broadcast campaigns (issue 6; /admin/campaigns): admins draft, preview, test-send, schedule, send, pause,
 * resume and cancel announcements. Admins only: UNAUTHORIZED when signed out, FORBIDDEN for anyone else.
 * Every input is a strict object (unknown keys are BAD_REQUEST). The work is done by
 * server/services/campaigns; the only logic here is turning the admin's local date-time and IANA time zone
 * into a UTC instant for `schedule`.
 */
import { z } from "zod";
import { LOCALES } from "@/lib/i18n";
import { adminProcedure, router } from "../init";
import { AppError } from "../../services/errors";
import { isTimeZone } from "../../services/preferences/preferences";
import { listBusinesses } from "../../services/businesses/businesses";
import { audienceSchema, countAudience, countAudiences } from "../../services/campaigns/audience";
import {
  audienceOf,
  campaignAudit,
  campaignDraftInput,
  cancelCampaign,
  campaignWithAudience,
  createCampaign,
  listCampaigns,
  pauseCampaign,
  previewCampaignEmail,
  resumeCampaign,
  scheduleCampaign,
  sendCampaignNow,
  sendCampaignTest,
  updateCampaign,
} from "../../services/campaigns/campaigns";
import { campaignProgress, campaignProgressMany, type CampaignProgress } from "../../services/campaigns/send-campaign";
import { newsletterCounts } from "../../services/newsletter/newsletter";
import { campaignComplaintWarnings } from "../../services/analytics/analytics";
import type { Campaign } from "../../generated/prisma/client";

const byId = z.object({ id: z.uuid({ error: "Not a campaign id." }) }).strict();

/** `YYYY-MM-DDTHH:mm` or `YYYY-MM-DDTHH:mm:ss`: what `<input type="datetime-local">` gives, no offset. */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The UTC offset (ms, east positive) of `timeZone` at the instant `utcMs`. */
function offsetAt(utcMs: number, timeZone: string): number {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const p = Object.fromEntries(fmt.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `local` (ISO 8601 local date-time, no
 * offset), honouring daylight saving time from the runtime's time zone database.
 * - A time that happens twice (clocks go back) is its first occurrence.
 * - A time that never happens (clocks go forward, e.g. 02:30 on 29 March 2026 in Europe/Berlin) is `null`.
 * @param local e.g. "2026-03-29T03:30"
 * @param timeZone an IANA zone, e.g. "Europe/Berlin"
 * @returns the instant, or null when `local` does not exist in that zone
 * @throws RangeError for a malformed date-time or an unknown zone
 */
export function zonedLocalToUtc(local: string, timeZone: string): Date | null {
  const m = LOCAL_DATE_TIME.exec(local);
  if (!m) throw new RangeError(`Not a local date-time: ${local}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new RangeError(`Not a calendar date-time: ${local}`);
  }
  // The offsets in force around that wall-clock time (a day either side covers any one transition).
  const offsets = new Set([offsetAt(wall - 86_400_000, timeZone), offsetAt(wall, timeZone), offsetAt(wall + 86_400_000, timeZone)]);
  const instants = [...offsets].map((o) => wall - o).filter((t) => offsetAt(t, timeZone) === wall - t);
  return instants.length === 0 ? null : new Date(Math.min(...instants));
}

const scheduleInput = z
  .object({
    id: byId.shape.id,
    localDateTime: z.string().regex(LOCAL_DATE_TIME, "Choose a date and time"),
    /** Schedule although recent campaigns' complaint rate passed 0.3% (issue 6). */
    override: z.boolean().optional(),
    timeZone: z.string().max(64).refine(isTimeZone, "Choose a time zone from the list"),
  })
  .strict();

/** A campaign's counts; nothing has been sent for a draft or a scheduled campaign, so those skip the query. */
const EMPTY_PROGRESS: CampaignProgress = { recipients: 0, read: 0, sent: 0, delivered: 0, bounced: 0, complained: 0, held: 0, skipped: 0, failed: 0, queued: 0 };
const unsent = (c: Pick<Campaign, "status">) => c.status === "DRAFT" || c.status === "SCHEDULED";
const progressOf = (c: Pick<Campaign, "id" | "status">) => (unsent(c) ? Promise.resolve(EMPTY_PROGRESS) : campaignProgress(c.id));
/** Campaigns still to send or sending count their audience now; finished ones report whom they reached. */
const countsAudienceNow = (c: Pick<Campaign, "status">) => c.status !== "SENT" && c.status !== "CANCELLED";

/** The `campaigns` router (mounted in server/trpc/root.ts): every procedure is `adminProcedure`. */
export const campaignsRouter = router({
  /**
   * The newest 50 campaigns, each with its progress, (unless finished) its audience size now, and
   * `complaintWarning`: its complaint rate passed the 0.1 % warning threshold (one grouped query for all).
   */
  list: adminProcedure.query(async () => {
    const campaigns = await listCampaigns(50);
    const counted = campaigns.filter(countsAudienceNow);
    const [warnings, progress, sizes] = await Promise.all([
      campaignComplaintWarnings(campaigns.map((c) => c.id)),
      campaignProgressMany(campaigns.filter((c) => !unsent(c)).map((c) => c.id)),
      countAudiences(counted.map((c) => ({ audience: audienceOf(c), critical: c.critical }))),
    ]);
    const sizeOf = new Map(counted.map((c, i) => [c.id, sizes[i] ?? null]));
    return campaigns.map((c) => ({
      ...c,
      progress: progress.get(c.id) ?? EMPTY_PROGRESS,
      audienceSize: sizeOf.get(c.id) ?? null,
      complaintWarning: warnings.get(c.id)?.complaintWarning ?? false,
    }));
  }),

  /** One campaign with its audience size, progress and audit trail (newest first). NOT_FOUND when unknown. */
  get: adminProcedure.input(byId).query(async ({ input }) => {
    const { campaign, audience, businessName, segmentName } = await campaignWithAudience(input.id);
    const [progress, audit] = await Promise.all([progressOf(campaign), campaignAudit(campaign.id)]);
    return {
      campaign,
      audienceSize: audience,
      businessName,
      segmentName,
      progress,
      audit: audit.map((a) => ({ id: a.id, action: a.action, details: a.details, createdAt: a.createdAt, actor: a.actor })),
    };
  }),

  /** The size of an audience while drafting: `{ people, email }` (email: how many email can reach). */
  audienceSize: adminProcedure
    .input(z.object({ audience: audienceSchema, critical: z.boolean() }).strict())
    .query(({ input }) => countAudience(input.audience, { critical: input.critical })),

  /** Businesses whose name (or address) contains `query`, for the followers audience: at most 20. */
  businesses: adminProcedure
    .input(z.object({ query: z.string().trim().max(100) }).strict())
    .query(async ({ input }) => (await listBusinesses({ query: input.query, limit: 20 })).items.map((b) => ({ id: b.id, name: b.name }))),

  /** Newsletter subscribers by status (`PENDING`, `CONFIRMED`, `UNSUBSCRIBED`), for the newsletter audience. */
  newsletterCounts: adminProcedure.query(() => newsletterCounts()),

  /** Saves a new draft. BAD_REQUEST with field details; NOT_FOUND for a followers audience of an unknown business. */
  create: adminProcedure.input(campaignDraftInput).mutation(({ ctx, input }) => createCampaign(ctx.user.id, input)),

  /** Edits a draft or a scheduled campaign. CONFLICT once sending started. */
  update: adminProcedure
    .input(z.object({ id: byId.shape.id, ...campaignDraftInput.shape }).strict())
    .mutation(({ ctx, input: { id, ...draft } }) => updateCampaign(ctx.user.id, id, draft)),

  /** The email as recipients will see it, greeted with the admin's name: `{ subject, html, text }`. */
  preview: adminProcedure
    .input(z.object({ emailSubject: campaignDraftInput.shape.emailSubject, emailBody: campaignDraftInput.shape.emailBody, locale: z.enum(LOCALES).optional() }).strict())
    .mutation(({ ctx, input }) => previewCampaignEmail(input, ctx.user.name?.trim() || "there", input.locale)),

  /** Emails the campaign to the admin themself, subject marked "[Test]": as a reader of `locale` gets it (default: its own language). */
  sendTest: adminProcedure
    .input(z.object({ id: byId.shape.id, locale: z.enum(LOCALES).optional() }).strict())
    .mutation(({ ctx, input }) => sendCampaignTest(ctx.user.id, input.id, input.locale)),

  /** Starts sending now. CONFLICT unless a draft or scheduled; TOO_MANY_REQUESTS past 5 campaigns an hour. */
  sendNow: adminProcedure
    .input(byId.extend({ override: z.boolean().optional() }).strict())
    .mutation(({ ctx, input }) => sendCampaignNow(ctx.user.id, input.id, new Date(), { override: input.override })),

  /**
   * Schedules at a wall-clock time in the admin's chosen zone (converted to UTC here, daylight saving time
   * included). BAD_REQUEST for a time that does not exist in that zone, in the past, or over 30 days ahead.
   */
  schedule: adminProcedure.input(scheduleInput).mutation(({ ctx, input }) => {
    let when: Date | null;
    try {
      when = zonedLocalToUtc(input.localDateTime, input.timeZone);
    } catch {
      throw new AppError("VALIDATION_ERROR", "Choose a date and time", { scheduledAt: ["Not a date on the calendar"] });
    }
    if (!when) {
      const message = `${input.localDateTime.replace("T", " ")} does not exist in ${input.timeZone}: the clocks go forward then. Choose another time.`;
      throw new AppError("VALIDATION_ERROR", message, { scheduledAt: [message] });
    }
    return scheduleCampaign(ctx.user.id, input.id, when, input.timeZone, new Date(), { override: input.override });
  }),

  /** Pauses a sending campaign between chunks. CONFLICT unless sending. */
  pause: adminProcedure.input(byId).mutation(({ ctx, input }) => pauseCampaign(ctx.user.id, input.id)),

  /** Resumes a paused campaign. CONFLICT unless paused. */
  resume: adminProcedure.input(byId).mutation(({ ctx, input }) => resumeCampaign(ctx.user.id, input.id)),

  /** Cancels a draft, scheduled, sending or paused campaign. CONFLICT once finished. */
  cancel: adminProcedure.input(byId).mutation(({ ctx, input }) => cancelCampaign(ctx.user.id, input.id)),
});
