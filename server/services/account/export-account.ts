import "server-only";
/**
 * Data export (issue "Retention and erasure"; docs/requirements.md R16.2; GDPR / POPIA — a person may
 * obtain the data held about them): one JSON document with everything Herald holds about a user.
 *
 * Contents: the profile (never the password hash), the business they own, notification settings and
 * preferences, follows with business names, personal access tokens' metadata and API keys they created
 * (never a hash), pickups where they are the customer, digests, whether their address is suppressed,
 * emails captured for them in the dev mailbox (metadata), their Stripe customer id and Stripe's billing events
 * about them (issue 17), their native app devices (issue 17, without the FCM token), and — streamed in keyset
 * batches, newest first —
 * every notification and delivery record. Keys are snake_case; times are ISO 8601 UTC; `exported_at` is
 * when the export started. The document is read in several statements (no long transaction, which would
 * stall the embedded database), so rows written during the download may or may not appear.
 */
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { notFound } from "../errors";

/** Notifications or deliveries read per statement while streaming. */
export const EXPORT_BATCH = 1000;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** The exported document (what `JSON.parse` of the download gives). Times: ISO 8601, UTC. */
export interface AccountExport {
  format: "herald.account-export";
  version: 1;
  exported_at: string;
  profile: {
    id: string;
    email: string;
    name: string;
    role: string;
    timezone: string;
    locale: string | null;
    /** The Stripe customer the account is linked to (issue 17), or null. */
    stripe_customer_id: string | null;
    /** When the address was confirmed (issue 17 sign-up), or null while a sign-up's link is not followed. */
    email_verified_at: string | null;
    created_at: string;
    updated_at: string;
  };
  business: { id: string; name: string; slug: string; description: string; address: string; rating: number; logo_color: string; created_at: string } | null;
  settings: {
    in_app_enabled: boolean;
    email_enabled: boolean;
    push_enabled: boolean;
    sms_enabled: boolean;
    digest_cadence: string;
    quiet_hours_enabled: boolean;
    quiet_hours_start: number | null;
    quiet_hours_end: number | null;
    email_unsubscribed_at: string | null;
    updated_at: string;
  } | null;
  preferences: { category: string; channel: string; enabled: boolean; updated_at: string }[];
  follows: { business_id: string; business_name: string; business_slug: string; created_at: string; deleted_at: string | null }[];
  personal_access_tokens: { id: string; name: string; prefix: string; scopes: string[]; created_at: string; last_used_at: string | null; expires_at: string | null; revoked_at: string | null }[];
  api_keys_created: { id: string; name: string; prefix: string; created_at: string; last_used_at: string | null; revoked_at: string | null }[];
  pickups: {
    id: string;
    external_id: string;
    business_id: string;
    business_name: string;
    listing_id: string | null;
    scheduled_at: string;
    status: string;
    order_number: string;
    confirmation_code: string | null;
    location: string;
    contact_person: string | null;
    contact_phone: string | null;
    items: unknown;
    total_cents: number | null;
    currency: string;
    created_at: string;
    updated_at: string;
  }[];
  digests: { cadence: string; window_date: string; covers_from: string; covers_to: string; notification_count: number; created_at: string }[];
  /** Present when non-transactional email to the address is suppressed (bounce, complaint). */
  email_suppression: { reason: string; created_at: string } | null;
  captured_emails: { id: string; from: string; subject: string; created_at: string }[];
  /** The verified mobile number (issue 7), E.164; null when none. */
  phone: { number: string; verified_at: string | null; sms_opted_out_at: string | null } | null;
  /** Browsers with web push (issue 7), removed ones included (with when and why). */
  push_devices: { label: string; created_at: string; last_success_at: string | null; deactivated_at: string | null; deactivated_reason: string | null }[];
  /** Native app devices registered for push (issue 17, FCM); the registration token itself is not exported. */
  native_devices: { platform: string; app_version: string; locale: string | null; created_at: string; last_seen_at: string; disabled_at: string | null; disabled_reason: string | null }[];
  /** Clicks on notifications' action buttons ("reserve", "directions"). */
  notification_clicks: { notification_id: string; action: string; clicked_at: string }[];
  /** Stripe's billing events about them (issue 17): the event id and type, when it came, what Herald did. */
  stripe_events: { id: string; type: string; received_at: string; outcome: string }[];
  /** The platform identities (OpenID provider and subject) that sign in as this account. */
  sign_in_identities: { issuer: string; subject: string; created_at: string; last_login_at: string }[];
  notifications: ExportedNotification[];
  deliveries: ExportedDelivery[];
}

export interface ExportedNotification {
  id: string;
  type: string;
  category: string;
  priority: string;
  title: string;
  body: string;
  data: unknown;
  action_url: string | null;
  business_id: string | null;
  actor_id: string | null;
  created_at: string;
  seen_at: string | null;
  read_at: string | null;
  archived_at: string | null;
  deleted_at: string | null;
  expires_at: string | null;
}

export interface ExportedDelivery {
  id: string;
  notification_id: string;
  channel: string;
  status: string;
  reason: string | null;
  provider_message_id: string | null;
  release_at: string | null;
  sent_at: string | null;
  attempts: number;
  payload: unknown;
  created_at: string;
  updated_at: string;
}

type Head = Omit<AccountExport, "notifications" | "deliveries">;

/** `herald-export-YYYY-MM-DD.json` for the UTC date of `at`. */
export function exportFilename(at: Date): string {
  return `herald-export-${at.toISOString().slice(0, 10)}.json`;
}

async function loadHead(userId: string, at: Date): Promise<Head> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      timezone: true,
      locale: true,
      stripeCustomerId: true,
      emailVerifiedAt: true,
      createdAt: true,
      updatedAt: true,
      phone: true,
      phoneVerifiedAt: true,
      smsOptedOutAt: true,
      pushSubscriptions: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 1000 },
      nativeDevices: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 1000 },
      business: true,
      settings: true,
      preferences: { orderBy: [{ category: "asc" }, { channel: "asc" }] },
      follows: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { businessId: true, createdAt: true, deletedAt: true, business: { select: { name: true, slug: true } } } },
      accessTokens: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
      },
      apiKeysCreated: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } },
      pickups: { orderBy: [{ scheduledAt: "asc" }, { id: "asc" }], include: { business: { select: { name: true } } } },
      digests: { orderBy: [{ windowDate: "asc" }, { cadence: "asc" }] },
      stripeEvents: { orderBy: [{ receivedAt: "asc" }, { id: "asc" }], take: 10_000 },
      oidcAccounts: { orderBy: { createdAt: "asc" }, take: 100 },
    },
  });
  if (!user) throw notFound("Account");
  const [suppression] = await db.$queryRaw<{ reason: string; created_at: Date }[]>`
    SELECT reason, created_at FROM email_suppressions
    WHERE email_hash = encode(sha256(convert_to(lower(${user.email}), 'UTF8')), 'hex')`;
  const captured = await db.$queryRaw<{ id: string; from: string; subject: string; created_at: Date }[]>`
    SELECT id, "from", subject, created_at FROM captured_emails WHERE lower("to") = lower(${user.email})
    ORDER BY created_at, id`;
  const clicks = await db.notificationClick.findMany({ where: { userId }, orderBy: [{ clickedAt: "asc" }, { id: "asc" }] });
  const b = user.business;
  const s = user.settings;
  return {
    format: "herald.account-export",
    version: 1,
    exported_at: at.toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      timezone: user.timezone,
      locale: user.locale,
      stripe_customer_id: user.stripeCustomerId,
      email_verified_at: user.emailVerifiedAt?.toISOString() ?? null,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
    },
    business: b
      ? { id: b.id, name: b.name, slug: b.slug, description: b.description, address: b.address, rating: b.rating, logo_color: b.logoColor, created_at: b.createdAt.toISOString() }
      : null,
    settings: s
      ? {
          in_app_enabled: s.inAppEnabled,
          email_enabled: s.emailEnabled,
          push_enabled: s.pushEnabled,
          sms_enabled: s.smsEnabled,
          digest_cadence: s.digestCadence,
          quiet_hours_enabled: s.quietHoursEnabled,
          quiet_hours_start: s.quietHoursStart,
          quiet_hours_end: s.quietHoursEnd,
          email_unsubscribed_at: iso(s.emailUnsubscribedAt),
          updated_at: s.updatedAt.toISOString(),
        }
      : null,
    preferences: user.preferences.map((p) => ({ category: p.category, channel: p.channel, enabled: p.enabled, updated_at: p.updatedAt.toISOString() })),
    follows: user.follows.map((f) => ({
      business_id: f.businessId,
      business_name: f.business.name,
      business_slug: f.business.slug,
      created_at: f.createdAt.toISOString(),
      deleted_at: iso(f.deletedAt),
    })),
    personal_access_tokens: user.accessTokens.map((t) => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      scopes: t.scopes,
      created_at: t.createdAt.toISOString(),
      last_used_at: iso(t.lastUsedAt),
      expires_at: iso(t.expiresAt),
      revoked_at: iso(t.revokedAt),
    })),
    api_keys_created: user.apiKeysCreated.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      created_at: k.createdAt.toISOString(),
      last_used_at: iso(k.lastUsedAt),
      revoked_at: iso(k.revokedAt),
    })),
    pickups: user.pickups.map((p) => ({
      id: p.id,
      external_id: p.externalId,
      business_id: p.businessId,
      business_name: p.business.name,
      listing_id: p.listingId,
      scheduled_at: p.scheduledAt.toISOString(),
      status: p.status,
      order_number: p.orderNumber,
      confirmation_code: p.confirmationCode,
      location: p.location,
      contact_person: p.contactPerson,
      contact_phone: p.contactPhone,
      items: p.items,
      total_cents: p.totalCents,
      currency: p.currency,
      created_at: p.createdAt.toISOString(),
      updated_at: p.updatedAt.toISOString(),
    })),
    digests: user.digests.map((d) => ({
      cadence: d.cadence,
      window_date: d.windowDate.toISOString().slice(0, 10),
      covers_from: d.coversFrom.toISOString(),
      covers_to: d.coversTo.toISOString(),
      notification_count: d.notificationCount,
      created_at: d.createdAt.toISOString(),
    })),
    email_suppression: suppression ? { reason: suppression.reason, created_at: suppression.created_at.toISOString() } : null,
    captured_emails: captured.map((c) => ({ id: c.id, from: c.from, subject: c.subject, created_at: c.created_at.toISOString() })),
    phone: user.phone ? { number: user.phone, verified_at: iso(user.phoneVerifiedAt), sms_opted_out_at: iso(user.smsOptedOutAt) } : null,
    push_devices: user.pushSubscriptions.map((d) => ({
      label: d.label,
      created_at: d.createdAt.toISOString(),
      last_success_at: iso(d.lastSuccessAt),
      deactivated_at: iso(d.deactivatedAt),
      deactivated_reason: d.deactivatedReason,
    })),
    native_devices: user.nativeDevices.map((d) => ({
      platform: d.platform,
      app_version: d.appVersion,
      locale: d.locale,
      created_at: d.createdAt.toISOString(),
      last_seen_at: d.lastSeenAt.toISOString(),
      disabled_at: iso(d.disabledAt),
      disabled_reason: d.disabledReason,
    })),
    notification_clicks: clicks.map((c) => ({ notification_id: c.notificationId, action: c.action, clicked_at: c.clickedAt.toISOString() })),
    stripe_events: user.stripeEvents.map((e) => ({ id: e.id, type: e.type, received_at: e.receivedAt.toISOString(), outcome: e.outcome })),
    sign_in_identities: user.oidcAccounts.map((o) => ({ issuer: o.issuer, subject: o.subject, created_at: o.createdAt.toISOString(), last_login_at: o.lastLoginAt.toISOString() })),
  };
}

type Cursor = { createdAt: Date; id: string } | null;
const after = (c: Cursor) => (c ? Prisma.sql`AND (created_at, id) < (${c.createdAt}::timestamptz, ${c.id}::uuid)` : Prisma.empty);

async function notificationPage(userId: string, cursor: Cursor, limit: number): Promise<{ rows: ExportedNotification[]; next: Cursor }> {
  // The inbox index (user_id, created_at DESC, id DESC) serves this keyset page at any depth.
  const rows = await db.$queryRaw<
    { id: string; type: string; category: string; priority: string; title: string; body: string; data: unknown; action_url: string | null; business_id: string | null; actor_id: string | null; created_at: Date; seen_at: Date | null; read_at: Date | null; archived_at: Date | null; deleted_at: Date | null; expires_at: Date | null }[]
  >`
    SELECT id, type, category, priority, title, body, data, action_url, business_id, actor_id,
           created_at, seen_at, read_at, archived_at, deleted_at, expires_at
    FROM notifications WHERE user_id = ${userId}::uuid ${after(cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${limit}::int`;
  const last = rows.at(-1);
  return {
    rows: rows.map((r) => ({
      ...r,
      created_at: r.created_at.toISOString(),
      seen_at: iso(r.seen_at),
      read_at: iso(r.read_at),
      archived_at: iso(r.archived_at),
      deleted_at: iso(r.deleted_at),
      expires_at: iso(r.expires_at),
    })),
    next: rows.length === limit && last ? { createdAt: last.created_at, id: last.id } : null,
  };
}

async function deliveryPage(userId: string, cursor: Cursor, limit: number): Promise<{ rows: ExportedDelivery[]; next: Cursor }> {
  const rows = await db.$queryRaw<
    { id: string; notification_id: string; channel: string; status: string; reason: string | null; provider_message_id: string | null; release_at: Date | null; sent_at: Date | null; attempts: number; payload: unknown; created_at: Date; updated_at: Date }[]
  >`
    SELECT id, notification_id, channel::text AS channel, status::text AS status, reason, provider_message_id,
           release_at, sent_at, attempts, payload, created_at, updated_at
    FROM deliveries WHERE user_id = ${userId}::uuid ${after(cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${limit}::int`;
  const last = rows.at(-1);
  return {
    rows: rows.map((r) => ({ ...r, release_at: iso(r.release_at), sent_at: iso(r.sent_at), created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() })),
    next: rows.length === limit && last ? { createdAt: last.created_at, id: last.id } : null,
  };
}

async function* streamArray<T>(page: (cursor: Cursor) => Promise<{ rows: T[]; next: Cursor }>): AsyncGenerator<string> {
  let cursor: Cursor = null;
  let first = true;
  yield "[";
  do {
    const { rows, next } = await page(cursor);
    if (rows.length > 0) {
      yield rows.map((r, i) => `${first && i === 0 ? "\n    " : ",\n    "}${JSON.stringify(r)}`).join("");
      first = false;
    }
    cursor = next;
  } while (cursor);
  yield first ? "]" : "\n  ]";
}

/** An export ready to be sent: its file name and its JSON text in chunks. */
export interface OpenedExport {
  /** `herald-export-<YYYY-MM-DD>.json` (UTC date of `exported_at`). */
  filename: string;
  /** The UTF-8 JSON document, in pieces of at most one batch of rows each. */
  chunks: AsyncIterable<string>;
}

/**
 * Starts a user's export: reads the profile and the small sections now (so a missing account fails before
 * anything is sent), and returns the notifications and deliveries as keyset batches of `batchSize`
 * (default {@link EXPORT_BATCH}) read while the chunks are consumed — a user with 100,000 notifications is
 * never loaded in one query result.
 * @param opts.now the export's time (`exported_at`, default now).
 * @throws AppError NOT_FOUND when the user does not exist.
 */
export async function openAccountExport(userId: string, opts: { now?: Date; batchSize?: number } = {}): Promise<OpenedExport> {
  const at = opts.now ?? new Date();
  const limit = Math.max(1, Math.min(opts.batchSize ?? EXPORT_BATCH, 10_000));
  const head = await loadHead(userId, at);
  async function* chunks(): AsyncGenerator<string> {
    const text = JSON.stringify(head, null, 2);
    yield `${text.slice(0, -2)},\n  "notifications": `; // the head object without its closing "\n}"
    yield* streamArray((c) => notificationPage(userId, c, limit));
    yield `,\n  "deliveries": `;
    yield* streamArray((c) => deliveryPage(userId, c, limit));
    yield "\n}\n";
  }
  return { filename: exportFilename(at), chunks: chunks() };
}

/** The chunks as a byte stream for a `Response` body; pulls the next chunk only when the client reads. */
export function exportStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await it.return?.(undefined);
    },
  });
}

/**
 * The whole export as an object (tests, small accounts): the same text the download streams, parsed.
 * @throws AppError NOT_FOUND when the user does not exist.
 */
export async function exportAccount(userId: string, opts: { now?: Date; batchSize?: number } = {}): Promise<AccountExport> {
  const { chunks } = await openAccountExport(userId, opts);
  let text = "";
  for await (const c of chunks) text += c;
  return JSON.parse(text) as AccountExport;
}
