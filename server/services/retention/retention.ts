import "server-only";
/**
 * Retention (issue "Retention and erasure"): deletes what Herald no longer needs, in small batches.
 *
 * Rules and their sources:
 * - read notifications, 90 days after they were read — docs/requirements.md R16.1 (which says why
 *   only read ones go). Unread
 *   notifications are never deleted by age: nothing unread is lost silently; the result counts how many
 *   unread notifications older than the period were kept.
 * - delivery logs (`deliveries`, `newsletter_deliveries`, `webhook_deliveries`), 180 days — docs/requirements.md R16.1 ("store 6 months of notification history").
 * - personal access tokens once expired; tokens and API keys 30 days after they were revoked.
 * - `idempotency_records` after 24 h (the replay window, {@link IDEMPOTENCY_TTL_MS}); `rate_limit_buckets`
 *   one day after their window started (the longest window is one hour); `webhook_events` and
 *   `captured_emails` (the dev mailbox) after 30 days.
 * - newsletter delivery logs like delivery logs (180 days); newsletter signups never confirmed, 30 days
 *   after signing up (issue 6: an address nobody confirmed is not kept); captured pushes and texts like the
 *   dev mailbox (30 days); phone verification codes a day after they expired (issue 7).
 * - sign-in sessions (`auth_sessions`, issue 12) once expired, or a day after they were revoked (a revoked
 *   row is only needed while a copied cookie might still be presented; an expired JWT is refused anyway);
 *   login throttles (`login_throttles`) a day after their last failure, unless a lockout is still running;
 *   outbox events (`outbox_events`) 7 days after the job engine accepted them (pending ones are never
 *   deleted; Inngest deduplicates an event id for 24 h, so older sent rows serve no resend).
 * - Stripe's webhook events (`stripe_events`, issue 17) like the other processed webhook ids (30 days): far
 *   longer than Stripe retries a delivery (up to 3 days, https://docs.stripe.com/webhooks#retries), and a
 *   retry after that still finds its notice's dedupe key (server/services/billing/stripe-webhook.ts).
 * Periods and the batch size come from the `retention` group of server/env.ts (HERALD_RETENTION_*).
 *
 * Shape, designed for a 1,000,000-row notifications table: every batch is ONE autocommit statement
 * `DELETE … WHERE id = ANY(ARRAY(SELECT id … ORDER BY <indexed column> LIMIT n)) AND <condition>` (see
 * {@link batchDeleteSql}), so no lock is held between batches and other writers (the inbox, fan-out)
 * interleave with them. The ORDER BY on the indexed column makes the planner walk the index
 * (`notifications_read_at_idx`, `deliveries_created_at_idx`, …) and stop after n rows instead of scanning
 * the table; the condition is repeated outside the subquery so a row changed concurrently (e.g. marked
 * unread again) is re-checked before it is deleted.
 */
import { Prisma } from "../../generated/prisma/client";
import { db } from "../../db";
import { env } from "../../env";
import { IDEMPOTENCY_TTL_MS } from "../api/idempotency";

const DAY_MS = 86_400_000;

/** The tables retention prunes, in the order a run visits them. */
export const RETENTION_TABLES = [
  "notifications",
  "deliveries",
  "personal_access_tokens",
  "api_keys",
  "idempotency_records",
  "rate_limit_buckets",
  "webhook_events",
  "captured_emails",
  "newsletter_deliveries",
  "newsletter_subscribers",
  "captured_pushes",
  "captured_sms",
  "phone_verifications",
  "auth_sessions",
  "login_throttles",
  "outbox_events",
  "webhook_deliveries",
  "stripe_events",
] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];

/** How long each kind of row is kept. Days are 24 h periods counted back from the run's `now` (UTC). */
export interface RetentionPolicy {
  /** Read notifications: days after `read_at`. Default 90 (docs/requirements.md R16.1). */
  readNotificationDays: number;
  /** Delivery logs: days after `created_at`. Default 180 (docs/requirements.md R16.1). */
  deliveryDays: number;
  /** Revoked personal access tokens and API keys: days after `revoked_at`. Default 30. */
  revokedCredentialDays: number;
  /** Processed webhook ids (`webhook_events`, `stripe_events`): days after `received_at`. Default 30. */
  webhookEventDays: number;
  /** Captured dev emails: days after `created_at`. Default 30. */
  capturedEmailDays: number;
  /** Idempotency records: ms after `created_at`. Fixed: the 24 h replay window of the HTTP API. */
  idempotencyMs: number;
  /** Rate-limit buckets: ms after `window_start`. Fixed: one day. */
  rateLimitMs: number;
  /** Rows deleted per statement. Default 5,000. */
  batchSize: number;
}

/** The policy configured by HERALD_RETENTION_* (server/env.ts "retention"), with the fixed periods. */
export function retentionPolicy(): RetentionPolicy {
  const e = env("retention");
  return {
    readNotificationDays: e.HERALD_RETENTION_READ_DAYS,
    deliveryDays: e.HERALD_RETENTION_DELIVERY_DAYS,
    revokedCredentialDays: e.HERALD_RETENTION_REVOKED_DAYS,
    webhookEventDays: e.HERALD_RETENTION_WEBHOOK_DAYS,
    capturedEmailDays: e.HERALD_RETENTION_MAILBOX_DAYS,
    idempotencyMs: IDEMPOTENCY_TTL_MS,
    rateLimitMs: DAY_MS,
    batchSize: e.HERALD_RETENTION_BATCH,
  };
}

/**
 * One run's fixed parameters: every cutoff as an ISO 8601 UTC timestamp, so an Inngest step can return it
 * (JSON) and every later step of the run deletes against the same instants.
 */
export interface RetentionPlan {
  /** The run's "now" (ISO 8601, UTC). Expired tokens are those with `expires_at` before it. */
  now: string;
  batchSize: number;
  /** Rows whose age column is strictly before the cutoff are deleted (ISO 8601, UTC). */
  cutoffs: {
    notificationsReadBefore: string;
    deliveriesCreatedBefore: string;
    credentialsRevokedBefore: string;
    idempotencyCreatedBefore: string;
    rateLimitWindowBefore: string;
    webhookReceivedBefore: string;
    capturedEmailCreatedBefore: string;
    pendingSignupCreatedBefore: string;
    verificationExpiredBefore: string;
    /** Revoked sign-in sessions: `revoked_at` before this (a day). Expired ones go at `now`. */
    sessionRevokedBefore: string;
    /** Login throttles: `last_failure_at` before this (a day), and no lockout running at `now`. */
    loginFailureBefore: string;
    /** Outbox events: `sent_at` before this (7 days). */
    outboxSentBefore: string;
  };
}

/**
 * The plan for a run at `now` under `policy` (defaults: {@link retentionPolicy}; a partial policy overrides
 * single fields).
 * @throws Error when the environment's retention group is invalid (server/env.ts).
 */
export function retentionPlan(now: Date = new Date(), policy: Partial<RetentionPolicy> = {}): RetentionPlan {
  const p = { ...retentionPolicy(), ...policy };
  if (!Number.isInteger(p.batchSize) || p.batchSize < 1) throw new Error(`retention: batchSize must be a positive integer (got ${p.batchSize})`);
  const t = now.getTime();
  const before = (ms: number) => new Date(t - ms).toISOString();
  return {
    now: now.toISOString(),
    batchSize: p.batchSize,
    cutoffs: {
      notificationsReadBefore: before(p.readNotificationDays * DAY_MS),
      deliveriesCreatedBefore: before(p.deliveryDays * DAY_MS),
      credentialsRevokedBefore: before(p.revokedCredentialDays * DAY_MS),
      idempotencyCreatedBefore: before(p.idempotencyMs),
      rateLimitWindowBefore: before(p.rateLimitMs),
      webhookReceivedBefore: before(p.webhookEventDays * DAY_MS),
      capturedEmailCreatedBefore: before(p.capturedEmailDays * DAY_MS),
      pendingSignupCreatedBefore: before(30 * DAY_MS),
      verificationExpiredBefore: before(DAY_MS),
      sessionRevokedBefore: before(DAY_MS),
      loginFailureBefore: before(DAY_MS),
      outboxSentBefore: before(7 * DAY_MS),
    },
  };
}

const ts = (iso: string) => Prisma.sql`${new Date(iso)}::timestamptz`;

/** Per table: the row key, the condition a row must meet to go, and the indexed column to walk (if any). */
function spec(table: RetentionTable, plan: RetentionPlan): { key: string; where: Prisma.Sql; order: string | null } {
  const c = plan.cutoffs;
  switch (table) {
    case "notifications":
      return { key: "id", where: Prisma.sql`read_at < ${ts(c.notificationsReadBefore)}`, order: "read_at" };
    case "deliveries":
      return { key: "id", where: Prisma.sql`created_at < ${ts(c.deliveriesCreatedBefore)}`, order: "created_at" };
    case "personal_access_tokens":
      return {
        key: "id",
        where: Prisma.sql`(expires_at < ${ts(plan.now)} OR revoked_at < ${ts(c.credentialsRevokedBefore)})`,
        order: null,
      };
    case "api_keys":
      return { key: "id", where: Prisma.sql`revoked_at < ${ts(c.credentialsRevokedBefore)}`, order: null };
    case "idempotency_records":
      return { key: "key", where: Prisma.sql`created_at < ${ts(c.idempotencyCreatedBefore)}`, order: "created_at" };
    case "rate_limit_buckets":
      return { key: "ctid", where: Prisma.sql`window_start < ${ts(c.rateLimitWindowBefore)}`, order: "window_start" };
    case "webhook_events":
      // No index on received_at: the table is small (one row per webhook for 30 days); no ORDER BY, so a
      // batch stops scanning after n matches.
      return { key: "id", where: Prisma.sql`received_at < ${ts(c.webhookReceivedBefore)}`, order: null };
    case "stripe_events":
      // One row per Stripe event, walked by its received_at index.
      return { key: "id", where: Prisma.sql`received_at < ${ts(c.webhookReceivedBefore)}`, order: "received_at" };
    case "captured_emails":
    case "captured_pushes":
    case "captured_sms":
      return { key: "id", where: Prisma.sql`created_at < ${ts(c.capturedEmailCreatedBefore)}`, order: "created_at" };
    case "newsletter_deliveries":
    case "webhook_deliveries":
      // Delivery logs, kept as long as the notifications' (`deliveryDays`).
      return { key: "id", where: Prisma.sql`created_at < ${ts(c.deliveriesCreatedBefore)}`, order: "created_at" };
    case "newsletter_subscribers":
      // Few rows match (unconfirmed signups); no index on created_at, no ORDER BY: stop after n matches.
      return { key: "id", where: Prisma.sql`status = 'PENDING' AND created_at < ${ts(c.pendingSignupCreatedBefore)}`, order: null };
    case "phone_verifications":
      return { key: "id", where: Prisma.sql`expires_at < ${ts(c.verificationExpiredBefore)}`, order: null };
    case "auth_sessions":
      // Two conditions on two columns (only expires_at is indexed): no ORDER BY, stop after n matches.
      return { key: "id", where: Prisma.sql`(expires_at < ${ts(plan.now)} OR revoked_at < ${ts(c.sessionRevokedBefore)})`, order: null };
    case "login_throttles":
      return {
        key: "key",
        where: Prisma.sql`last_failure_at < ${ts(c.loginFailureBefore)} AND (locked_until IS NULL OR locked_until < ${ts(plan.now)})`,
        order: "last_failure_at",
      };
    case "outbox_events":
      // The (sent_at, available_at) index leads with sent_at; NULL (pending) never matches.
      return { key: "id", where: Prisma.sql`sent_at < ${ts(c.outboxSentBefore)}`, order: "sent_at" };
  }
}

/**
 * The statement that deletes one batch of `table` under `plan` (exported so tests can EXPLAIN it):
 *
 * ```sql
 * DELETE FROM t WHERE id = ANY(ARRAY(SELECT id FROM t WHERE <cond> ORDER BY <indexed col> LIMIT n)) AND <cond>
 * ```
 *
 * Why `= ANY(ARRAY(…))` and not `IN (SELECT … LIMIT n)`: PostgreSQL (15, and 18 in PGlite) plans the `IN`
 * form as a hash semi-join against a scan of the whole table (or of every eligible row) for every batch
 * (EXPLAIN on 200k and 1M notifications); the `ARRAY(…)` form is an InitPlan that walks the age index for
 * n keys, then n primary-key lookups (retention-million.test.ts checks the plan).
 * `rate_limit_buckets` has a two-column key and uses `ctid` the same way (a TID scan).
 * Table and column names come from the fixed list above, never from input.
 */
export function batchDeleteSql(table: RetentionTable, plan: RetentionPlan): Prisma.Sql {
  const s = spec(table, plan);
  const name = Prisma.raw(`"${table}"`);
  const key = Prisma.raw(s.key);
  return Prisma.sql`
    DELETE FROM ${name} WHERE ${key} = ANY(ARRAY(
      SELECT ${key} FROM ${name} WHERE ${s.where}
      ${s.order ? Prisma.raw(`ORDER BY ${s.order}`) : Prisma.empty}
      LIMIT ${plan.batchSize}::int
    )) AND ${s.where}`;
}

/** One batch as reported to {@link PurgeOptions.onBatch}. */
export interface RetentionBatch {
  table: RetentionTable;
  /** 1-based within this call. */
  batch: number;
  deleted: number;
  /** Wall-clock duration of the statement, ms. */
  ms: number;
}

export interface PurgeOptions {
  /** Stop after this many batches even if rows remain (`done: false`); default: until none remain. */
  maxBatches?: number;
  /** Called after each batch has committed (logging, progress, tests). Awaited before the next batch. */
  onBatch?: (batch: RetentionBatch) => void | Promise<void>;
}

/** What {@link purgeTable} did. */
export interface PurgeResult {
  table: RetentionTable;
  deleted: number;
  batches: number;
  /** True when the last batch was short: nothing eligible remained at that moment. */
  done: boolean;
}

/**
 * Deletes `table`'s expired rows under `plan`, one autocommit statement of at most `plan.batchSize` rows at
 * a time (each its own short transaction; no lock survives a batch).
 * @returns rows deleted, batches run, and whether the table is done.
 * @throws the database error of a failing batch (earlier batches stay committed; a rerun continues).
 */
export async function purgeTable(table: RetentionTable, plan: RetentionPlan, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const max = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  const sql = batchDeleteSql(table, plan);
  let deleted = 0;
  let batches = 0;
  while (batches < max) {
    const started = performance.now();
    const n = await db.$executeRaw(sql);
    batches++;
    deleted += n;
    await opts.onBatch?.({ table, batch: batches, deleted: n, ms: performance.now() - started });
    if (n < plan.batchSize) return { table, deleted, batches, done: true };
  }
  return { table, deleted, batches, done: false };
}

/**
 * Unread notifications created before the read-notification cutoff: kept (never deleted by age), counted so
 * the run's report shows them. Uses `notifications_read_at_idx` (`read_at IS NULL`).
 */
export async function countUnreadKept(plan: RetentionPlan): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM notifications
    WHERE read_at IS NULL AND created_at < ${ts(plan.cutoffs.notificationsReadBefore)}`;
  return row?.n ?? 0;
}

/** What a whole run did: rows deleted and batches run per table, and the unread notifications kept. */
export interface RetentionResult {
  /** ISO 8601, UTC. */
  now: string;
  deleted: Record<RetentionTable, number>;
  batches: Record<RetentionTable, number>;
  /** Unread notifications older than the read-notification period, kept on purpose. */
  unreadNotificationsKept: number;
}

const zeroes = (): Record<RetentionTable, number> =>
  Object.fromEntries(RETENTION_TABLES.map((t) => [t, 0])) as Record<RetentionTable, number>;

/**
 * A whole retention run in this process: every table in {@link RETENTION_TABLES} until none of its rows are
 * eligible, then the unread count. The nightly Inngest function (inngest/functions/retention.ts) does the
 * same in steps.
 * @param opts.now the run's time (default: now); `policy` overrides configured fields; `onBatch` as in {@link purgeTable}.
 * @throws as {@link retentionPlan} and {@link purgeTable}.
 */
export async function runRetention(
  opts: { now?: Date; policy?: Partial<RetentionPolicy>; onBatch?: PurgeOptions["onBatch"] } = {},
): Promise<RetentionResult> {
  const plan = retentionPlan(opts.now ?? new Date(), opts.policy);
  const deleted = zeroes();
  const batches = zeroes();
  for (const table of RETENTION_TABLES) {
    const r = await purgeTable(table, plan, { onBatch: opts.onBatch });
    deleted[table] = r.deleted;
    batches[table] = r.batches;
  }
  return { now: plan.now, deleted, batches, unreadNotificationsKept: await countUnreadKept(plan) };
}
