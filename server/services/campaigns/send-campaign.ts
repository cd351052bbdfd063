import "server-only";
/**
 * A campaign's fan-out (issue 6; DESIGN §5): the audience is split into chunks of user ids with one index
 * pass (never loaded into memory); each chunk is one `INSERT … SELECT` of in-app notifications (dedupe key
 * `campaign:<id>`, so a retried or resumed chunk writes nothing twice), one realtime signal per new
 * recipient, one set-based email decision (preferences, unsubscribes, suppression, quiet hours and caps,
 * unless the campaign is critical), then the queued emails as a mail merge of one rendered announcement in
 * provider batches of 100. Progress is read from the rows themselves, so it is right after a crash too.
 */
import { db } from "../../db";
import { env } from "../../env";
import { Prisma, type Campaign } from "../../generated/prisma/client";
import { renderEmail } from "../email/render";
import { unsubscribeHeaders, unsubscribeToken } from "../email/unsubscribe";
import { mergeRecipient, NAME_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER } from "../email/mail-merge";
import { CLICK_TOKEN, clickToken } from "../email/click-tracking";
import type { EmailTransport } from "../email/transport";
import { emailTransport } from "../email";
import { NOTIFICATION_TYPES } from "../notifications/catalog";
import { signalUsers } from "../realtime";
import { emailDecisionSql, EMAIL_DECISION_JOINS } from "../delivery/email-decisions";
import { sendInBatches } from "../delivery/email-batches";
import type { FanOutChunk } from "../delivery/fan-out-listing";
import { audienceCondition } from "./audience";
import { audienceOf, getCampaign } from "./campaigns";

/** Recipients per chunk (one executor run each). */
export const CAMPAIGN_CHUNK_SIZE = 5_000;


const inChunk = (chunk: FanOutChunk) => Prisma.sql`(${chunk.afterUserId}::uuid IS NULL OR u.id > ${chunk.afterUserId}::uuid)
  AND (${chunk.throughUserId}::uuid IS NULL OR u.id <= ${chunk.throughUserId}::uuid)`;

/** Splits the campaign's audience into chunks of `size` users (every `size`-th id; the last chunk open-ended). */
export async function planCampaignChunks(campaignId: string, size = CAMPAIGN_CHUNK_SIZE): Promise<FanOutChunk[]> {
  const c = await getCampaign(campaignId);
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM (SELECT u.id, row_number() OVER (ORDER BY u.id) AS rn FROM users u WHERE ${audienceCondition(audienceOf(c))}) numbered
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
  const spec = NOTIFICATION_TYPES.system_announcement;
  const inApp = c.channels.includes("IN_APP");
  const rows = await db.$queryRaw<{ id: string; user_id: string }[]>`
    INSERT INTO notifications (user_id, type, category, priority, title, body, data, campaign_id, dedupe_key, read_at, archived_at)
    SELECT u.id, 'system_announcement', ${spec.category}, ${c.critical ? "high" : spec.priority}, ${c.inAppTitle}, ${c.inAppBody},
           ${JSON.stringify({ campaign_id: c.id })}::jsonb, ${c.id}::uuid, ${`campaign:${c.id}`},
           ${inApp ? null : at}::timestamptz, ${inApp ? null : at}::timestamptz
    FROM users u WHERE ${audienceCondition(audienceOf(c))} AND ${inChunk(chunk)}
    ON CONFLICT (user_id, dedupe_key) DO NOTHING
    RETURNING id, user_id`;
  if (inApp) await signalUsers(rows.map((r) => r.user_id), "notification.new", { notification_type: "system_announcement", title: c.inAppTitle, campaign_id: c.id });
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

interface QueuedRow {
  delivery_id: string;
  notification_id: string;
  user_id: string;
  email: string;
  name: string;
  status: "QUEUED" | "HELD" | "SKIPPED";
  reason: string | null;
  release_at: Date | null;
}

/** The announcement email of a campaign, rendered once with placeholders for name and unsubscribe token. */
async function campaignTemplate(c: Campaign, appUrl: string) {
  return renderEmail("announcement", {
    appUrl,
    unsubscribeUrl: `${appUrl}/unsubscribe/${UNSUBSCRIBE_PLACEHOLDER}`,
    recipientName: NAME_PLACEHOLDER,
    title: c.emailSubject,
    body: c.emailBody,
    format: "markdown",
    clickTrackingUrl: `${appUrl}/r/${CLICK_TOKEN}`,
  });
}

/**
 * Sends the chunk's QUEUED campaign emails, deciding again first (someone who unsubscribed meanwhile is
 * SKIPPED). Stops between batches when the campaign is paused or cancelled.
 * @returns counts by outcome
 * @throws EmailSendError when the provider fails in a retryable way (the step retries; sent rows stay SENT)
 */
export async function sendCampaignEmails(campaignId: string, chunk: FanOutChunk, opts: { transport?: EmailTransport; at?: Date; batch?: number } = {}) {
  const transport = opts.transport ?? emailTransport();
  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  const from = env("email").EMAIL_FROM;
  const secret = env("auth").NEXTAUTH_SECRET;
  let c = await getCampaign(campaignId);
  const t = await campaignTemplate(c, appUrl);
  const counts: Record<string, number> = {};
  const add = (r: Record<string, number>) => Object.entries(r).forEach(([k, v]) => (counts[k] = (counts[k] ?? 0) + v));
  for (;;) {
    if (c.status !== "SENDING") return { ...counts, stopped: c.status };
    const at = opts.at ?? new Date();
    const rows = await db.$queryRaw<QueuedRow[]>`
      SELECT d.id AS delivery_id, n.id AS notification_id, n.user_id, u.email, u.name, dec.status, dec.reason, dec.release_at
      FROM users u0
      JOIN notifications n ON n.user_id = u0.id AND n.dedupe_key = ${`campaign:${c.id}`}
      JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL' AND d.status = 'QUEUED'
      ${EMAIL_DECISION_JOINS}
      CROSS JOIN LATERAL (SELECT ${emailDecisionSql("system_announcement", at, { critical: c.critical })}) dec
      WHERE ${Prisma.sql`(${chunk.afterUserId}::uuid IS NULL OR u0.id > ${chunk.afterUserId}::uuid) AND (${chunk.throughUserId}::uuid IS NULL OR u0.id <= ${chunk.throughUserId}::uuid)`}
      ORDER BY u0.id
      LIMIT ${opts.batch ?? 500}`;
    if (rows.length === 0) return counts;
    for (const r of rows.filter((x) => x.status !== "QUEUED")) {
      await db.delivery.update({ where: { id: r.delivery_id }, data: { status: r.status, reason: r.reason, releaseAt: r.release_at } });
      add({ [r.status]: 1 });
    }
    const queue = rows.filter((x) => x.status === "QUEUED");
    add(
      await sendInBatches(
        transport,
        queue.map((r) => {
          const token = unsubscribeToken(secret, { userId: r.user_id, category: "announcements", notificationId: r.notification_id });
          const click = clickToken(secret, r.notification_id);
          const first = r.name.split(/\s+/)[0] ?? r.name;
          return {
            deliveryId: r.delivery_id,
            message: {
              to: r.email,
              from,
              subject: t.subject,
              ...mergeRecipient(t, { firstName: first, unsubscribeToken: token, clickToken: click }),
              headers: unsubscribeHeaders(`${appUrl}/unsubscribe/${token}`),
              tags: [{ name: "type", value: "system_announcement" }, { name: "campaign", value: c.id }],
              idempotencyKey: `email:${r.notification_id}`,
            },
          };
        }),
      ),
    );
    c = await getCampaign(campaignId);
  }
}

/** Live progress from the rows: recipients, read, and email outcomes. */
export async function campaignProgress(campaignId: string) {
  const [row] = await db.$queryRaw<{ recipients: bigint; read: bigint; sent: bigint; held: bigint; skipped: bigint; failed: bigint; queued: bigint; delivered: bigint; bounced: bigint; complained: bigint }[]>`
    SELECT count(DISTINCT n.id) AS recipients,
           count(DISTINCT n.id) FILTER (WHERE n.read_at IS NOT NULL AND n.archived_at IS NULL) AS read,
           count(d.id) FILTER (WHERE d.status IN ('SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED')) AS sent,
           count(d.id) FILTER (WHERE d.status = 'DELIVERED') AS delivered,
           count(d.id) FILTER (WHERE d.status = 'BOUNCED') AS bounced,
           count(d.id) FILTER (WHERE d.status = 'COMPLAINED') AS complained,
           count(d.id) FILTER (WHERE d.status = 'HELD') AS held,
           count(d.id) FILTER (WHERE d.status = 'SKIPPED') AS skipped,
           count(d.id) FILTER (WHERE d.status = 'FAILED') AS failed,
           count(d.id) FILTER (WHERE d.status = 'QUEUED') AS queued
    FROM notifications n LEFT JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL'
    WHERE n.campaign_id = ${campaignId}::uuid`;
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)])) as Record<
    "recipients" | "read" | "sent" | "delivered" | "bounced" | "complained" | "held" | "skipped" | "failed" | "queued",
    number
  >;
}

/** Marks a SENDING campaign SENT once its send run has done every chunk. */
export async function finishCampaign(campaignId: string, at = new Date()) {
  await db.campaign.updateMany({ where: { id: campaignId, status: "SENDING" }, data: { status: "SENT", finishedAt: at } });
}
