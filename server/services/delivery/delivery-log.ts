import "server-only";
/**
 * Why a notification went where it went (issue "People choose what reaches them": "A user can open a
 * notification's details and see which channels it went to and why others were held or skipped; an admin
 * can see the same per user"), and the admins' delivery log over everyone (issue 6): filtered keyset pages
 * of `deliveries` and one delivery's timeline. Reads `deliveries` (prisma/schema.prisma).
 */
import { z } from "zod";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import type { DeliveryStatus } from "../../generated/prisma/enums";
import { AppError, notFound } from "../errors";
import { emailIsCaptured } from "../email";
import { pushIsCaptured } from "../push";
import { smsIsCaptured } from "../sms";
import { CHANNELS, isNotificationType, NOTIFICATION_TYPE_NAMES, NOTIFICATION_TYPES, type ChannelName } from "../notifications/catalog";
import { decodeCursor, encodeCursor } from "../notifications/list-notifications";
import { AVAILABLE_CHANNELS } from "../preferences/preferences";
import { hasPushDeviceSql } from "./mobile-decisions";

/** The pipeline's reasons in the recipient's own words (their notification's details: "you turned …"). */
export const REASON_TEXT: Record<string, string> = {
  channel_off: "you turned this channel off",
  unsubscribed: "you unsubscribed from non-essential email",
  preference: "you turned this topic off for this channel",
  suppressed: "this address bounced or reported spam, so we stopped non-essential email to it",
  quiet_hours: "your quiet hours",
  frequency_cap: "today's limit was reached; it goes into your next digest",
  critical: "important enough to always send",
  no_device: "no browser has push turned on",
  no_phone: "no verified phone number",
  opted_out: "you replied STOP to our texts",
  read: "you had already read it",
  expired: "it had expired",
  devices_gone: "every browser's push subscription had ended",
  no_active_device: "no browser had push turned on any more",
  "fallback:push": "sent by email because the push could not be delivered",
  "fallback:sms": "sent by email because the text could not be delivered",
};

/** The same reasons for an admin reading someone else's deliveries (the delivery log): "the recipient …". */
export const ADMIN_REASON_TEXT: Record<string, string> = {
  ...REASON_TEXT,
  channel_off: "the recipient turned this channel off",
  unsubscribed: "the recipient unsubscribed from non-essential email",
  preference: "the recipient turned this topic off for this channel",
  suppressed: "the address bounced or was reported as spam, so non-essential email to it is suppressed",
  quiet_hours: "the recipient's quiet hours",
  frequency_cap: "the recipient's daily limit was reached; it goes into their next digest",
  no_device: "the recipient has no browser with push turned on",
  no_phone: "the recipient has no verified phone number",
  opted_out: "the recipient replied STOP to texts",
  read: "the recipient had already read it",
  devices_gone: "every push subscription of the recipient had ended",
  no_active_device: "the recipient had no browser with push turned on any more",
};

/** The cap of push and SMS skips (email over the cap waits for the digest instead), for each reader. */
const MOBILE_CAP_TEXT = {
  recipient: "today's limit for this channel was reached",
  admin: "the recipient's daily limit for this channel was reached",
} as const;

/** Who reads a reason: the person it was sent to, or an admin looking at the delivery log. */
export type ReasonReader = keyof typeof MOBILE_CAP_TEXT;

export interface ChannelOutcome {
  channel: ChannelName;
  /** delivered (in-app), queued, held, skipped, sent, delivered, bounced, complained, failed, not_used, unavailable */
  status: string;
  reason: string | null;
  /** ISO 8601: when it was sent, or when a hold ends. */
  at: string | null;
}

/**
 * Channel by channel, what happened to one of the user's notifications.
 * @throws AppError NOT_FOUND when missing or someone else's.
 */
export async function notificationDeliveries(userId: string, notificationId: string): Promise<ChannelOutcome[]> {
  const n = await db.notification.findFirst({
    where: { id: notificationId, userId, deletedAt: null },
    select: { type: true, createdAt: true, deliveries: { select: { channel: true, status: true, reason: true, releaseAt: true, sentAt: true } } },
  });
  if (!n) throw new AppError("NOT_FOUND", "Notification not found");
  const channels: readonly string[] = isNotificationType(n.type) ? NOTIFICATION_TYPES[n.type].channels : ["IN_APP"];
  const reach = await reachability(userId);
  return CHANNELS.map((channel): ChannelOutcome => {
    if (channel === "IN_APP") return { channel, status: "delivered", reason: null, at: n.createdAt.toISOString() };
    const d = n.deliveries.find((x) => x.channel === channel);
    if (d) {
      return {
        channel,
        status: d.status.toLowerCase(),
        reason: reasonText(d.reason, channel, "recipient"),
        at: (d.status === "HELD" ? d.releaseAt : d.sentAt)?.toISOString() ?? null,
      };
    }
    if (!AVAILABLE_CHANNELS.includes(channel)) return { channel, status: "unavailable", reason: "this channel is not available yet", at: null };
    if (!channels.includes(channel)) return { channel, status: "not_used", reason: "this kind of notification does not use this channel", at: null };
    // No push or text decision is written for someone the channel cannot reach (./mobile-decisions.ts
    // `reachableSql`): say so from the person's devices and phone as they are now.
    if (channel === "PUSH" && !reach.push) return { channel, status: "skipped", reason: REASON_TEXT.no_device!, at: null };
    if (channel === "SMS" && !reach.sms) return { channel, status: "skipped", reason: REASON_TEXT.no_phone!, at: null };
    return { channel, status: "not_used", reason: "not decided yet", at: null };
  });
}

/** Whether the user can receive push (an active subscription or native app device) and SMS (a verified phone) now. */
async function reachability(userId: string): Promise<{ push: boolean; sms: boolean }> {
  const [row] = await db.$queryRaw<{ push: boolean; sms: boolean }[]>`
    SELECT ${hasPushDeviceSql(Prisma.sql`u.id`)} AS push,
           (u.phone IS NOT NULL AND u.phone_verified_at IS NOT NULL) AS sms
    FROM users u WHERE u.id = ${userId}::uuid`;
  return { push: row?.push ?? false, sms: row?.sms ?? false };
}

/**
 * An admin's view of one user's recent deliveries (newest first, at most 100), with reasons.
 * @throws AppError NOT_FOUND for an unknown email.
 */
export async function userDeliveryLog(email: string) {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, name: true, email: true, role: true, timezone: true } });
  if (!user) throw new AppError("NOT_FOUND", "No user with that email");
  const rows = await db.delivery.findMany({
    where: { userId: user.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, channel: true, status: true, reason: true, releaseAt: true, sentAt: true, createdAt: true, providerMessageId: true, notification: { select: { id: true, type: true, title: true } } },
  });
  return { user, deliveries: rows.map((r) => ({ ...r, reasonText: reasonText(r.reason, r.channel, "admin") })) };
}

// ---------------------------------------------------------------------------------------------------------
// The admins' delivery log (issue 6): every delivery, filtered, newest first, in keyset pages.
// ---------------------------------------------------------------------------------------------------------

/** Every `DeliveryStatus`, in pipeline order (the filter's choices). */
export const DELIVERY_STATUSES = ["QUEUED", "HELD", "SKIPPED", "SENT", "DELIVERED", "BOUNCED", "COMPLAINED", "FAILED"] as const satisfies readonly DeliveryStatus[];

/** Rows per page when the caller does not say. */
export const DELIVERY_LOG_PAGE_SIZE = 50;
/** The most rows one page may ask for. */
export const DELIVERY_LOG_MAX_PAGE_SIZE = 100;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A plausible email address (the same loose check as the rest of the app: something@something.tld). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function cursorIsValid(cursor: string): boolean {
  try {
    decodeCursor(cursor);
    return true;
  } catch {
    return false;
  }
}

/**
 * The delivery log's filters, exactly as they travel in the page's query string (every value a string, so
 * a URL parses as is; `limit` is coerced). Strict: an unknown parameter is refused, not ignored, so a
 * mistyped shared link says so instead of silently showing everything. Messages are written for people.
 *
 * - `email`: the recipient's email, lower-cased; `match` says how: `exact` (default; must look like an
 *   address) or `prefix` (the start of the address, any characters).
 * - `type`: a catalog notification type; `channel`: a `Channel`; `status`: a `DeliveryStatus`.
 * - `from` / `to`: ISO dates (YYYY-MM-DD), UTC days, both inclusive: `created_at` from 00:00 UTC on `from`
 *   to before 00:00 UTC on the day after `to`.
 * - `cursor`: the `nextCursor` of the previous page. `limit`: rows per page, 1–100 (default 50).
 */
export const deliveryLogFilterSchema = z
  .strictObject(
    {
      email: z
        .string()
        .trim()
        .toLowerCase()
        .min(1, { error: "Email: enter an address or the start of one." })
        .max(320, { error: "Email: at most 320 characters." })
        .optional(),
      match: z.enum(["exact", "prefix"], { error: "Email match: choose “is exactly” or “starts with”." }).optional(),
      type: z.enum(NOTIFICATION_TYPE_NAMES, { error: "Type: not a notification type Herald sends." }).optional(),
      channel: z.enum(CHANNELS, { error: `Channel: one of ${CHANNELS.join(", ")}.` }).optional(),
      status: z.enum(DELIVERY_STATUSES, { error: `Status: one of ${DELIVERY_STATUSES.join(", ")}.` }).optional(),
      from: z.iso.date({ error: "From: use a date like 2026-06-01 (YYYY-MM-DD)." }).optional(),
      to: z.iso.date({ error: "To: use a date like 2026-06-30 (YYYY-MM-DD)." }).optional(),
      cursor: z
        .string()
        .max(200, { error: "This page link is damaged or out of date; start again from the first page." })
        .refine(cursorIsValid, { error: "This page link is damaged or out of date; start again from the first page." })
        .optional(),
      limit: z.coerce
        .number({ error: `Page size: a whole number from 1 to ${DELIVERY_LOG_MAX_PAGE_SIZE}.` })
        .int({ error: `Page size: a whole number from 1 to ${DELIVERY_LOG_MAX_PAGE_SIZE}.` })
        .min(1, { error: `Page size: a whole number from 1 to ${DELIVERY_LOG_MAX_PAGE_SIZE}.` })
        .max(DELIVERY_LOG_MAX_PAGE_SIZE, { error: `Page size: a whole number from 1 to ${DELIVERY_LOG_MAX_PAGE_SIZE}.` })
        .optional(),
    },
    { error: (iss) => (iss.code === "unrecognized_keys" ? `Unknown filter ${iss.keys.map((k) => `“${k}”`).join(", ")}.` : undefined) },
  )
  .superRefine((v, ctx) => {
    if (v.match && v.email === undefined) ctx.addIssue({ code: "custom", path: ["match"], message: "Email match: enter an email to match." });
    if (v.email !== undefined && (v.match ?? "exact") === "exact" && !EMAIL.test(v.email)) {
      ctx.addIssue({ code: "custom", path: ["email"], message: "Email: enter a full address like name@example.com, or choose “starts with”." });
    }
    if (v.email !== undefined && /\s/.test(v.email)) ctx.addIssue({ code: "custom", path: ["email"], message: "Email: no spaces." });
    if (v.from && v.to && ISO_DATE.test(v.from) && ISO_DATE.test(v.to) && v.from > v.to) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "Dates: “To” must be on or after “From”." });
    }
  });

/** Parsed filters (see {@link deliveryLogFilterSchema}). */
export type DeliveryLogFilter = z.output<typeof deliveryLogFilterSchema>;

/** One row of the delivery log. Times are instants (UTC). */
export interface DeliveryLogRow {
  id: string;
  channel: ChannelName;
  status: DeliveryStatus;
  /** The pipeline's reason code ("quiet_hours", "preference", a provider error, …), or null. */
  reason: string | null;
  /** {@link REASON_TEXT} for the code, the raw reason for anything else, or null. */
  reasonText: string | null;
  /** HELD for quiet hours: when the hold ends. */
  releaseAt: Date | null;
  /** When the provider accepted it. */
  sentAt: Date | null;
  providerMessageId: string | null;
  /** Decision time. */
  createdAt: Date;
  /** The last change (a webhook's status, a release, a re-decision at send time). */
  updatedAt: Date;
  user: { id: string; email: string; name: string };
  notification: { id: string; type: string; title: string };
}

/** A page of the delivery log. */
export interface DeliveryLogPage {
  rows: DeliveryLogRow[];
  /** Opaque keyset cursor for the next page, or null when this is the last. */
  nextCursor: string | null;
  /**
   * With an exact `email` filter: the user it names, or null when nobody has that address (then `rows` is
   * empty). Without one (or with a prefix): null.
   */
  user: { id: string; name: string; email: string; role: string; timezone: string } | null;
}

interface LogSqlRow {
  id: string;
  channel: ChannelName;
  status: DeliveryStatus;
  reason: string | null;
  release_at: Date | null;
  sent_at: Date | null;
  provider_message_id: string | null;
  created_at: Date;
  updated_at: Date;
  user_id: string;
  email: string;
  name: string;
  notification_id: string;
  type: string;
  title: string;
}

/** `\\`, `%` and `_` escaped for a LIKE pattern with the default escape character. */
function likePrefix(s: string): string {
  return `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Midnight UTC of an ISO date (YYYY-MM-DD), plus `days`. */
function utcDay(isoDate: string, days = 0): Date {
  const d = new Date(`${isoDate}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d;
}

/**
 * One page of every user's deliveries, newest first, keyset-paginated on `(created_at DESC, id DESC)`
 * (never OFFSET: the same cost at any depth, and rows written meanwhile neither repeat nor shift a page).
 * One statement per page over `deliveries` joined to `users` and `notifications`; an exact email is
 * resolved first through `users.email`'s unique index so the page reads `(user_id, created_at)`.
 *
 * @param input raw filters; validated with {@link deliveryLogFilterSchema} here as well, so callers other
 *   than tRPC get the same checks
 * @returns the page, its `nextCursor`, and the named user for an exact email filter
 * @throws ZodError for invalid filters (tRPC answers BAD_REQUEST)
 * @throws AppError VALIDATION_ERROR for a damaged cursor
 */
export async function listDeliveryLog(input: unknown): Promise<DeliveryLogPage> {
  const f = deliveryLogFilterSchema.parse(input);
  const limit = f.limit ?? DELIVERY_LOG_PAGE_SIZE;
  const conds: Prisma.Sql[] = [];
  let user: DeliveryLogPage["user"] = null;
  const prefix = f.email !== undefined && f.match === "prefix";
  if (f.email !== undefined && !prefix) {
    user = await db.user.findUnique({ where: { email: f.email }, select: { id: true, name: true, email: true, role: true, timezone: true } });
    if (!user) return { rows: [], nextCursor: null, user: null };
    conds.push(Prisma.sql`d.user_id = ${user.id}::uuid`);
  } else if (f.email !== undefined) {
    conds.push(Prisma.sql`u.email LIKE ${likePrefix(f.email)}`);
  }
  if (f.type) conds.push(Prisma.sql`n.type = ${f.type}`);
  if (f.channel) conds.push(Prisma.sql`d.channel = ${f.channel}::"Channel"`);
  if (f.status) conds.push(Prisma.sql`d.status = ${f.status}::"DeliveryStatus"`);
  if (f.from) conds.push(Prisma.sql`d.created_at >= ${utcDay(f.from)}::timestamptz`);
  if (f.to) conds.push(Prisma.sql`d.created_at < ${utcDay(f.to, 1)}::timestamptz`);
  if (f.cursor) {
    const after = decodeCursor(f.cursor);
    // The plain `<=` lets the planner bound an index on created_at; the row comparison is the exact keyset.
    conds.push(Prisma.sql`d.created_at <= ${after.createdAt}::timestamptz AND (d.created_at, d.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  }
  // The page is chosen first (joining users or notifications only when a filter needs them), then its rows
  // are joined for display: a plan that sorts (an email prefix) probes notifications for one page, not for
  // every candidate.
  const rows = await db.$queryRaw<LogSqlRow[]>`
    SELECT p.id, p.channel, p.status, p.reason, p.release_at, p.sent_at, p.provider_message_id, p.created_at, p.updated_at,
           ru.id AS user_id, ru.email, ru.name, rn.id AS notification_id, rn.type, rn.title
      FROM (SELECT d.id, d.user_id, d.notification_id, d.channel, d.status, d.reason, d.release_at, d.sent_at, d.provider_message_id, d.created_at, d.updated_at
              FROM deliveries d
              ${prefix ? Prisma.sql`JOIN users u ON u.id = d.user_id` : Prisma.empty}
              ${f.type ? Prisma.sql`JOIN notifications n ON n.id = d.notification_id` : Prisma.empty}
             WHERE ${conds.length ? Prisma.join(conds, " AND ") : Prisma.sql`TRUE`}
             ORDER BY d.created_at DESC, d.id DESC
             LIMIT ${limit + 1}) p
      JOIN users ru ON ru.id = p.user_id
      JOIN notifications rn ON rn.id = p.notification_id
     ORDER BY p.created_at DESC, p.id DESC`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map((r) => ({
      id: r.id,
      channel: r.channel,
      status: r.status,
      reason: r.reason,
      reasonText: reasonText(r.reason, r.channel, "admin"),
      releaseAt: r.release_at,
      sentAt: r.sent_at,
      providerMessageId: r.provider_message_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      user: { id: r.user_id, email: r.email, name: r.name },
      notification: { id: r.notification_id, type: r.type, title: r.title },
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    user,
  };
}

/**
 * People's words for a reason code, for its reader ({@link REASON_TEXT} to the recipient,
 * {@link ADMIN_REASON_TEXT} to an admin); the code itself when it has none, null for no reason. The daily
 * cap reads differently for push and SMS (skipped) than for email (kept for the digest).
 */
export function reasonText(reason: string | null, channel: ChannelName, reader: ReasonReader): string | null {
  if (!reason) return null;
  if (reason === "frequency_cap" && channel !== "EMAIL") return MOBILE_CAP_TEXT[reader];
  return (reader === "admin" ? ADMIN_REASON_TEXT : REASON_TEXT)[reason] ?? reason;
}

// ---------------------------------------------------------------------------------------------------------
// One delivery's timeline.
// ---------------------------------------------------------------------------------------------------------

/** What a timeline step records. */
export type TimelineStepKind = "created" | "queued" | "held" | "skipped" | "sent" | "delivered" | "bounced" | "complained" | "failed" | "clicked" | "unsubscribed" | "read";

/** One thing that happened to a delivery, at an instant. */
export interface TimelineStep {
  kind: TimelineStepKind;
  /** When it happened (an instant; show it in a named time zone). */
  at: Date;
  /** The reason code, for held/skipped/queued/failed/bounced steps, when the row has one. */
  reason: string | null;
  /** {@link REASON_TEXT} for the code, or the raw reason. */
  reasonText: string | null;
  /** Held for quiet hours: when the hold ends. */
  until: Date | null;
  /** Sent: the provider's message id, when it gave one. */
  providerMessageId: string | null;
}

/** The delivery fields a timeline is built from. */
export interface TimelineSource {
  /** The delivery's channel (default EMAIL): the daily cap reads differently per channel. */
  channel?: ChannelName;
  status: DeliveryStatus;
  reason: string | null;
  releaseAt: Date | null;
  sentAt: Date | null;
  providerMessageId: string | null;
  /** First click on a tracked link in it. */
  clickedAt: Date | null;
  /** When its recipient unsubscribed through its own one-click link. */
  unsubscribedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const STEP_ORDER: Record<TimelineStepKind, number> = {
  created: 0, queued: 1, held: 2, skipped: 3, sent: 4, delivered: 5, bounced: 6, complained: 7, failed: 8, clicked: 9, unsubscribed: 10, read: 11,
};

/**
 * The steps a delivery row and its notification's `read_at` prove happened, oldest first (ties in pipeline
 * order). Nothing is inferred: a row keeps only its current status, so an earlier state that a later one
 * overwrote (a quiet-hours hold that was released, DELIVERED before a BOUNCED) is not shown.
 *
 * - created: `created_at` (the decision);
 * - queued / held / skipped / failed: the current status at `updated_at`, with its reason (and the quiet
 *   hours' `release_at` as `until`);
 * - sent: `sent_at`, with the provider's message id (and the reason when it is an email fallback, `fallback:<channel>`);
 * - delivered / bounced / complained: the status the provider's webhook set (Resend; Twilio for texts), at `updated_at`;
 * - clicked: `clicked_at` (first click on a tracked link); unsubscribed: `unsubscribed_at` (its one-click
 *   unsubscribe link);
 * - read: the notification's `read_at`.
 *
 * @param d the delivery row
 * @param readAt the notification's `read_at`, or null
 * @returns steps sorted by time (never empty: `created` is always there)
 */
export function deliveryTimeline(d: TimelineSource, readAt: Date | null): TimelineStep[] {
  const step = (kind: TimelineStepKind, at: Date, extra: Partial<Omit<TimelineStep, "kind" | "at">> = {}): TimelineStep => ({
    kind,
    at,
    reason: null,
    reasonText: null,
    until: null,
    providerMessageId: null,
    ...extra,
  });
  const why = { reason: d.reason, reasonText: reasonText(d.reason, d.channel ?? "EMAIL", "admin") };
  const steps: TimelineStep[] = [step("created", d.createdAt)];
  if (d.status === "QUEUED") steps.push(step("queued", d.updatedAt, why));
  if (d.status === "HELD") steps.push(step("held", d.updatedAt, { ...why, until: d.releaseAt }));
  if (d.status === "SKIPPED") steps.push(step("skipped", d.updatedAt, why));
  if (d.status === "FAILED") steps.push(step("failed", d.updatedAt, why));
  if (d.sentAt) steps.push(step("sent", d.sentAt, { providerMessageId: d.providerMessageId, ...(d.reason?.startsWith("fallback:") ? why : {}) }));
  if (d.status === "DELIVERED") steps.push(step("delivered", d.updatedAt));
  if (d.status === "BOUNCED") steps.push(step("bounced", d.updatedAt, why));
  if (d.status === "COMPLAINED") steps.push(step("complained", d.updatedAt));
  if (d.clickedAt) steps.push(step("clicked", d.clickedAt));
  if (d.unsubscribedAt) steps.push(step("unsubscribed", d.unsubscribedAt));
  if (readAt) steps.push(step("read", readAt));
  return steps.sort((a, b) => a.at.getTime() - b.at.getTime() || STEP_ORDER[a.kind] - STEP_ORDER[b.kind]);
}

/** One delivery with its notification, recipient, what the embedded mode captured for it, and timeline. */
export interface DeliveryDetail {
  id: string;
  channel: ChannelName;
  status: DeliveryStatus;
  reason: string | null;
  reasonText: string | null;
  releaseAt: Date | null;
  sentAt: Date | null;
  providerMessageId: string | null;
  clickedAt: Date | null;
  unsubscribedAt: Date | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  user: { id: string; email: string; name: string; role: string; timezone: string };
  notification: { id: string; type: string; typeLabel: string | null; category: string; priority: string; title: string; body: string; createdAt: Date; readAt: Date | null };
  /**
   * An EMAIL delivery's email as captured in the dev mailbox (`captured_emails.idempotency_key = 'email:' ||
   * notification id`), or null (another channel, or none). `openable`: the dev mailbox is on, so
   * /dev/mailbox/<id> shows it.
   */
  capturedEmail: { id: string; to: string; subject: string; createdAt: Date; openable: boolean } | null;
  /** An SMS delivery's text as captured (`captured_sms`, key `sms:<notification id>`), or null; `openable`: /dev/sms is on. */
  capturedSms: { to: string; body: string; segments: number; createdAt: Date; openable: boolean } | null;
  /**
   * A PUSH delivery's pushes as captured (`captured_pushes`, one per device, keys `push:<notification id>:…`),
   * or null: how many devices, and the title and body the service worker showed. `openable`: /dev/pushes is on.
   */
  capturedPushes: { devices: number; title: string; body: string; createdAt: Date; openable: boolean } | null;
  timeline: TimelineStep[];
}

/**
 * One delivery, for admins: the notification it carried, its recipient, the email, text or pushes captured
 * for it (its own channel only) and the timeline ({@link deliveryTimeline}).
 * @param id the delivery's UUID
 * @throws AppError NOT_FOUND when there is no such delivery (or `id` is not a UUID)
 */
export async function deliveryDetail(id: string): Promise<DeliveryDetail> {
  if (!z.uuid().safeParse(id).success) throw notFound("Delivery");
  const d = await db.delivery.findUnique({
    where: { id },
    select: {
      id: true, channel: true, status: true, reason: true, releaseAt: true, sentAt: true, providerMessageId: true, clickedAt: true, unsubscribedAt: true,
      attempts: true, createdAt: true, updatedAt: true,
      user: { select: { id: true, email: true, name: true, role: true, timezone: true } },
      notification: { select: { id: true, type: true, category: true, priority: true, title: true, body: true, createdAt: true, readAt: true } },
    },
  });
  if (!d) throw notFound("Delivery");
  const n = d.notification;
  const mail =
    d.channel === "EMAIL"
      ? await db.capturedEmail.findUnique({ where: { idempotencyKey: `email:${n.id}` }, select: { id: true, to: true, subject: true, createdAt: true } })
      : null;
  const sms =
    d.channel === "SMS" ? await db.capturedSms.findUnique({ where: { idempotencyKey: `sms:${n.id}` }, select: { to: true, body: true, segments: true, createdAt: true } }) : null;
  const pushes =
    d.channel === "PUSH"
      ? await db.capturedPush.findMany({ where: { idempotencyKey: { startsWith: `push:${n.id}:` } }, select: { payload: true, createdAt: true }, orderBy: { createdAt: "asc" } })
      : [];
  const shown = pushes[0]?.payload as { title?: unknown; body?: unknown } | undefined;
  return {
    id: d.id,
    channel: d.channel,
    status: d.status,
    reason: d.reason,
    reasonText: reasonText(d.reason, d.channel, "admin"),
    releaseAt: d.releaseAt,
    sentAt: d.sentAt,
    providerMessageId: d.providerMessageId,
    clickedAt: d.clickedAt,
    unsubscribedAt: d.unsubscribedAt,
    attempts: d.attempts,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    user: d.user,
    notification: { ...n, typeLabel: isNotificationType(n.type) ? NOTIFICATION_TYPES[n.type].label : null },
    capturedEmail: mail ? { ...mail, openable: emailIsCaptured() } : null,
    capturedSms: sms ? { ...sms, openable: smsIsCaptured() } : null,
    capturedPushes: shown
      ? { devices: pushes.length, title: String(shown.title ?? ""), body: String(shown.body ?? ""), createdAt: pushes[0]!.createdAt, openable: pushIsCaptured() }
      : null,
    timeline: deliveryTimeline(d, n.readAt),
  };
}
