import "server-only";
/**
 * The push and SMS legs of every notification (issue 7; docs/requirements.md R4.1 channels per type, R18.10 push
 * within 5 s, R8.4 caps, R10 devices, R8.9 fallback to email):
 *
 *   notifications written (listing fan-out chunk, notices, expiring listings)
 *   → {@link decideMobileChannels}: for each type whose catalog channels include PUSH / SMS, one
 *     `INSERT … SELECT` of decisions into `deliveries` (./mobile-decisions.ts), the SMS template props as
 *     `payload` → `notifications/push-requested` / `notifications/sms-requested` for the queued ones
 *   → {@link sendPushDeliveries} / {@link sendSmsDeliveries} (functions `send-push`, `send-sms`): decide
 *     again at send time, send, record SENT / FAILED
 *   → a channel that fails permanently (every device gone, a number the carrier refuses, retries spent)
 *     falls back to email ({@link fallbackToEmail}), decided like any email (preferences, unsubscribe,
 *     quiet hours, cap), unless that notification already has an email.
 *
 * Quiet hours hold pushes and texts like email; {@link releaseHeldMobile} (every minute) sends them when the
 * window ends, deciding again (a notification read meanwhile is then skipped).
 */
import { db } from "../../db";
import { env } from "../../env";
import { Prisma } from "../../generated/prisma/client";
import { withEvents, type Emit, type Tx } from "../outbox/outbox";
import { notificationEmailsRequested, notificationPushRequested, notificationSmsRequested } from "../../events";
import { NOTIFICATION_TYPES, type NotificationType } from "../notifications/catalog";
import { pushOptionsFor, pushPayloadFor, type PushTransport } from "../push";
import type { NativePushTransport } from "../push/fcm";
import { sendPushToUsers } from "../push/subscriptions";
import { smsStatusCallbackUrl, smsTransport, SmsSendError, type SmsTransport } from "../sms";
import { hasSmsTemplate, smsBodyFor } from "../sms/templates";
import { applySmsKeyword } from "../sms/opt-out";
import { emailDecisionSql, EMAIL_DECISION_JOINS } from "./email-decisions";
import { recordRedecisions } from "./redecisions";
import { mobileDecisionJoins, mobileDecisionSql, rankedNotifications, reachableSql, type MobileChannel } from "./mobile-decisions";
import { recipientLocale } from "../../i18n";

/** Sends per step before a push or text that keeps failing in a retryable way is given up (then email). */
export const MOBILE_MAX_ATTEMPTS = 5;
/** Recipients sent to at once within one step. */
const PARALLEL = 16;

const ID_BATCH = 500;
/** `xs` in slices of at most `n` (default 500: the most notification ids one send-request event carries). */
export const batches = <T>(xs: readonly T[], n = ID_BATCH) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Runs `fn` over `items`, at most `limit` at once. */
async function parallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** The catalog types among these notifications (`live`: not archived records); each type is decided on its own. */
async function typesIn(q: Tx, ids: string[], opts: { live?: boolean } = {}): Promise<NotificationType[]> {
  const rows = await q.$queryRaw<{ type: string }[]>`
    SELECT DISTINCT type FROM notifications WHERE id = ANY(${ids}::uuid[]) ${opts.live ? Prisma.sql`AND archived_at IS NULL` : Prisma.empty}`;
  return rows.map((r) => r.type).filter((t): t is NotificationType => t in NOTIFICATION_TYPES);
}

const channelsOf = (type: NotificationType) => (NOTIFICATION_TYPES[type].channels as readonly string[]).filter((c): c is MobileChannel => c === "PUSH" || c === "SMS");

/**
 * Decides push and SMS for new notifications and queues the sending.
 * @param notificationIds notifications just written (any types; archived records are ignored)
 * @param opts.smsProps per notification id, the props of its type's SMS template (the same props as its
 *   email template); stored as the SMS delivery's payload
 * @param opts.channels per notification id, the channels it may use (a subset of its type's); default all
 * @param at decision time (UTC)
 * @returns decisions by channel and status, e.g. `{ PUSH: { QUEUED: 3, SKIPPED: 1 }, SMS: {} }`; people
 *   who cannot receive a channel (no push device, no verified phone) get no decision and are not counted
 *   (./mobile-decisions.ts `reachableSql`)
 */
export async function decideMobileChannels(
  notificationIds: readonly string[],
  at = new Date(),
  opts: MobileDecisionOptions = {},
): Promise<Record<MobileChannel, Record<string, number>>> {
  if (notificationIds.length === 0) return { PUSH: {}, SMS: {} };
  return withEvents((tx, emit) => decideMobileChannelsIn(tx, emit, notificationIds, at, opts));
}

export interface MobileDecisionOptions {
  smsProps?: ReadonlyMap<string, Record<string, unknown>>;
  channels?: ReadonlyMap<string, readonly string[]>;
}

/**
 * {@link decideMobileChannels} inside the caller's transaction `tx`: the decisions and the send requests
 * (recorded with `emit`, the outbox) commit with the caller's other writes.
 */
export async function decideMobileChannelsIn(
  tx: Tx,
  emit: Emit,
  notificationIds: readonly string[],
  at: Date,
  opts: MobileDecisionOptions = {},
): Promise<Record<MobileChannel, Record<string, number>>> {
  const out: Record<MobileChannel, Record<string, number>> = { PUSH: {}, SMS: {} };
  if (notificationIds.length === 0) return out;
  const ids = [...notificationIds];
  const types = await typesIn(tx, ids, { live: true });
  const payloads = JSON.stringify([...(opts.smsProps ?? new Map()).entries()].map(([id, payload]) => ({ id, payload })));
  const queued: Record<MobileChannel, string[]> = { PUSH: [], SMS: [] };
  for (const type of types) {
    for (const channel of channelsOf(type)) {
      const allowed = opts.channels ? ids.filter((id) => opts.channels!.get(id)?.includes(channel) ?? true) : ids;
      if (allowed.length === 0) continue;
      const rows = await tx.$queryRaw<{ notification_id: string; status: string }[]>`
        INSERT INTO deliveries (notification_id, user_id, channel, status, reason, release_at, payload)
        SELECT n.id, n.user_id, ${channel}::"Channel", dec.status, dec.reason, dec.release_at, ${channel === "SMS" ? Prisma.sql`x.payload` : Prisma.sql`NULL::jsonb`}
        FROM ${rankedNotifications(Prisma.sql`n.id = ANY(${allowed}::uuid[]) AND n.type = ${type} AND n.archived_at IS NULL AND ${reachableSql(channel)}`)}
        LEFT JOIN jsonb_to_recordset(${payloads}::jsonb) AS x(id uuid, payload jsonb) ON x.id = n.id
        ${mobileDecisionJoins(channel)}
        CROSS JOIN LATERAL (${mobileDecisionSql(channel, type, at)}) dec
        ON CONFLICT (notification_id, channel) DO NOTHING
        RETURNING notification_id, status`;
      for (const r of rows) {
        out[channel][r.status] = (out[channel][r.status] ?? 0) + 1;
        if (r.status === "QUEUED") queued[channel].push(r.notification_id);
      }
    }
  }
  const events = [
    ...batches(queued.PUSH).map((b) => notificationPushRequested.create({ notificationIds: b })),
    ...batches(queued.SMS).map((b) => notificationSmsRequested.create({ notificationIds: b })),
  ];
  await emit(events);
  return out;
}

interface QueuedMobileRow {
  delivery_id: string;
  notification_id: string;
  user_id: string;
  type: NotificationType;
  priority: "low" | "normal" | "high" | "urgent";
  title: string;
  body: string;
  action_url: string | null;
  image_url: string | null;
  created_at: Date;
  phone: string | null;
  timezone: string;
  /** `users.locale`: the recipient's language, null when never chosen (then the platform's). */
  locale: string | null;
  payload: Record<string, unknown> | null;
  attempts: number;
  status: "QUEUED" | "HELD" | "SKIPPED";
  reason: string | null;
  release_at: Date | null;
}

/** The channel's QUEUED deliveries of these notifications, decided again at `at`; the undecided ones are recorded. */
async function redecide(channel: MobileChannel, notificationIds: readonly string[], at: Date): Promise<QueuedMobileRow[]> {
  const ids = [...notificationIds];
  const types = await typesIn(db, ids);
  const out: QueuedMobileRow[] = [];
  for (const type of types) {
    const rows = await db.$queryRaw<QueuedMobileRow[]>`
      SELECT d.id AS delivery_id, n.id AS notification_id, n.user_id, n.type, n.priority, n.title, n.body, n.action_url,
             n.data ->> 'image_url' AS image_url, n.created_at,
             u.phone, u.timezone, u.locale, d.payload, d.attempts, dec.status, dec.reason, dec.release_at
      FROM ${rankedNotifications(
        Prisma.sql`n.id = ANY(${ids}::uuid[]) AND n.type = ${type}`,
        Prisma.sql`JOIN deliveries q ON q.notification_id = n.id AND q.channel = ${channel}::"Channel" AND q.status = 'QUEUED'`,
      )}
      JOIN deliveries d ON d.notification_id = n.id AND d.channel = ${channel}::"Channel" AND d.status = 'QUEUED'
      ${mobileDecisionJoins(channel)}
      CROSS JOIN LATERAL (${mobileDecisionSql(channel, type, at)}) dec`;
    await recordRedecisions(rows);
    out.push(...rows.filter((r) => r.status === "QUEUED"));
  }
  return out;
}

/** Outcome of one send, recorded in one statement per leg. */
interface Outcome {
  deliveryId: string;
  notificationId: string;
  status: "SENT" | "FAILED" | "QUEUED";
  reason: string | null;
  providerMessageId?: string | null;
}

async function record(outcomes: readonly Outcome[]) {
  if (outcomes.length === 0) return;
  await db.$executeRaw`
    UPDATE deliveries d SET status = x.status::"DeliveryStatus", reason = x.reason, provider_message_id = coalesce(x.pid, d.provider_message_id),
           sent_at = CASE WHEN x.status = 'SENT' THEN now() ELSE d.sent_at END, attempts = d.attempts + 1, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(outcomes.map((o) => ({ id: o.deliveryId, status: o.status, reason: o.reason, pid: o.providerMessageId ?? null })))}::jsonb)
      AS x(id uuid, status text, reason text, pid text)
    WHERE d.id = x.id`;
}

/**
 * Thrown after a leg recorded everything it could, when some sends may succeed on a retry. `retryAfterMs`:
 * the longest `Retry-After` a push service gave (ms), which the `send-push` step waits before its retry.
 */
export class MobileRetryableError extends Error {
  constructor(
    message: string,
    readonly pending: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "MobileRetryableError";
  }
}

/** Tallies outcomes, falls back to email for the failed ones, and throws when a retry is worth it (after `retryAfterMs`, when given). */
async function settle(channel: MobileChannel, outcomes: Outcome[], at: Date, retryAfterMs?: number): Promise<Record<string, number>> {
  await record(outcomes);
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status === "QUEUED" ? "RETRY" : o.status] = (counts[o.status === "QUEUED" ? "RETRY" : o.status] ?? 0) + 1;
  const failed = outcomes.filter((o) => o.status === "FAILED").map((o) => o.notificationId);
  if (failed.length > 0) counts.FALLBACK_EMAIL = (await fallbackToEmail(failed, channel, at)).QUEUED ?? 0;
  const pending = outcomes.filter((o) => o.status === "QUEUED");
  if (pending.length > 0) throw new MobileRetryableError(`${pending.length} ${channel} send(s) failed for now: ${pending[0]!.reason ?? ""}`, pending.length, retryAfterMs);
  return counts;
}

/**
 * Sends the QUEUED pushes of these notifications to every active device of each recipient — their browsers
 * and their native app devices (FCM; issue 17) — deciding again first. A push that reached at least one
 * device is SENT; one whose devices are all gone (web 404/410, FCM UNREGISTERED or a dead token: now
 * deactivated or disabled) or refused it for good is FAILED and falls back to email; a retryable failure
 * (429, 5xx, network) stays QUEUED for the step's retry — after the longest `Retry-After` given — until
 * {@link MOBILE_MAX_ATTEMPTS}, then fails over to email.
 * @param opts.transport web push transport, default the deployment's; `opts.nativeTransport` likewise for FCM
 * @returns counts by outcome (SENT, FAILED, RETRY, FALLBACK_EMAIL, and the re-decided HELD/SKIPPED are not counted)
 * @throws MobileRetryableError after recording, when some pushes should be retried
 */
export async function sendPushDeliveries(
  notificationIds: readonly string[],
  opts: { transport?: PushTransport; nativeTransport?: NativePushTransport; at?: Date } = {},
): Promise<Record<string, number>> {
  const at = opts.at ?? new Date();
  const rows = await redecide("PUSH", notificationIds, at);
  const results = await sendPushToUsers(
    rows.map((r) => ({
      userId: r.user_id,
      payload: pushPayloadFor({
        id: r.notification_id,
        type: r.type,
        title: r.title,
        body: r.body,
        actionUrl: r.action_url,
        imageUrl: r.image_url,
        createdAt: r.created_at,
      }),
      opts: { ...pushOptionsFor(r.priority), idempotencyKey: `push:${r.notification_id}` },
    })),
    opts.transport,
    opts.nativeTransport,
  );
  const outcomes: Outcome[] = rows.map((r, i) => {
    const result = results[i]!;
    const base = { deliveryId: r.delivery_id, notificationId: r.notification_id };
    if (result.sent > 0) return { ...base, status: "SENT", reason: result.sent < result.devices ? `${result.sent} of ${result.devices} devices` : null };
    if (result.retryable && r.attempts + 1 < MOBILE_MAX_ATTEMPTS) return { ...base, status: "QUEUED", reason: firstError(result.results) };
    return { ...base, status: "FAILED", reason: result.devices === 0 ? "no_active_device" : result.gone === result.devices ? "devices_gone" : firstError(result.results) };
  });
  const waits = outcomes.flatMap((o, i) => (o.status === "QUEUED" ? results[i]!.results.map((x) => (x.ok ? 0 : (x.retryAfterMs ?? 0))) : []));
  const retryAfterMs = Math.max(0, ...waits);
  return settle("PUSH", outcomes, at, retryAfterMs > 0 ? retryAfterMs : undefined);
}

const firstError = (results: readonly { ok: boolean; message?: string }[]) => (results.find((x) => !x.ok)?.message ?? "push failed").slice(0, 300);

/**
 * Sends the QUEUED texts of these notifications, deciding again first, each rendered from its stored
 * props with the type's short SMS template in the recipient's language. A permanent refusal (invalid or unreachable number, the
 * carrier's own STOP list) is FAILED and falls back to email; retryable failures stay QUEUED for the step's
 * retry until {@link MOBILE_MAX_ATTEMPTS}.
 * @returns counts by outcome
 * @throws MobileRetryableError after recording, when some texts should be retried
 */
export async function sendSmsDeliveries(notificationIds: readonly string[], opts: { transport?: SmsTransport; at?: Date } = {}): Promise<Record<string, number>> {
  const at = opts.at ?? new Date();
  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  const transport = opts.transport ?? smsTransport();
  const statusCallbackUrl = smsStatusCallbackUrl();
  const rows = await redecide("SMS", notificationIds, at);
  const outcomes: Outcome[] = [];
  await parallel(rows, PARALLEL, async (r) => {
    const base = { deliveryId: r.delivery_id, notificationId: r.notification_id };
    // The type's own short text from its stored props (the email template's), else title and link.
    const props = hasSmsTemplate(r.type) && r.payload ? { timeZone: r.timezone, ...r.payload, appUrl } : { title: r.title, url: r.action_url };
    const body = smsBodyFor(r.type, props as never, { appUrl, critical: NOTIFICATION_TYPES[r.type].critical, locale: recipientLocale(r.locale) });
    try {
      const sent = await transport.send({ to: r.phone!, body, idempotencyKey: `sms:${r.notification_id}`, statusCallbackUrl });
      outcomes.push({ ...base, status: "SENT", reason: null, providerMessageId: sent.providerMessageId });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 300);
      const permanent = err instanceof SmsSendError && err.permanent;
      // The carrier's own STOP list (Twilio 21610): record the opt-out so nothing else is tried.
      if (err instanceof SmsSendError && err.recipientOptedOut && r.phone) await applySmsKeyword(r.phone, "STOP", at);
      outcomes.push({ ...base, status: permanent || r.attempts + 1 >= MOBILE_MAX_ATTEMPTS ? "FAILED" : "QUEUED", reason: message });
    }
  });
  return settle("SMS", outcomes, at);
}

/**
 * Email in place of a push or text that could not be delivered: one EMAIL delivery per notification that
 * has none yet, decided like any email of its type (a preference, unsubscribe or quiet hours still win),
 * reason `fallback:<channel>` when queued. The payload is the SMS props when the type's email template
 * takes them, else `{ "fallback": true }` (rendered as a short generic email: title, body, a link).
 * @returns email decisions by status
 */
export async function fallbackToEmail(notificationIds: readonly string[], channel: MobileChannel, at = new Date()): Promise<Record<string, number>> {
  const ids = [...notificationIds];
  if (ids.length === 0) return {};
  return withEvents(async (tx, emit) => {
    const counts: Record<string, number> = {};
    const queued: string[] = [];
    const types = await typesIn(tx, ids);
    for (const type of types) {
      const rows = await tx.$queryRaw<{ notification_id: string; status: string }[]>`
        INSERT INTO deliveries (notification_id, user_id, channel, status, reason, release_at, payload)
        SELECT n.id, n.user_id, 'EMAIL', dec.status,
               CASE WHEN dec.status = 'QUEUED' THEN ${`fallback:${channel.toLowerCase()}`} ELSE dec.reason END, dec.release_at,
               coalesce(sms.payload, '{"fallback": true}'::jsonb)
        FROM ${rankedNotifications(
          Prisma.sql`n.id = ANY(${ids}::uuid[]) AND n.type = ${type}
            AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.notification_id = n.id AND e.channel = 'EMAIL')`,
        )}
        ${EMAIL_DECISION_JOINS}
        LEFT JOIN deliveries sms ON sms.notification_id = n.id AND sms.channel = 'SMS' AND sms.payload IS NOT NULL
        CROSS JOIN LATERAL (SELECT ${emailDecisionSql(type, at, { ranked: true })}) dec
        ON CONFLICT (notification_id, channel) DO NOTHING
        RETURNING notification_id, status`;
      for (const r of rows) {
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (r.status === "QUEUED") queued.push(r.notification_id);
      }
    }
    await emit(batches(queued).map((b) => notificationEmailsRequested.create({ notificationIds: b })));
    return counts;
  });
}

/**
 * Pushes and texts held by quiet hours whose window ended by `at`: queued again and sent (deciding again).
 * Run every minute by `release-held-deliveries`.
 * @returns how many were released per channel
 */
export async function releaseHeldMobile(at = new Date()): Promise<Record<MobileChannel, number>> {
  return withEvents(async (tx, emit) => {
    const released = await tx.$queryRaw<{ notification_id: string; channel: MobileChannel }[]>`
      UPDATE deliveries SET status = 'QUEUED', reason = NULL, release_at = NULL, updated_at = now()
      WHERE channel IN ('PUSH', 'SMS') AND status = 'HELD' AND reason = 'quiet_hours' AND release_at <= ${at}::timestamptz
      RETURNING notification_id, channel`;
    const push = released.filter((r) => r.channel === "PUSH").map((r) => r.notification_id);
    const sms = released.filter((r) => r.channel === "SMS").map((r) => r.notification_id);
    const events = [
      ...batches(push).map((b) => notificationPushRequested.create({ notificationIds: b })),
      ...batches(sms).map((b) => notificationSmsRequested.create({ notificationIds: b })),
    ];
    await emit(events);
    return { PUSH: push.length, SMS: sms.length };
  });
}
