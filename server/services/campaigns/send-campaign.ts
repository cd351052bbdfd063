import "server-only";
/**
 * A campaign's fan-out (issue 6; docs/requirements.md R14.6; docs/architecture.md, "A notification's path"):
 * the audience is split into chunks of user ids with one index pass (never loaded into memory); each chunk is one `INSERT … SELECT` of in-app notifications (dedupe key
 * `campaign:<id>`, so a retried or resumed chunk writes nothing twice), one realtime signal per new
 * recipient, one set-based email decision (preferences, unsubscribes, suppression, quiet hours and caps,
 * unless the campaign is critical), then the queued emails as a mail merge of one rendered announcement in
 * provider batches of 100. Progress is read from the rows themselves, so it is right after a crash too.
 *
 * A newsletter campaign walks confirmed newsletter subscribers instead: no notifications, one
 * `newsletter_deliveries` row per subscriber (suppressed addresses SKIPPED), the same mail merge, and the
 * subscriber's status checked again right before each batch.
 */
import { db } from "../../db";
import { env } from "../../env";
import { Prisma, type Campaign } from "../../generated/prisma/client";
import { renderEmail } from "../email/render";
import { unsubscribeHeaders, unsubscribeToken } from "../email/unsubscribe";
import { mergeRecipient, NAME_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER } from "../email/mail-merge";
import { CLICK_TOKEN, clickToken } from "../email/click-tracking";
import type { EmailTransport, OutgoingEmail } from "../email/transport";
import { emailTransport } from "../email";
import { NOTIFICATION_TYPES } from "../notifications/catalog";
import { insertNotifications } from "../notifications/inbox-signals";
import { emailDecisionSql, EMAIL_DECISION_JOINS } from "../delivery/email-decisions";
import { sendInBatches } from "../delivery/email-batches";
import { recordRedecisions } from "../delivery/redecisions";
import type { FanOutChunk } from "../delivery/fan-out-listing";
import { audienceCondition, resolveAudience, subscriberNotSuppressed } from "./audience";
import { newsletterUnsubscribeToken } from "../newsletter/newsletter";
import { audienceOf, getCampaign } from "./campaigns";
import { emailTextsFor, inAppTextsByLocale } from "./campaign-texts";
import { LOCALES, type Locale } from "@/lib/i18n";
import { platformLocale, recipientLocale } from "@/server/i18n";

/** Recipients per chunk (one executor run each). */
export const CAMPAIGN_CHUNK_SIZE = 5_000;


/** The chunk's id range on `column` (`u.id` by default). */
const inChunk = (chunk: FanOutChunk, column = Prisma.sql`u.id`) => Prisma.sql`(${chunk.afterUserId}::uuid IS NULL OR ${column} > ${chunk.afterUserId}::uuid)
  AND (${chunk.throughUserId}::uuid IS NULL OR ${column} <= ${chunk.throughUserId}::uuid)`;

/** Splits the campaign's audience into chunks of `size` users (every `size`-th id; the last chunk open-ended). */
export async function planCampaignChunks(campaignId: string, size = CAMPAIGN_CHUNK_SIZE): Promise<FanOutChunk[]> {
  const a = await resolveAudience(audienceOf(await getCampaign(campaignId)));
  const rows =
    a.kind === "newsletter"
      ? await db.$queryRaw<{ id: string }[]>`
          SELECT id FROM (SELECT s.id, row_number() OVER (ORDER BY s.id) AS rn FROM newsletter_subscribers s WHERE s.status = 'CONFIRMED') numbered
          WHERE rn % ${size} = 0 ORDER BY id`
      : await db.$queryRaw<{ id: string }[]>`
          SELECT id FROM (SELECT u.id, row_number() OVER (ORDER BY u.id) AS rn FROM users u WHERE ${audienceCondition(a)}) numbered
          WHERE rn % ${size} = 0 ORDER BY id`;
  const chunks: FanOutChunk[] = [];
  let after: string | null = null;
  for (const r of rows) {
    chunks.push({ afterUserId: after, throughUserId: r.id });
    after = r.id;
  }
  chunks.push({ afterUserId: after, throughUserId: null });
  return chunks;
}

/**
 * Writes the chunk's notifications (in-app cards, or archived records when the campaign is email-only),
 * signals new recipients, and records the email decision for each.
 * @returns `{ inserted, email: counts by decision }`; nothing when the campaign is not SENDING
 */
export async function deliverCampaignChunk(
  campaignId: string,
  chunk: FanOutChunk,
  at = new Date(),
): Promise<{ inserted: number; email: Record<string, number>; skipped?: string }> {
  const c = await getCampaign(campaignId);
  if (c.status !== "SENDING") return { inserted: 0, email: {}, skipped: c.status };
  const a = await resolveAudience(audienceOf(c));
  if (a.kind === "newsletter") return recordNewsletterChunk(c, chunk);
  const spec = NOTIFICATION_TYPES.system_announcement;
  const inApp = c.channels.includes("IN_APP");
  // Each recipient's card in their language (else the platform's), falling back to the main texts.
  const texts = JSON.stringify(inAppTextsByLocale(c));
  // Email-only campaigns write archived records, which are in no inbox view: no signal for them.
  const rows = await insertNotifications(
    (tx) => tx.$queryRaw<{ id: string }[]>`
      INSERT INTO notifications (user_id, type, category, priority, title, body, data, campaign_id, dedupe_key, read_at, archived_at)
      SELECT u.id, 'system_announcement', ${spec.category}, ${c.critical ? "high" : spec.priority}, tx->>'title', tx->>'body',
             ${JSON.stringify({ campaign_id: c.id })}::jsonb, ${c.id}::uuid, ${`campaign:${c.id}`},
             ${inApp ? null : at}::timestamptz, ${inApp ? null : at}::timestamptz
      FROM users u
      CROSS JOIN LATERAL (SELECT COALESCE(${texts}::jsonb -> u.locale, ${texts}::jsonb -> ${platformLocale()}::text) AS tx) l
      WHERE ${audienceCondition(a)} AND ${inChunk(chunk)}
      ON CONFLICT (user_id, dedupe_key) DO NOTHING
      RETURNING id`,
  );
  const email: Record<string, number> = {};
  if (c.channels.includes("EMAIL")) {
    const decided = await db.$queryRaw<{ status: string }[]>`
      WITH chunk AS (SELECT n.id, n.user_id, n.category FROM users u JOIN notifications n ON n.user_id = u.id AND n.dedupe_key = ${`campaign:${c.id}`}
                     WHERE ${inChunk(chunk)})
      INSERT INTO deliveries (notification_id, user_id, channel, status, reason, release_at)
      SELECT n.id, n.user_id, 'EMAIL', dec.status, dec.reason, dec.release_at
      FROM chunk n ${EMAIL_DECISION_JOINS}
      CROSS JOIN LATERAL (SELECT ${emailDecisionSql("system_announcement", at, { critical: c.critical })}) dec
      ON CONFLICT (notification_id, channel) DO NOTHING
      RETURNING status`;
    for (const d of decided) email[d.status] = (email[d.status] ?? 0) + 1;
  }
  return { inserted: rows.length, email };
}

/** A newsletter chunk: one delivery row per confirmed subscriber (SKIPPED when the address is suppressed). */
async function recordNewsletterChunk(c: Campaign, chunk: FanOutChunk) {
  const decided = await db.$queryRaw<{ status: string }[]>`
    INSERT INTO newsletter_deliveries (campaign_id, subscriber_id, status, reason)
    SELECT ${c.id}::uuid, s.id, CASE WHEN ${subscriberNotSuppressed} THEN 'QUEUED' ELSE 'SKIPPED' END::"DeliveryStatus",
           CASE WHEN ${subscriberNotSuppressed} THEN NULL ELSE 'suppressed' END
    FROM newsletter_subscribers s
    WHERE s.status = 'CONFIRMED' AND ${inChunk(chunk, Prisma.sql`s.id`)}
    ON CONFLICT (campaign_id, subscriber_id) DO NOTHING
    RETURNING status`;
  const email: Record<string, number> = {};
  for (const d of decided) email[d.status] = (email[d.status] ?? 0) + 1;
  return { inserted: 0, email };
}

interface QueuedRow {
  delivery_id: string;
  notification_id: string;
  user_id: string;
  email: string;
  name: string;
  locale: string | null;
  status: "QUEUED" | "HELD" | "SKIPPED";
  reason: string | null;
  release_at: Date | null;
}

/**
 * The announcement email of a campaign for readers of `locale`, rendered once with placeholders for name
 * and unsubscribe token: the texts of that language, else the main ones, with fixed words in the language
 * the texts are in.
 */
async function campaignTemplate(c: Campaign, appUrl: string, locale: Locale) {
  const texts = emailTextsFor(c, locale);
  return renderEmail("announcement", {
    appUrl,
    unsubscribeUrl: `${appUrl}/unsubscribe/${UNSUBSCRIBE_PLACEHOLDER}`,
    recipientName: NAME_PLACEHOLDER,
    title: texts.title,
    body: texts.body,
    format: "markdown",
    clickTrackingUrl: `${appUrl}/r/${CLICK_TOKEN}`,
    locale: texts.locale,
  });
}

/** The campaign's email for each language, rendered once each (a mail merge per language). */
async function campaignTemplates(c: Campaign, appUrl: string) {
  const rendered = await Promise.all(LOCALES.map(async (l) => [l, await campaignTemplate(c, appUrl, l)] as const));
  return Object.fromEntries(rendered) as Record<Locale, Awaited<ReturnType<typeof campaignTemplate>>>;
}

/** What every email of one campaign shares: the rendered templates by reader's language, the sender and the keys. */
interface CampaignMail {
  campaign: Campaign;
  t: Awaited<ReturnType<typeof campaignTemplates>>;
  appUrl: string;
  from: string;
  secret: string;
  transport: EmailTransport;
}

/**
 * One recipient's email: the template merged with their first name, unsubscribe token and click token
 * (signed over `clickId`: a notification id, or a newsletter delivery id), with the RFC 8058 headers.
 */
function campaignMessage(
  m: CampaignMail,
  r: { to: string; firstName: string; locale: Locale; unsubscribeToken: string; clickId: string; type: string; idempotencyKey: string },
): OutgoingEmail {
  const t = m.t[r.locale];
  return {
    to: r.to,
    from: m.from,
    subject: t.subject,
    ...mergeRecipient(t, { firstName: r.firstName, unsubscribeToken: r.unsubscribeToken, clickToken: clickToken(m.secret, r.clickId) }),
    headers: unsubscribeHeaders(`${m.appUrl}/unsubscribe/${r.unsubscribeToken}`),
    tags: [{ name: "type", value: r.type }, { name: "campaign", value: m.campaign.id }],
    idempotencyKey: r.idempotencyKey,
  };
}

/**
 * Sends the chunk's QUEUED campaign emails, deciding again first (someone who unsubscribed meanwhile is
 * SKIPPED). Stops between batches when the campaign is paused or cancelled.
 * @returns counts by outcome
 * @throws EmailSendError when the provider fails in a retryable way (the step retries; sent rows stay SENT)
 */
export async function sendCampaignEmails(campaignId: string, chunk: FanOutChunk, opts: { transport?: EmailTransport; at?: Date; batch?: number } = {}) {
  let c = await getCampaign(campaignId);
  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  const mail: CampaignMail = {
    campaign: c,
    t: await campaignTemplates(c, appUrl),
    appUrl,
    from: env("email").EMAIL_FROM,
    secret: env("auth").NEXTAUTH_SECRET,
    transport: opts.transport ?? emailTransport(),
  };
  if ((await resolveAudience(audienceOf(c))).kind === "newsletter") return sendNewsletterEmails(mail, chunk, opts.batch);
  const counts: Record<string, number> = {};
  const add = (r: Record<string, number>) => Object.entries(r).forEach(([k, v]) => (counts[k] = (counts[k] ?? 0) + v));
  // Keyset over the chunk: each round starts after the last recipient of the one before (every row up to
  // there was sent or re-decided), so a chunk costs one pass over its rows, not one per round.
  let rest = chunk;
  for (;;) {
    if (c.status !== "SENDING") return { ...counts, stopped: c.status };
    const at = opts.at ?? new Date();
    // The round's rows first, then the decision for those rows only. The round walks the chunk's users in
    // id order and probes each one's notification and queued delivery (LIMIT 1 keeps each probe a
    // probe: unique indexes), so it stops after `batch` rows whatever the planner's statistics say about
    // how many deliveries are queued.
    const rows = await db.$queryRaw<QueuedRow[]>`
      WITH round AS MATERIALIZED (
        SELECT d.id AS delivery_id, n.id, u0.id AS user_id, n.category
        FROM users u0
        CROSS JOIN LATERAL (SELECT n.id, n.category FROM notifications n
                            WHERE n.user_id = u0.id AND n.dedupe_key = ${`campaign:${c.id}`} LIMIT 1) n
        CROSS JOIN LATERAL (SELECT d.id FROM deliveries d
                            WHERE d.notification_id = n.id AND d.channel = 'EMAIL' AND d.status = 'QUEUED' LIMIT 1) d
        WHERE ${inChunk(rest, Prisma.sql`u0.id`)}
        ORDER BY u0.id
        LIMIT ${opts.batch ?? 500})
      SELECT n.delivery_id, n.id AS notification_id, n.user_id, u.email, u.name, u.locale, dec.status, dec.reason, dec.release_at
      FROM round n
      ${EMAIL_DECISION_JOINS}
      CROSS JOIN LATERAL (SELECT ${emailDecisionSql("system_announcement", at, { critical: c.critical })}) dec
      ORDER BY n.user_id`;
    if (rows.length === 0) return counts;
    rest = { ...chunk, afterUserId: rows[rows.length - 1]!.user_id };
    add(await recordRedecisions(rows));
    const queue = rows.filter((x) => x.status === "QUEUED");
    add(
      await sendInBatches(
        mail.transport,
        queue.map((r) => ({
          deliveryId: r.delivery_id,
          message: campaignMessage(mail, {
            to: r.email,
            firstName: r.name.split(/\s+/)[0] ?? r.name,
            locale: recipientLocale(r.locale),
            unsubscribeToken: unsubscribeToken(mail.secret, { userId: r.user_id, category: "announcements", notificationId: r.notification_id }),
            clickId: r.notification_id,
            type: "system_announcement",
            idempotencyKey: `email:${r.notification_id}`,
          }),
        })),
      ),
    );
    c = await getCampaign(campaignId);
  }
}

/**
 * The chunk's QUEUED newsletter emails: subscribers who unsubscribed (or whose address was suppressed)
 * since the chunk was recorded are SKIPPED; the rest go out in provider batches. Stops between batches
 * when the campaign is paused or cancelled.
 */
async function sendNewsletterEmails(mail: CampaignMail, chunk: FanOutChunk, batch = 500) {
  let c = mail.campaign;
  const counts: Record<string, number> = {};
  const add = (r: Record<string, number>) => Object.entries(r).forEach(([k, v]) => (counts[k] = (counts[k] ?? 0) + v));
  let rest = chunk; // keyset, as in sendCampaignEmails
  for (;;) {
    if (c.status !== "SENDING") return { ...counts, stopped: c.status };
    const skipped = await db.$queryRaw<{ id: string }[]>`
      UPDATE newsletter_deliveries d
      SET status = 'SKIPPED', reason = CASE WHEN s.status <> 'CONFIRMED' THEN 'unsubscribed' ELSE 'suppressed' END, updated_at = now()
      FROM newsletter_subscribers s
      WHERE d.subscriber_id = s.id AND d.campaign_id = ${c.id}::uuid AND d.status = 'QUEUED' AND ${inChunk(rest, Prisma.sql`s.id`)}
        AND (s.status <> 'CONFIRMED' OR NOT ${subscriberNotSuppressed})
      RETURNING d.id`;
    if (skipped.length) add({ SKIPPED: skipped.length });
    const rows = await db.$queryRaw<{ delivery_id: string; subscriber_id: string; email: string; name: string | null }[]>`
      SELECT d.id AS delivery_id, s.id AS subscriber_id, s.email, s.name
      FROM newsletter_subscribers s
      JOIN newsletter_deliveries d ON d.subscriber_id = s.id AND d.campaign_id = ${c.id}::uuid AND d.status = 'QUEUED'
      WHERE ${inChunk(rest, Prisma.sql`s.id`)}
      ORDER BY s.id
      LIMIT ${batch}`;
    if (rows.length === 0) return counts;
    rest = { ...chunk, afterUserId: rows[rows.length - 1]!.subscriber_id };
    add(
      await sendInBatches(
        mail.transport,
        rows.map((r) => ({
          deliveryId: r.delivery_id,
          message: campaignMessage(mail, {
            to: r.email,
            firstName: r.name?.split(/\s+/)[0] || "there",
            // Subscribers have no language on record: the campaign's own.
            locale: recipientLocale(c.locale),
            unsubscribeToken: newsletterUnsubscribeToken(r.subscriber_id, r.delivery_id),
            clickId: r.delivery_id,
            type: "newsletter",
            idempotencyKey: `newsletter:${r.delivery_id}`,
          }),
        })),
        { table: "newsletter_deliveries" },
      ),
    );
    c = await getCampaign(c.id);
  }
}

/** A campaign's counts: recipients, read, and email outcomes (accounts and newsletter subscribers). */
export type CampaignProgress = Record<
  "recipients" | "read" | "sent" | "delivered" | "bounced" | "complained" | "held" | "skipped" | "failed" | "queued",
  number
>;

/** Live progress from the rows: recipients, read, and email outcomes (accounts and newsletter subscribers). */
export async function campaignProgress(campaignId: string): Promise<CampaignProgress> {
  return (await campaignProgressMany([campaignId])).get(campaignId)!;
}

/**
 * {@link campaignProgress} of several campaigns in one grouped query (the campaign list): each count reads
 * the campaign's rows through `notifications_campaign_id` and the deliveries' and newsletter deliveries'
 * campaign keys.
 * @returns progress by campaign id (zeros for a campaign with no rows yet)
 */
export async function campaignProgressMany(campaignIds: readonly string[]): Promise<Map<string, CampaignProgress>> {
  const rows = campaignIds.length
    ? await db.$queryRaw<({ id: string } & Record<keyof CampaignProgress, bigint>)[]>`
        WITH ids AS (SELECT DISTINCT unnest(${campaignIds as string[]}::uuid[]) AS id),
        cards AS (
          SELECT campaign_id, count(*) AS recipients, count(*) FILTER (WHERE read_at IS NOT NULL AND archived_at IS NULL) AS read
          FROM notifications WHERE campaign_id IN (SELECT id FROM ids) GROUP BY campaign_id),
        email AS (
          SELECT n.campaign_id, d.status FROM notifications n JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL'
          WHERE n.campaign_id IN (SELECT id FROM ids)
          UNION ALL
          SELECT campaign_id, status FROM newsletter_deliveries WHERE campaign_id IN (SELECT id FROM ids)),
        subscribers AS (
          SELECT campaign_id, count(*) AS n FROM newsletter_deliveries WHERE campaign_id IN (SELECT id FROM ids) GROUP BY campaign_id),
        outcomes AS (
          SELECT campaign_id,
                 count(*) FILTER (WHERE status IN ('SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED')) AS sent,
                 count(*) FILTER (WHERE status = 'DELIVERED') AS delivered,
                 count(*) FILTER (WHERE status = 'BOUNCED') AS bounced,
                 count(*) FILTER (WHERE status = 'COMPLAINED') AS complained,
                 count(*) FILTER (WHERE status = 'HELD') AS held,
                 count(*) FILTER (WHERE status = 'SKIPPED') AS skipped,
                 count(*) FILTER (WHERE status = 'FAILED') AS failed,
                 count(*) FILTER (WHERE status = 'QUEUED') AS queued
          FROM email GROUP BY campaign_id)
        SELECT ids.id, coalesce(c.recipients, 0) + coalesce(s.n, 0) AS recipients, coalesce(c.read, 0) AS read,
               coalesce(o.sent, 0) AS sent, coalesce(o.delivered, 0) AS delivered, coalesce(o.bounced, 0) AS bounced,
               coalesce(o.complained, 0) AS complained, coalesce(o.held, 0) AS held, coalesce(o.skipped, 0) AS skipped,
               coalesce(o.failed, 0) AS failed, coalesce(o.queued, 0) AS queued
        FROM ids LEFT JOIN cards c ON c.campaign_id = ids.id LEFT JOIN subscribers s ON s.campaign_id = ids.id
        LEFT JOIN outcomes o ON o.campaign_id = ids.id`
    : [];
  return new Map(
    rows.map(({ id, ...counts }) => [id, Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])) as CampaignProgress]),
  );
}

/** Marks a SENDING campaign SENT once its send run has done every chunk. */
export async function finishCampaign(campaignId: string, at = new Date()) {
  await db.campaign.updateMany({ where: { id: campaignId, status: "SENDING" }, data: { status: "SENT", finishedAt: at } });
}
