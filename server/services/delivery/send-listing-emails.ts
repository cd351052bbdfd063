import "server-only";
/**
 * The email leg of a listing's fan-out (docs/requirements.md R3.4, R8): decide per recipient (set-based, one statement per
 * chunk), then send what is queued, deciding again at send time. Rendering is a mail merge: the template
 * is rendered once per recipient time zone with placeholders, and each recipient's name and signed
 * unsubscribe token are substituted (escaped), so 5,000 recipients cost a handful of renders. Emails go
 * out in provider batches of 100 (Resend's batch endpoint).
 * Every decision and outcome lands in `deliveries` with its reason.
 */
import { db } from "../../db";
import { env } from "../../env";
import { Prisma } from "../../generated/prisma/client";
import { AppError } from "../errors";
import { renderEmail } from "../email/render";
import { recipientLocale } from "../../i18n";
import { objectStorage } from "../storage/storage";
import type { Locale } from "../../../lib/i18n";
import { unsubscribeHeaders, unsubscribeToken } from "../email/unsubscribe";
import { mergeRecipient, NAME_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER } from "../email/mail-merge";
import type { EmailTransport } from "../email/transport";
import { emailTransport } from "../email";
import { emailDecisionSql, EMAIL_DECISION_JOINS } from "./email-decisions";
import { sendInBatches } from "./email-batches";
import { recordRedecisions } from "./redecisions";
import { sendNotificationEmails } from "./notify";
import { chunkNotifications, type FanOutChunk } from "./fan-out-listing";


async function listingOf(listingId: string) {
  const listing = await db.listing.findUnique({ where: { id: listingId }, include: { business: { select: { id: true, name: true, address: true } } } });
  if (!listing) throw new AppError("NOT_FOUND", "Listing not found");
  return listing;
}

/**
 * Records the email decision for every notification of the listing in the chunk (one INSERT … SELECT;
 * ON CONFLICT DO NOTHING keeps it idempotent).
 * @param at decision time (UTC), default now
 * @returns counts by status
 */
export async function decideListingEmails(listingId: string, chunk: FanOutChunk, at = new Date()): Promise<Record<string, number>> {
  const listing = await listingOf(listingId);
  const rows = await db.$queryRaw<{ status: string }[]>`
    WITH chunk AS (SELECT n.id, n.user_id, n.category FROM ${chunkNotifications(listingId, listing.business.id, chunk)})
    INSERT INTO deliveries (notification_id, user_id, channel, status, reason, release_at)
    SELECT n.id, n.user_id, 'EMAIL', dec.status, dec.reason, dec.release_at
    FROM chunk n ${EMAIL_DECISION_JOINS}
    CROSS JOIN LATERAL (SELECT ${emailDecisionSql("new_listing", at)}) dec
    ON CONFLICT (notification_id, channel) DO NOTHING
    RETURNING status`;
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

interface QueuedRow {
  delivery_id: string;
  notification_id: string;
  user_id: string;
  email: string;
  name: string;
  timezone: string;
  locale: string | null;
  status: "QUEUED" | "HELD" | "SKIPPED";
  reason: string | null;
  release_at: Date | null;
}


/**
 * Sends the chunk's QUEUED emails for a listing, at most `batch` per call of the loop. Each is decided
 * again first: a recipient who turned email off, unsubscribed, or entered quiet hours since is marked
 * SKIPPED/HELD instead. Sent ones become SENT with the provider's id; a permanent refusal FAILED.
 * @returns counts by outcome
 * @throws EmailSendError when the provider fails in a retryable way (the caller's step retries; sent rows
 *   are already SENT and idempotency keys stop duplicates)
 */
export async function sendListingEmails(
  listingId: string,
  chunk: FanOutChunk,
  opts: { transport?: EmailTransport; at?: Date; batch?: number; concurrency?: number } = {},
): Promise<Record<string, number>> {
  const transport = opts.transport ?? emailTransport();
  const { APP_URL } = env("app");
  const { EMAIL_FROM } = env("email");
  const secret = env("auth").NEXTAUTH_SECRET;
  const appUrl = APP_URL.replace(/\/$/, "");
  const listing = await listingOf(listingId);
  const counts: Record<string, number> = {};
  // One rendering per time zone and language in the chunk; the recipient's name and token are merged in.
  const templates = new Map<string, Promise<{ subject: string; html: string; text: string }>>();
  const template = (timeZone: string, locale: Locale) => {
    const key = `${timeZone}|${locale}`;
    let t = templates.get(key);
    if (!t) {
      t = renderEmail("new_listing", {
        appUrl,
        unsubscribeUrl: `${appUrl}/unsubscribe/${UNSUBSCRIBE_PLACEHOLDER}`,
        recipientName: NAME_PLACEHOLDER,
        businessName: listing.business.name,
        listingName: listing.title,
        ...(listing.description ? { description: listing.description } : {}),
        price: (listing.priceCents / 100).toFixed(2),
        currency: listing.currency,
        expiryDate: listing.expiresAt.toISOString(),
        pickupLocation: listing.business.address || listing.business.name,
        listingUrl: `/listings/${listing.id}`,
        ...(listing.imageKey ? { imageUrl: objectStorage().publicUrl(listing.imageKey) } : {}),
        timeZone,
        locale,
      });
      templates.set(key, t);
    }
    return t;
  };

  // Rounds of `batch` in follower order, each starting after the last follower of the one before (every
  // row up to there was sent or re-decided). A round walks the followers and probes each one's notification
  // and queued delivery (LIMIT 1: unique indexes), so it stops after `batch` rows whatever the planner's
  // statistics say about how many deliveries are queued; the decision is made for those rows only.
  let after = chunk.afterUserId;
  for (;;) {
    const at = opts.at ?? new Date();
    const rows = await db.$queryRaw<QueuedRow[]>`
      WITH round AS MATERIALIZED (
        SELECT d.id AS delivery_id, n.id, f.user_id, n.category
        FROM follows f
        CROSS JOIN LATERAL (SELECT n.id, n.category FROM notifications n
                            WHERE n.user_id = f.user_id AND n.dedupe_key = ${`listing:${listingId}`} LIMIT 1) n
        CROSS JOIN LATERAL (SELECT d.id FROM deliveries d
                            WHERE d.notification_id = n.id AND d.channel = 'EMAIL' AND d.status = 'QUEUED' LIMIT 1) d
        WHERE f.business_id = ${listing.business.id}::uuid AND f.deleted_at IS NULL
          AND (${after}::uuid IS NULL OR f.user_id > ${after}::uuid)
          AND (${chunk.throughUserId}::uuid IS NULL OR f.user_id <= ${chunk.throughUserId}::uuid)
        ORDER BY f.user_id
        LIMIT ${opts.batch ?? 500})
      SELECT n.delivery_id, n.id AS notification_id, n.user_id, u.email, u.name, u.timezone, u.locale, dec.status, dec.reason, dec.release_at
      FROM round n
      ${EMAIL_DECISION_JOINS}
      CROSS JOIN LATERAL (SELECT ${emailDecisionSql("new_listing", at)}) dec
      ORDER BY n.user_id`;
    if (rows.length === 0) return counts;
    after = rows[rows.length - 1]!.user_id;
    for (const [k, v] of Object.entries(await recordRedecisions(rows))) counts[k] = (counts[k] ?? 0) + v;
    const queue = rows.filter((r) => r.status === "QUEUED");
    const messages = await Promise.all(
      queue.map(async (r) => {
        const t = await template(r.timezone, recipientLocale(r.locale));
        const token = unsubscribeToken(secret, { userId: r.user_id, category: "listings", notificationId: r.notification_id });
        const firstName = r.name.split(/\s+/)[0] ?? r.name;
        return {
          to: r.email,
          from: EMAIL_FROM,
          subject: t.subject,
          ...mergeRecipient(t, { firstName, unsubscribeToken: token }),
          headers: unsubscribeHeaders(`${appUrl}/unsubscribe/${token}`),
          tags: [{ name: "type", value: "new_listing" }, { name: "category", value: "listings" }],
          idempotencyKey: `email:${r.notification_id}`,
        };
      }),
    );
    const outcome = await sendInBatches(
      transport,
      queue.map((r, i) => ({ deliveryId: r.delivery_id, message: messages[i]! })),
      { concurrency: opts.concurrency },
    );
    for (const [k, v] of Object.entries(outcome)) counts[k] = (counts[k] ?? 0) + v;
  }
}

/**
 * Quiet hours are over for some held emails: put those due by `at` back in the queue and send them, deciding
 * again (someone whose window moved is held again with a new release time). Run every minute by the
 * `release-held-deliveries` cron function.
 * @returns how many were released and what became of them
 */
export async function releaseHeldEmails(
  at = new Date(),
  opts: { transport?: EmailTransport } = {},
): Promise<{ listings: number; notices: number } & Record<string, number>> {
  const released = await db.$queryRaw<{ id: string; dedupe_key: string }[]>`
    WITH due AS (
      UPDATE deliveries SET status = 'QUEUED', reason = NULL, release_at = NULL, updated_at = now()
      WHERE channel = 'EMAIL' AND status = 'HELD' AND reason = 'quiet_hours' AND release_at <= ${at}::timestamptz
      RETURNING notification_id)
    SELECT n.id, n.dedupe_key FROM due JOIN notifications n ON n.id = due.notification_id`;
  const outcome: Record<string, number> = {};
  const add = (r: Record<string, number>) => {
    for (const [k, v] of Object.entries(r)) outcome[k] = (outcome[k] ?? 0) + v;
  };
  // Listings are mail-merged per listing; every other notice is rendered on its own.
  const listings = new Set<string>();
  const notices: string[] = [];
  for (const r of released) {
    const listingId = /^listing:([0-9a-f-]{36})$/.exec(r.dedupe_key)?.[1];
    if (listingId) listings.add(listingId);
    else notices.push(r.id);
  }
  // One listing or notice that can no longer be sent (deleted, or content its template refuses) fails
  // alone: its released emails are marked FAILED with the reason, and the sweep goes on.
  const failAlone = async (send: () => Promise<Record<string, number>>, where: Prisma.Sql) => {
    try {
      add(await send());
    } catch (err) {
      if (!(err instanceof AppError && (err.code === "NOT_FOUND" || err.code === "VALIDATION_ERROR"))) throw err;
      const failed = await db.$executeRaw`
        UPDATE deliveries d SET status = 'FAILED', reason = ${err.message.slice(0, 300)}, updated_at = now()
        FROM notifications n WHERE n.id = d.notification_id AND d.channel = 'EMAIL' AND d.status = 'QUEUED' AND ${where}`;
      add({ FAILED: failed });
    }
  };
  for (const listingId of listings) {
    await failAlone(
      () => sendListingEmails(listingId, { afterUserId: null, throughUserId: null }, { transport: opts.transport, at }),
      Prisma.sql`n.dedupe_key = ${`listing:${listingId}`}`,
    );
  }
  for (let i = 0; i < notices.length; i += 500) {
    const ids = notices.slice(i, i + 500);
    await failAlone(() => sendNotificationEmails(ids, { transport: opts.transport, at }), Prisma.sql`n.id = ANY(${ids}::uuid[])`);
  }
  return { listings: listings.size, notices: notices.length, ...outcome };
}
