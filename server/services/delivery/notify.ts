import "server-only";
/**
 * Notifications to named recipients (docs/requirements.md R8): pickups, orders, reviews, account and billing events,
 * reminders and digests — everything that is not a follower fan-out. One path for all of them:
 *
 *   notices → one `INSERT … SELECT FROM jsonb_to_recordset … ON CONFLICT (user_id, dedupe_key) DO NOTHING`
 *   (the dedupe key makes every trigger idempotent) → realtime `notification.new` to each new recipient
 *   (../notifications/inbox-signals.ts, built in the transaction, sent after commit) →
 *   the email decision for each notice that carries email props (the same SQL expression as listings:
 *   preferences, critical override, suppression, quiet hours, daily cap), recorded in `deliveries` with the
 *   props as `payload` → `notifications/emails-requested` for the queued ones, sent by the
 *   `send-notification-emails` function, which decides again at send time → push and SMS decided and
 *   queued the same way (./mobile-deliveries.ts) for types whose catalog channels include them.
 */
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { env } from "../../env";
import { notificationEmailsRequested } from "../../events";
import { withEvents, type Emit, type Tx } from "../outbox/outbox";
import { EMAIL_TEMPLATES, renderEmail, type EmailTemplateName } from "../email/render";
import { unsubscribeHeaders, unsubscribeToken } from "../email/unsubscribe";
import type { EmailTransport, OutgoingEmail } from "../email/transport";
import { emailTransport } from "../email";
import { NOTIFICATION_TYPES, type ChannelName, type NotificationType } from "../notifications/catalog";
import { newNotificationSignals } from "../notifications/inbox-signals";
import { signalEvents, type UserEvent } from "../realtime";
import { emailDecisionSql, EMAIL_DECISION_JOINS } from "./email-decisions";
import { sendInBatches } from "./email-batches";
import { recordRedecisions } from "./redecisions";
import { batches, decideMobileChannelsIn } from "./mobile-deliveries";
import { rankedNotifications } from "./mobile-decisions";
import { translator } from "../../i18n";
import { createTranslator } from "use-intl/core";
import { INTL_LOCALE, type Locale } from "@/lib/i18n";
import { MESSAGES } from "@/messages";
import { recipientLocale } from "@/server/i18n";

/**
 * A text written in each recipient's language when the notice is stored: a key of the `notice` namespace
 * (messages/<locale>/notices.json) and its ICU values, e.g. `{ key: "bookingConfirmed.title", values:
 * { business: "Mario's" } }`. Values are the caller's words (names, order numbers), inserted as they are.
 */
export interface LocalText {
  key: string;
  values?: Record<string, string | number>;
}

/** A notice's title or body: fixed text, or text in the recipient's language. */
export type NoticeText = string | LocalText;

/**
 * `text` in `locale`.
 * @throws Error when the key is missing from the catalog or its values do not fit the message (a
 *   programming error, caught by the senders' tests)
 */
export function renderNoticeText(text: NoticeText, locale: Locale): string {
  if (typeof text === "string") return text;
  const t = createTranslator({
    locale: INTL_LOCALE[locale],
    messages: MESSAGES[locale] as unknown as Record<string, unknown>,
    namespace: "notice",
    onError: (e) => {
      throw new Error(`notice text ${text.key} (${locale}): ${e.message}`);
    },
  }) as unknown as (key: string, values?: Record<string, string | number>) => string;
  return t(text.key, text.values);
}

/** Each recipient's language, for the notices whose texts are {@link LocalText}s (one query; none otherwise). */
async function noticeLocales(tx: Tx, notices: readonly Notice[]): Promise<Map<string, Locale>> {
  const ids = [...new Set(notices.filter((n) => typeof n.title !== "string" || (n.body !== undefined && typeof n.body !== "string")).map((n) => n.userId))];
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; locale: string | null }[]>`SELECT id, locale FROM users WHERE id = ANY(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id, recipientLocale(r.locale)]));
}

/** One notification for one recipient. */
export interface Notice {
  userId: string;
  /** Catalog type: category and priority come from the catalog. */
  type: NotificationType;
  /** Stored as written, or (a {@link LocalText}) in the recipient's language. */
  title: NoticeText;
  body?: NoticeText;
  /** Small JSON facts for the inbox and the API (ids, ISO 8601 times in UTC). */
  data?: Record<string, unknown>;
  /** App-relative link the inbox opens. */
  actionUrl?: string | null;
  businessId?: string | null;
  actorId?: string | null;
  /** Unique per recipient: a second notice with the same key creates nothing (idempotent triggers). */
  dedupeKey: string;
  expiresAt?: Date | null;
  /**
   * The email, when this notice is emailed: the props of the type's template (emails/<type>.tsx) without
   * `appUrl`, `recipientName` and `unsubscribeUrl`, which are added per recipient at send time (so is
   * `timeZone` when the template takes one and it is not given). Only for types whose catalog channels
   * include EMAIL; validated by the template's zod schema when rendered.
   */
  email?: Record<string, unknown>;
  /**
   * Props for the type's SMS template (server/services/sms/templates.ts; the same shape as `email`), for
   * types whose catalog channels include SMS; default `email`. Without either, the text is the title and link.
   */
  sms?: Record<string, unknown>;
  /**
   * Narrows the catalog's channels for this notice (e.g. the 24-hour pickup reminder by email only, the
   * 1-hour one by push and SMS; docs/requirements.md R12.3). Default: every channel of the type.
   */
  channels?: readonly ChannelName[];
  /**
   * Write the row read and archived, without a realtime signal: a record of something sent on another
   * channel that should not sit in the inbox (the digest email).
   */
  archived?: boolean;
}

/** What {@link notifyUsers} created: new rows only (a repeated dedupe key is not listed). */
export interface NotifyResult {
  created: { id: string; userId: string; type: NotificationType; dedupeKey: string }[];
  /** Email decisions by status (QUEUED, HELD, SKIPPED). */
  email: Record<string, number>;
  /** Push and SMS decisions by status (./mobile-deliveries.ts). */
  mobile: Record<"PUSH" | "SMS", Record<string, number>>;
  /** Each new live row's `notification.new`, to send once the transaction has committed. */
  signals: UserEvent[];
}

/**
 * Writes the notices (one statement), decides their emails, pushes and texts and records the send requests
 * in the outbox — all in one transaction, so a crash leaves either everything or nothing (a retry then
 * writes it all) — and signals the recipients once it has committed.
 * @param at decision time (UTC) for quiet hours and caps; default now
 * @throws Error when a notice asks for email on a type without the EMAIL channel (a programming error)
 */
export async function notifyUsers(notices: readonly Notice[], at = new Date()): Promise<NotifyResult> {
  if (notices.length === 0) return { created: [], email: {}, mobile: { PUSH: {}, SMS: {} }, signals: [] };
  const result = await withEvents((tx, emit) => notifyUsersIn(tx, emit, notices, at));
  await signalEvents(result.signals);
  return result;
}

/**
 * {@link notifyUsers} inside the caller's transaction `tx`, without sending the realtime signals: for a
 * domain write that must commit together with its notices (e.g. a pickup's status). Send `result.signals`
 * with `signalEvents` (../realtime) once the transaction has committed.
 */
export async function notifyUsersIn(tx: Tx, emit: Emit, notices: readonly Notice[], at: Date): Promise<NotifyResult> {
  if (notices.length === 0) return { created: [], email: {}, mobile: { PUSH: {}, SMS: {} }, signals: [] };
  for (const n of notices) {
    if (n.email && !(NOTIFICATION_TYPES[n.type].channels as readonly string[]).includes("EMAIL")) {
      throw new Error(`Notification type ${n.type} has no email channel`);
    }
  }
  const locales = await noticeLocales(tx, notices);
  const rows = notices.map((n) => {
    const spec = NOTIFICATION_TYPES[n.type];
    const locale = locales.get(n.userId) ?? recipientLocale(null);
    return {
      user_id: n.userId,
      type: n.type,
      category: spec.category,
      priority: spec.priority,
      title: renderNoticeText(n.title, locale),
      body: n.body === undefined ? "" : renderNoticeText(n.body, locale),
      data: n.data ?? {},
      action_url: n.actionUrl ?? null,
      business_id: n.businessId ?? null,
      actor_id: n.actorId ?? null,
      dedupe_key: n.dedupeKey,
      expires_at: n.expiresAt?.toISOString() ?? null,
      archived_at: n.archived ? at.toISOString() : null,
    };
  });
  const inserted = await tx.$queryRaw<{ id: string; user_id: string; type: NotificationType; dedupe_key: string }[]>`
    INSERT INTO notifications (user_id, type, category, priority, title, body, data, action_url, business_id, actor_id, dedupe_key, expires_at,
                               read_at, archived_at)
    SELECT x.user_id, x.type, x.category, x.priority, x.title, x.body, x.data, x.action_url, x.business_id, x.actor_id, x.dedupe_key, x.expires_at,
           x.archived_at, x.archived_at
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(user_id uuid, type text, category text, priority text, title text,
      body text, data jsonb, action_url text, business_id uuid, actor_id uuid, dedupe_key text, expires_at timestamptz, archived_at timestamptz)
    ON CONFLICT (user_id, dedupe_key) DO NOTHING
    RETURNING id, user_id, type, dedupe_key`;
  const byKey = new Map(notices.map((n) => [`${n.userId} ${n.dedupeKey}`, n]));
  const created = inserted.map((r) => ({ id: r.id, userId: r.user_id, type: r.type, dedupeKey: r.dedupe_key }));

  const email: Record<string, number> = {};
  const queued: string[] = [];
  const emailed = created.filter((c) => byKey.get(`${c.userId} ${c.dedupeKey}`)!.email);
  for (const type of new Set(emailed.map((c) => c.type))) {
    const payloads = emailed.filter((c) => c.type === type).map((c) => ({ id: c.id, payload: byKey.get(`${c.userId} ${c.dedupeKey}`)!.email }));
    const decided = await tx.$queryRaw<{ notification_id: string; status: string }[]>`
      INSERT INTO deliveries (notification_id, user_id, channel, status, reason, release_at, payload)
      SELECT n.id, n.user_id, 'EMAIL', dec.status, dec.reason, dec.release_at, x.payload
      FROM jsonb_to_recordset(${JSON.stringify(payloads)}::jsonb) AS x(id uuid, payload jsonb)
      JOIN ${rankedNotifications(Prisma.sql`n.id = ANY(${payloads.map((p) => p.id)}::uuid[])`)} ON n.id = x.id
      ${EMAIL_DECISION_JOINS}
      CROSS JOIN LATERAL (SELECT ${emailDecisionSql(type, at, { ranked: true })}) dec
      ON CONFLICT (notification_id, channel) DO NOTHING
      RETURNING notification_id, status`;
    for (const d of decided) {
      email[d.status] = (email[d.status] ?? 0) + 1;
      if (d.status === "QUEUED") queued.push(d.notification_id);
    }
  }
  await emit(batches(queued).map((b) => notificationEmailsRequested.create({ notificationIds: b })));
  const live = created.map((c) => ({ id: c.id, notice: byKey.get(`${c.userId} ${c.dedupeKey}`)! })).filter((c) => !c.notice.archived);
  const smsProps = new Map(live.flatMap(({ id, notice }) => {
    const sms = notice.sms ?? notice.email; // SMS templates take the email template's props
    return sms ? [[id, sms] as const] : [];
  }));
  const channels = new Map(live.flatMap(({ id, notice }) => (notice.channels ? [[id, notice.channels] as const] : [])));
  const mobile = await decideMobileChannelsIn(tx, emit, live.map((c) => c.id), at, { smsProps, channels });
  // Archived records (the digest's) are in no inbox view: newNotificationSignals leaves them out.
  return { created, email, mobile, signals: await newNotificationSignals(tx, created.map((c) => c.id)) };
}

interface QueuedRow {
  delivery_id: string;
  notification_id: string;
  user_id: string;
  type: NotificationType;
  category: string;
  email: string;
  name: string;
  timezone: string;
  /** `users.locale`: the recipient's language, null when never chosen (then the platform's). */
  locale: string | null;
  title: string;
  body: string;
  action_url: string | null;
  payload: Record<string, unknown> | null;
  status: "QUEUED" | "HELD" | "SKIPPED";
  reason: string | null;
  release_at: Date | null;
}

/** Whether a template's strict schema takes a `timeZone` prop. */
function takesTimeZone(template: EmailTemplateName): boolean {
  const shape = (EMAIL_TEMPLATES[template].schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape !== undefined && "timeZone" in shape;
}

/**
 * Renders one queued notice email for its recipient: the stored payload plus appUrl, the recipient's first
 * name, their language (`users.locale`, else the platform's), their time zone (when the template takes one)
 * and, for non-transactional types, the signed one-click unsubscribe link and RFC 8058 headers for the
 * notice's category.
 */
async function composeEmail(r: QueuedRow, appUrl: string, from: string, secret: string): Promise<OutgoingEmail> {
  const template = r.type as EmailTemplateName;
  const token = unsubscribeToken(secret, { userId: r.user_id, category: NOTIFICATION_TYPES[r.type].category, notificationId: r.notification_id });
  const unsubscribeUrl = `${appUrl}/unsubscribe/${token}`;
  const recipientName = r.name.split(/\s+/)[0] ?? r.name;
  const locale = recipientLocale(r.locale);
  // A push or text that could not be delivered and has no props of its type's template goes as a short
  // generic email (./mobile-deliveries.ts fallbackToEmail).
  const fallback = !r.payload || r.payload.fallback === true;
  const withUnsubscribe = fallback || !EMAIL_TEMPLATES[template].transactional;
  const rendered = fallback
    ? await renderEmail("announcement", {
        appUrl,
        unsubscribeUrl,
        recipientName,
        title: r.title,
        body: r.body || r.title,
        ...(r.action_url ? { actionUrl: r.action_url, actionLabel: translator(locale)("mail.fallback.open") } : {}),
        locale,
      })
    : await renderEmail(template, {
        ...(takesTimeZone(template) ? { timeZone: r.timezone } : {}),
        ...r.payload,
        appUrl,
        recipientName,
        locale,
        ...(withUnsubscribe ? { unsubscribeUrl } : {}),
      } as never);
  return {
    to: r.email,
    from,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: withUnsubscribe ? unsubscribeHeaders(unsubscribeUrl) : {},
    tags: [
      { name: "type", value: r.type },
      { name: "category", value: r.category },
      ...(fallback ? [{ name: "fallback", value: "true" }] : []),
    ],
    idempotencyKey: `email:${r.notification_id}`,
  };
}

/**
 * Sends the QUEUED emails of the given notifications, deciding again first (a recipient who turned email
 * off, unsubscribed or entered quiet hours since is marked SKIPPED/HELD instead). Each email is rendered
 * for its recipient (these are one-to-one notices, not mail merges).
 * @param notificationIds at most a few hundred per call (one event's worth)
 * @returns counts by outcome (SENT, FAILED, HELD, SKIPPED)
 * @throws EmailSendError when the provider fails in a retryable way; AppError VALIDATION_ERROR when a
 *   stored payload does not fit its template (a programming error: the step fails visibly)
 */
export async function sendNotificationEmails(
  notificationIds: readonly string[],
  opts: { transport?: EmailTransport; at?: Date } = {},
): Promise<Record<string, number>> {
  const transport = opts.transport ?? emailTransport();
  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  const from = env("email").EMAIL_FROM;
  const secret = env("auth").NEXTAUTH_SECRET;
  const at = opts.at ?? new Date();
  const counts: Record<string, number> = {};
  const types = await db.$queryRaw<{ type: NotificationType }[]>`
    SELECT DISTINCT type FROM notifications WHERE id = ANY(${notificationIds as string[]}::uuid[])`;
  for (const { type } of types) {
    const rows = await db.$queryRaw<QueuedRow[]>`
      SELECT d.id AS delivery_id, n.id AS notification_id, n.user_id, n.type, n.category, u.email, u.name, u.timezone, u.locale, n.title, n.body, n.action_url, d.payload,
             dec.status, dec.reason, dec.release_at
      FROM ${rankedNotifications(
        Prisma.sql`n.id = ANY(${notificationIds as string[]}::uuid[]) AND n.type = ${type}`,
        Prisma.sql`JOIN deliveries q ON q.notification_id = n.id AND q.channel = 'EMAIL' AND q.status = 'QUEUED'`,
      )}
      JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'EMAIL' AND d.status = 'QUEUED'
      ${EMAIL_DECISION_JOINS}
      CROSS JOIN LATERAL (SELECT ${emailDecisionSql(type, at, { ranked: true })}) dec`;
    for (const [k, v] of Object.entries(await recordRedecisions(rows))) counts[k] = (counts[k] ?? 0) + v;
    const queue = rows.filter((x) => x.status === "QUEUED");
    const messages = await Promise.all(queue.map((r) => composeEmail(r, appUrl, from, secret)));
    const outcome = await sendInBatches(
      transport,
      queue.map((r, i) => ({ deliveryId: r.delivery_id, message: messages[i]! })),
    );
    for (const [k, v] of Object.entries(outcome)) counts[k] = (counts[k] ?? 0) + v;
  }
  return counts;
}
