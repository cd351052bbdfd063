import "server-only";
/**
 * Broadcast campaigns (issue 6; /admin/campaigns): admins draft, preview, test-send, schedule, send, pause,
 * resume and cancel announcements. Admins only: UNAUTHORIZED when signed out, FORBIDDEN for anyone else.
 * Every input is a strict object (unknown keys are BAD_REQUEST). The work, the local date-time and IANA
 * time zone of `schedule` included, is done by server/services/campaigns; procedures only validate and call.
 */
import { z } from "zod";
import { LOCALES } from "@/lib/i18n";
import { adminProcedure, router } from "../init";
import { isTimeZone } from "@/lib/time-zone";
import { listBusinesses } from "../../services/businesses/businesses";
import { audienceSchema, countAudience } from "../../services/campaigns/audience";
import {
  campaignDraftInput,
  cancelCampaign,
  createCampaign,
  pauseCampaign,
  previewCampaignEmail,
  resumeCampaign,
  sendCampaignNow,
  sendCampaignTest,
  updateCampaign,
} from "../../services/campaigns/campaigns";
import { LOCAL_DATE_TIME, scheduleCampaignAtLocalTime } from "../../services/campaigns/local-schedule";
import { campaignOverview, listCampaignOverviews } from "../../services/campaigns/overview";
import { newsletterCounts } from "../../services/newsletter/newsletter";

const byId = z.object({ id: z.uuid({ error: "Not a campaign id." }) }).strict();

const scheduleInput = z
  .object({
    id: byId.shape.id,
    localDateTime: z.string().regex(LOCAL_DATE_TIME, "Choose a date and time"),
    /** Schedule although recent campaigns' complaint rate passed 0.3% (issue 6). */
    override: z.boolean().optional(),
    timeZone: z.string().max(64).refine(isTimeZone, "Choose a time zone from the list"),
  })
  .strict();

/** The `campaigns` router (mounted in server/trpc/root.ts): every procedure is `adminProcedure`. */
export const campaignsRouter = router({
  /**
   * The newest 50 campaigns, each with its progress, (unless finished) its audience size now, and
   * `complaintWarning`: its complaint rate passed the 0.1 % warning threshold (one grouped query for all).
   */
  list: adminProcedure.query(() => listCampaignOverviews(50)),

  /** One campaign with its audience size, progress and audit trail (newest first). NOT_FOUND when unknown. */
  get: adminProcedure.input(byId).query(({ input }) => campaignOverview(input.id)),

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
   * Schedules at a wall-clock time in the admin's chosen zone (converted to UTC by the service, daylight
   * saving time included). BAD_REQUEST for a time that does not exist in that zone, in the past, or over 30
   * days ahead.
   */
  schedule: adminProcedure
    .input(scheduleInput)
    .mutation(({ ctx, input }) => scheduleCampaignAtLocalTime(ctx.user.id, input.id, input.localDateTime, input.timeZone, new Date(), { override: input.override })),

  /** Pauses a sending campaign between chunks. CONFLICT unless sending. */
  pause: adminProcedure.input(byId).mutation(({ ctx, input }) => pauseCampaign(ctx.user.id, input.id)),

  /** Resumes a paused campaign. CONFLICT unless paused. */
  resume: adminProcedure.input(byId).mutation(({ ctx, input }) => resumeCampaign(ctx.user.id, input.id)),

  /** Cancels a draft, scheduled, sending or paused campaign. CONFLICT once finished. */
  cancel: adminProcedure.input(byId).mutation(({ ctx, input }) => cancelCampaign(ctx.user.id, input.id)),
});
