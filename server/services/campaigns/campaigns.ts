import "server-only";
/**
 * Campaigns (issue 6; docs/requirements.md R14.1 admins, R14.4 scheduling, R14.5 bulk limits): drafts, scheduling, sending,
 * pause, resume and cancel. Every admin action is written to the audit log in the same transaction as the
 * change it records. Sending itself is the `campaign-send` function (inngest/functions/campaign-send.ts),
 * which fans out through ./send-campaign.ts.
 */
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import { renderEmail } from "../email/render";
import { emailTransport } from "../email";
import { type Prisma, type Campaign } from "../../generated/prisma/client";
import { withEvents, type OutboxEventInput } from "../outbox/outbox";
import { campaignCancelled, campaignResumed, campaignSendRequested } from "../../events";
import { AppError } from "../errors";
import { hitRateLimit } from "../api/rate-limit";
import { isTimeZone } from "@/lib/time-zone";
import { audienceSchema, countAudience, resolveAudience, type Audience } from "./audience";
import { assertComplaintRateAllowsNewCampaign } from "../analytics/analytics";
import { LOCALES, type Locale } from "@/lib/i18n";
import { platformLocale, recipientLocale } from "@/server/i18n";
import { campaignTranslationsSchema, emailTextsFor } from "./campaign-texts";

/** Scheduling horizon (docs/requirements.md R14.4: announcements scheduled at most 30 days ahead). */
export const MAX_SCHEDULE_DAYS = 30;
/** Bulk limit (docs/requirements.md R14.5): campaigns an admin may start (send or schedule) per hour. */
export const CAMPAIGN_SENDS_PER_HOUR = 5;

/**
 * A draft's content and audience, as the admin form sends it. The in-app title is required only with the
 * in-app channel and the email subject and body only with email; a newsletter audience is email only and
 * cannot be critical (its subscribers have no account and always keep their unsubscribe).
 */
export const campaignDraftInput = z
  .object({
    name: z.string().trim().min(1, "Give the campaign a name").max(120, "At most 120 characters"),
    inAppTitle: z.string().trim().max(120, "At most 120 characters").default(""),
    inAppBody: z.string().trim().max(500, "At most 500 characters").default(""),
    emailSubject: z.string().trim().max(150, "At most 150 characters").default(""),
    emailBody: z.string().trim().max(20_000, "At most 20,000 characters").default(""),
    channels: z.array(z.enum(["IN_APP", "EMAIL"])).min(1, "Choose at least one channel").max(2),
    audience: audienceSchema,
    critical: z.boolean().default(false),
    /** The language of the texts above (default: the platform's); the fallback for other languages. */
    locale: z.enum(LOCALES).optional(),
    /** The same texts in other languages (./campaign-texts.ts). */
    translations: campaignTranslationsSchema.default({}),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.locale && d.translations[d.locale]) {
      ctx.addIssue({ code: "custom", path: ["translations", d.locale], message: "The main texts are in this language already" });
    }
    const need = (path: "inAppTitle" | "emailSubject" | "emailBody") => {
      if (!d[path]) ctx.addIssue({ code: "custom", path: [path], message: "Required" });
    };
    if (d.channels.includes("IN_APP")) need("inAppTitle");
    if (d.channels.includes("EMAIL")) {
      need("emailSubject");
      need("emailBody");
    }
    if (d.audience.kind === "newsletter") {
      if (d.channels.includes("IN_APP")) ctx.addIssue({ code: "custom", path: ["channels"], message: "Newsletter subscribers have no inbox: email only" });
      if (d.critical) ctx.addIssue({ code: "custom", path: ["critical"], message: "A newsletter campaign cannot be critical" });
    }
  });
export type CampaignDraftInput = z.input<typeof campaignDraftInput>;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new AppError("VALIDATION_ERROR", "The campaign is not valid", z.flattenError(r.error).fieldErrors as Record<string, unknown>);
  return r.data;
}

/** A parsed draft as columns: the platform's language when none was given, JSON columns typed as such. */
function storable(d: z.output<typeof campaignDraftInput>) {
  return {
    ...d,
    locale: d.locale ?? platformLocale(),
    audience: d.audience as Prisma.InputJsonValue,
    translations: d.translations as Prisma.InputJsonValue,
  };
}

type Tx = Prisma.TransactionClient;
async function audit(tx: Tx, actorId: string, action: string, campaignId: string, details: Record<string, unknown> = {}) {
  await tx.auditLog.create({ data: { actorId, action, targetType: "campaign", targetId: campaignId, details: details as Prisma.InputJsonValue } });
}

/** Loads a campaign. @throws AppError NOT_FOUND */
export async function getCampaign(id: string): Promise<Campaign> {
  const c = await db.campaign.findUnique({ where: { id } });
  if (!c) throw new AppError("NOT_FOUND", "Campaign not found");
  return c;
}

/** The stored audience, validated. */
export function audienceOf(c: Pick<Campaign, "audience">): Audience {
  return audienceSchema.parse(c.audience);
}

/**
 * Creates a draft. @throws AppError VALIDATION_ERROR (field errors); BUSINESS_NOT_FOUND for a followers
 * audience of an unknown business
 */
export async function createCampaign(adminId: string, input: CampaignDraftInput): Promise<Campaign> {
  const parsed = parse(campaignDraftInput, input);
  await checkAudience(parsed.audience);
  const d = storable(parsed);
  return db.$transaction(async (tx) => {
    const c = await tx.campaign.create({ data: { ...d, createdById: adminId } });
    await audit(tx, adminId, "campaign.create", c.id, { name: c.name });
    return c;
  });
}

/** The audience's business or segment must exist. @throws AppError BUSINESS_NOT_FOUND; NOT_FOUND (segment) */
async function checkAudience(a: Audience) {
  if (a.kind === "followers" && !(await db.business.findUnique({ where: { id: a.businessId }, select: { id: true } }))) {
    throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found", { audience: ["Unknown business"] });
  }
  await resolveAudience(a);
}

/**
 * Edits a draft or a scheduled campaign (a scheduled one stays scheduled).
 * @throws AppError NOT_FOUND; CONFLICT once sending started; VALIDATION_ERROR
 */
export async function updateCampaign(adminId: string, id: string, input: CampaignDraftInput): Promise<Campaign> {
  const parsed = parse(campaignDraftInput, input);
  await checkAudience(parsed.audience);
  const d = storable(parsed);
  return db.$transaction(async (tx) => {
    const { count } = await tx.campaign.updateMany({ where: { id, status: { in: ["DRAFT", "SCHEDULED"] } }, data: d });
    if (count === 0) {
      await getCampaign(id); // NOT_FOUND first
      throw new AppError("CONFLICT", "Only drafts and scheduled campaigns can be edited");
    }
    await audit(tx, adminId, "campaign.edit", id, { fields: Object.keys(d) });
    return tx.campaign.findUniqueOrThrow({ where: { id } });
  });
}

/** Counts this admin's campaign starts against the hourly bulk limit. @throws AppError RATE_LIMITED */
async function spendSendAllowance(adminId: string, at: Date) {
  const rl = await hitRateLimit(`campaign-send:${adminId}`, { limit: CAMPAIGN_SENDS_PER_HOUR, windowMs: 3_600_000 }, at);
  if (!rl.allowed) {
    throw new AppError("RATE_LIMITED", `At most ${CAMPAIGN_SENDS_PER_HOUR} campaigns an hour; try again after ${rl.resetAt.toISOString()}`);
  }
}

/**
 * Starts sending now (a draft or a scheduled campaign).
 * @param opts.override send although recent campaigns' complaint rate passed 0.3% (issue 6); audited
 * @throws AppError NOT_FOUND; CONFLICT unless DRAFT/SCHEDULED, or (reason COMPLAINT_RATE) past the
 *   complaint limit without override; RATE_LIMITED past 5 an hour
 */
export async function sendCampaignNow(adminId: string, id: string, at = new Date(), opts: { override?: boolean } = {}): Promise<Campaign> {
  await checkAudience(audienceOf(await getCampaign(id)));
  await assertComplaintRateAllowsNewCampaign({ override: opts.override, now: at });
  await spendSendAllowance(adminId, at);
  return withEvents(async (tx, emit) => {
    const { count } = await tx.campaign.updateMany({ where: { id, status: { in: ["DRAFT", "SCHEDULED"] } }, data: { status: "SENDING", startedAt: at, scheduledAt: null } });
    if (count === 0) throw new AppError("CONFLICT", "This campaign was already sent or cancelled");
    await audit(tx, adminId, "campaign.send", id, opts.override ? { complaintOverride: true } : {});
    await emit(campaignSendRequested.create({ campaignId: id }));
    return tx.campaign.findUniqueOrThrow({ where: { id } });
  });
}

/**
 * Schedules a draft: `at` must be in the future and at most 30 days ahead (docs/requirements.md R14.4). The
 * `start-scheduled-campaigns` cron starts it within a minute of that time.
 * @param when ISO 8601 instant (UTC or with offset); `timeZone` is the zone the admin chose, kept for display
 * @param opts.override schedule although recent complaint rates passed 0.3% (audited)
 * @throws AppError NOT_FOUND; CONFLICT unless DRAFT/SCHEDULED or past the complaint limit; VALIDATION_ERROR; RATE_LIMITED
 */
export async function scheduleCampaign(
  adminId: string,
  id: string,
  when: Date,
  timeZone: string,
  now = new Date(),
  opts: { override?: boolean } = {},
): Promise<Campaign> {
  if (!isTimeZone(timeZone)) throw new AppError("VALIDATION_ERROR", "Unknown time zone", { timezone: ["Choose a time zone from the list"] });
  if (when.getTime() <= now.getTime() + 60_000) throw new AppError("VALIDATION_ERROR", "Schedule it at least a minute ahead", { scheduledAt: ["Must be in the future"] });
  if (when.getTime() > now.getTime() + MAX_SCHEDULE_DAYS * 86_400_000) {
    throw new AppError("VALIDATION_ERROR", `Campaigns can be scheduled at most ${MAX_SCHEDULE_DAYS} days ahead`, { scheduledAt: [`At most ${MAX_SCHEDULE_DAYS} days ahead`] });
  }
  await checkAudience(audienceOf(await getCampaign(id)));
  await assertComplaintRateAllowsNewCampaign({ override: opts.override, now });
  await spendSendAllowance(adminId, now);
  return db.$transaction(async (tx) => {
    const { count } = await tx.campaign.updateMany({ where: { id, status: { in: ["DRAFT", "SCHEDULED"] } }, data: { status: "SCHEDULED", scheduledAt: when, timezone: timeZone } });
    if (count === 0) throw new AppError("CONFLICT", "This campaign was already sent or cancelled");
    await audit(tx, adminId, "campaign.schedule", id, { scheduledAt: when.toISOString(), timezone: timeZone, ...(opts.override ? { complaintOverride: true } : {}) });
    return tx.campaign.findUniqueOrThrow({ where: { id } });
  });
}

/**
 * Moves a campaign between states with a guard, audited; `event` (if any) is recorded in the same
 * transaction (the outbox). @throws AppError NOT_FOUND; CONFLICT
 */
async function transition(adminId: string, id: string, from: Campaign["status"][], to: Campaign["status"], action: string, message: string, event?: OutboxEventInput) {
  await getCampaign(id);
  return withEvents(async (tx, emit) => {
    const { count } = await tx.campaign.updateMany({
      where: { id, status: { in: from } },
      data: { status: to, ...(to === "CANCELLED" ? { finishedAt: new Date() } : {}), ...(from.includes("SCHEDULED") && to === "DRAFT" ? { scheduledAt: null } : {}) },
    });
    if (count === 0) throw new AppError("CONFLICT", message);
    await audit(tx, adminId, action, id);
    if (event) await emit(event);
    return tx.campaign.findUniqueOrThrow({ where: { id } });
  });
}

/** Pauses sending between chunks. @throws AppError NOT_FOUND; CONFLICT unless SENDING */
export function pauseCampaign(adminId: string, id: string) {
  return transition(adminId, id, ["SENDING"], "PAUSED", "campaign.pause", "Only a sending campaign can be paused");
}

/** Resumes a paused campaign where it stopped. @throws AppError NOT_FOUND; CONFLICT unless PAUSED */
export function resumeCampaign(adminId: string, id: string) {
  return transition(adminId, id, ["PAUSED"], "SENDING", "campaign.resume", "Only a paused campaign can be resumed", campaignResumed.create({ campaignId: id }));
}

/**
 * Cancels a scheduled, sending or paused campaign: nothing more goes out (what was sent stays sent).
 * @throws AppError NOT_FOUND; CONFLICT when already sent or cancelled
 */
export function cancelCampaign(adminId: string, id: string) {
  const event = campaignCancelled.create({ campaignId: id });
  return transition(adminId, id, ["DRAFT", "SCHEDULED", "SENDING", "PAUSED"], "CANCELLED", "campaign.cancel", "This campaign already finished", event);
}

/** Starts every SCHEDULED campaign due by `at` (the per-minute cron). @returns the ids started */
export async function startDueCampaigns(at = new Date()): Promise<string[]> {
  return withEvents(async (tx, emit) => {
    const due = await tx.$queryRaw<{ id: string }[]>`
      UPDATE campaigns SET status = 'SENDING', started_at = ${at}::timestamptz, updated_at = now()
      WHERE status = 'SCHEDULED' AND scheduled_at <= ${at}::timestamptz
      RETURNING id`;
    await emit(due.map((d) => campaignSendRequested.create({ campaignId: d.id })));
    return due.map((d) => d.id);
  });
}

/**
 * A campaign with its audience size (people, email-reachable) and the name of its business (followers
 * audience) or saved segment (null when that segment was deleted; the size is then 0).
 */
export async function campaignWithAudience(id: string) {
  const c = await getCampaign(id);
  const a = audienceOf(c);
  const business = a.kind === "followers" ? await db.business.findUnique({ where: { id: a.businessId }, select: { name: true } }) : null;
  const segment = a.kind === "segment" ? await db.segment.findUnique({ where: { id: a.segmentId }, select: { name: true } }) : null;
  const audience = a.kind === "segment" && !segment ? { people: 0, email: 0 } : await countAudience(a, { critical: c.critical });
  return { campaign: c, audience, businessName: business?.name ?? null, segmentName: segment?.name ?? null };
}

/** The newest campaigns first (at most `limit`, default 50). */
export function listCampaigns(limit = 50) {
  return db.campaign.findMany({ orderBy: { createdAt: "desc" }, take: Math.min(limit, 100) });
}

/** A campaign's audit trail, newest first. */
export function campaignAudit(id: string) {
  return db.auditLog.findMany({
    where: { targetType: "campaign", targetId: id },
    orderBy: { createdAt: "desc" },
    include: { actor: { select: { name: true, email: true } } },
    take: 100,
  });
}

/**
 * An email of the campaign as a recipient will see it (for the admin preview), rendered for `viewer` with a
 * placeholder unsubscribe link, its fixed words in `locale` (the language of the texts; default the
 * platform's).
 * @returns `{ subject, html, text }`
 * @throws AppError VALIDATION_ERROR when the content does not fit the template (e.g. an empty body)
 */
export async function previewCampaignEmail(texts: { emailSubject: string; emailBody: string }, viewerName: string, locale: Locale = platformLocale()) {
  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  const { subject, html, text } = await renderEmail("announcement", {
    appUrl,
    unsubscribeUrl: `${appUrl}/settings/notifications`,
    recipientName: viewerName.split(/\s+/)[0] ?? viewerName,
    title: texts.emailSubject,
    body: texts.emailBody,
    format: "markdown",
    locale,
  });
  return { subject, html, text };
}

/**
 * Sends the campaign's email to the admin themself, marked "[Test]", without touching the campaign or its
 * audience: the email a reader of `locale` gets (default: the campaign's own language). Audited. Counts against nothing: it reaches one person.
 * @returns the transport's message id
 * @throws AppError NOT_FOUND; EmailSendError from the transport
 */
export async function sendCampaignTest(adminId: string, id: string, locale?: Locale): Promise<{ providerMessageId: string }> {
  const c = await getCampaign(id);
  const me = await db.user.findUniqueOrThrow({ where: { id: adminId }, select: { email: true, name: true } });
  const texts = emailTextsFor(c, locale ?? recipientLocale(c.locale));
  const { subject, html, text } = await previewCampaignEmail({ emailSubject: texts.title, emailBody: texts.body }, me.name, texts.locale);
  const sent = await emailTransport().send({
    to: me.email,
    from: env("email").EMAIL_FROM,
    subject: `[Test] ${subject}`,
    html,
    text,
    headers: {},
    tags: [{ name: "type", value: "campaign_test" }, { name: "campaign", value: c.id }],
    idempotencyKey: `campaign-test:${c.id}:${adminId}:${Date.now()}`,
  });
  await db.auditLog.create({ data: { actorId: adminId, action: "campaign.test_send", targetType: "campaign", targetId: id, details: { to: me.email } } });
  return sent;
}
