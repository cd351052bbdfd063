import "server-only";
/**
 * Stripe's billing webhooks (`POST /api/webhooks/stripe`; issue 17): Stripe tells Herald that an invoice was
 * paid or failed, that a trial ends soon, or that a subscription fell behind, was cancelled or was set to
 * cancel; Herald tells the person with a billing notice (./billing-notices.ts, the same notice as the host
 * platform's `billing.*` events: critical, so always emailed).
 *
 * In order, for every delivery:
 * 1. Without STRIPE_WEBHOOK_SECRET (server/env.ts, group `stripe`) the endpoint does not exist: 404.
 * 2. The `Stripe-Signature` header is checked on the raw body by the `stripe` library
 *    (`Stripe.webhooks.constructEvent`: HMAC-SHA256 of `<timestamp>.<body>`, compared in constant time, and a
 *    timestamp at most STRIPE_WEBHOOK_TOLERANCE_S old; https://docs.stripe.com/webhooks#verify-events).
 *    A missing or wrong signature, a changed body or an old timestamp: 400, nothing stored.
 * 3. Each Stripe event id is processed once: its `stripe_events` row is written in the same transaction as
 *    the notice, so a retried delivery (https://docs.stripe.com/webhooks#retries) answers 200
 *    `{ received: true, duplicate: true }` and creates nothing.
 * 4. The event's `customer` finds the user by `users.stripe_customer_id`. An invoice whose customer nobody
 *    has yet links the account whose confirmed email is the invoice's `customer_email` (compared lower-cased,
 *    as Herald stores addresses), in the same transaction. Nobody: 200 `{ received: true, ignored: "unknown
 *    customer" }`, recorded, no notice.
 * 5. What each event type does ({@link STRIPE_EVENT_TYPES}); every other type is recorded as ignored.
 *
 * Stripe's input never causes a 500: a signed event that is not what Herald expects is recorded
 * (`invalid_payload`) and answered 200, so Stripe does not retry it for days.
 */
import Stripe from "stripe";
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client";
import { env } from "../../env";
import { findBadText } from "../../http/input-hygiene";
import { withEvents, type Tx } from "../outbox/outbox";
import { notifyUsersIn, type Notice, type NotifyResult } from "../delivery/notify";
import { signalEvents } from "../realtime";
import { billingNotice, billingText, billingTime, type BillingRecipient } from "./billing-notices";

/** Largest body accepted, in bytes (Stripe's events are a few kB; an invoice with many lines tens of kB). */
export const MAX_STRIPE_BODY_BYTES = 256 * 1024;

/**
 * The event types Herald acts on (https://docs.stripe.com/api/events/types):
 * - `invoice.payment_succeeded` → "Payment received" with the amount paid (an invoice of 0, such as a trial's
 *   first, tells nobody anything and is ignored);
 * - `invoice.payment_failed` → "Payment failed" with the amount due and Stripe's next attempt, if any;
 * - `customer.subscription.trial_will_end` → "Your trial ends soon" (subscription expiring, at `trial_end`);
 * - `customer.subscription.updated` → only when `status` became past_due, unpaid or canceled, or
 *   `cancel_at_period_end` turned on (read from `data.previous_attributes`); other updates are ignored;
 * - `customer.subscription.deleted` → "Your subscription has been cancelled": the event Stripe sends when a
 *   subscription ends (https://docs.stripe.com/billing/subscriptions/cancel#events). One notice per
 *   subscription even when an update to `canceled` came too (the dedupe key names the subscription).
 */
export const STRIPE_EVENT_TYPES = [
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "customer.subscription.trial_will_end",
  "customer.subscription.updated",
  "customer.subscription.deleted",
] as const;

/** What Herald did with an event, as stored in `stripe_events.outcome`. */
export type StripeOutcome =
  /** A notice was written. */
  | "notified"
  /** The notice's dedupe key was already taken (the subscription's cancellation told once already). */
  | "duplicate_notice"
  /** No Herald user has the event's customer (and no invoice email linked one). */
  | "unknown_customer"
  /** A type Herald does not act on. */
  | "unsupported_type"
  /** A type Herald acts on, but nothing worth telling (a 0 invoice, an update of other fields). */
  | "not_notable"
  /** A type Herald acts on whose object is not as Stripe documents it. */
  | "invalid_payload";

/** The route's answer: status and JSON body. */
export interface StripeWebhookAnswer {
  status: 200 | 400 | 404;
  body: Record<string, unknown>;
  /** What was recorded (absent for refusals and duplicates). */
  outcome?: StripeOutcome;
}

const IGNORED: Record<Exclude<StripeOutcome, "notified">, string> = {
  duplicate_notice: "already notified",
  unknown_customer: "unknown customer",
  unsupported_type: "unsupported event type",
  not_notable: "no notable change",
  invalid_payload: "unexpected payload",
};

const refuse = (status: 400 | 404, code: string, message: string, details?: Record<string, unknown>): StripeWebhookAnswer => ({
  status,
  body: { error: { code, message, ...(details ? { details } : {}) } },
});

// ----- amounts ------------------------------------------------------------------------------------------

/** Currencies whose Stripe amounts are whole units (https://docs.stripe.com/currencies#zero-decimal). */
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
/** Currencies whose Stripe amounts are thousandths (https://docs.stripe.com/currencies#three-decimal). */
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

/**
 * A Stripe amount (an integer in the currency's minor unit, https://docs.stripe.com/currencies#minor-units)
 * as the decimal string in major units that billing notices carry: 29900 ZAR → "299.00", 1000 JPY → "1000",
 * 12340 KWD → "12.34" (Stripe asks three-decimal amounts to end in 0; another last digit is rounded half up).
 * @param minor the amount, ≥ 0
 * @param currency ISO 4217, any case
 * @returns the decimal string, or null for a negative or non-integer amount or one over 999,999,999.99
 */
export function decimalFromMinorUnits(minor: number, currency: string): string | null {
  if (!Number.isSafeInteger(minor) || minor < 0) return null;
  const code = currency.toUpperCase();
  let out: string;
  if (ZERO_DECIMAL.has(code)) {
    out = String(minor);
  } else {
    const cents = THREE_DECIMAL.has(code) ? Math.round(minor / 10) : minor;
    out = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  }
  return /^\d{1,9}(\.\d{1,2})?$/.test(out) ? out : null;
}

// ----- Stripe's objects (only the fields Herald reads; the rest passes) ------------------------------------

const stripeId = z.string().min(1).max(255);
/** An expandable reference: the id, or the object with it. */
const ref = z.union([stripeId, z.object({ id: stripeId }).loose()]).transform((r) => (typeof r === "string" ? r : r.id));
/** Unix seconds, up to the year 9999 (a Date beyond that cannot be written as ISO 8601). */
const unix = z.number().int().nonnegative().max(253_402_300_799);
const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/)
  .transform((c) => c.toUpperCase());
const nickname = z.string().max(500).nullish();

const envelope = z
  .object({
    id: stripeId,
    type: z.string().min(1).max(255),
    created: unix.optional(),
    data: z.object({ object: z.record(z.string(), z.unknown()), previous_attributes: z.record(z.string(), z.unknown()).nullish() }).loose(),
  })
  .loose();
type Envelope = z.output<typeof envelope>;

const invoiceSchema = z
  .object({
    id: stripeId,
    customer: ref,
    customer_email: z.string().max(320).nullish(),
    currency: currencyCode,
    amount_paid: z.number().int().nonnegative(),
    amount_due: z.number().int().nonnegative(),
    number: z.string().nullish(),
    created: unix.optional(),
    next_payment_attempt: unix.nullish(),
    status_transitions: z.object({ paid_at: unix.nullish() }).loose().nullish(),
    lines: z
      .object({ data: z.array(z.object({ price: z.object({ nickname }).loose().nullish(), plan: z.object({ nickname }).loose().nullish() }).loose()) })
      .loose()
      .nullish(),
  })
  .loose();
type Invoice = z.output<typeof invoiceSchema>;

const subscriptionItem = z
  .object({
    quantity: z.number().int().nonnegative().nullish(),
    current_period_end: unix.nullish(),
    price: z.object({ unit_amount: z.number().int().nullish(), currency: currencyCode.nullish(), nickname }).loose().nullish(),
    plan: z.object({ amount: z.number().int().nullish(), currency: currencyCode.nullish(), nickname }).loose().nullish(),
  })
  .loose();

const subscriptionSchema = z
  .object({
    id: stripeId,
    customer: ref,
    status: z.string().max(50),
    currency: currencyCode.nullish(),
    cancel_at_period_end: z.boolean().nullish(),
    cancel_at: unix.nullish(),
    canceled_at: unix.nullish(),
    ended_at: unix.nullish(),
    trial_end: unix.nullish(),
    /** Before API version 2025-03-31 the period was the subscription's; since, it is each item's. */
    current_period_end: unix.nullish(),
    items: z.object({ data: z.array(subscriptionItem) }).loose().nullish(),
  })
  .loose();
type Subscription = z.output<typeof subscriptionSchema>;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
/** `s` trimmed and cut to `max` UTF-16 units (never inside a surrogate pair), or undefined when empty. */
function short(s: string | null | undefined, max: number): string | undefined {
  let out = s?.trim().slice(0, max) ?? "";
  if (/[\ud800-\udbff]$/.test(out)) out = out.slice(0, -1);
  return out || undefined;
}

/** The invoice's plan: its first line's price nickname, if it has one. */
function invoicePlan(inv: Invoice): string | undefined {
  const line = inv.lines?.data[0];
  return short(line?.price?.nickname ?? line?.plan?.nickname, 100);
}

/** What a subscription costs per period (sum of items' unit amount × quantity) in major units, or null when an item has no fixed price. */
function subscriptionAmount(sub: Subscription): { amount: string | null; currency: string } {
  const items = sub.items?.data ?? [];
  const currency = sub.currency ?? items[0]?.price?.currency ?? items[0]?.plan?.currency ?? "USD";
  let total = 0;
  for (const item of items) {
    const unit = item.price?.unit_amount ?? item.plan?.amount;
    if (unit === null || unit === undefined) return { amount: null, currency };
    total += unit * (item.quantity ?? 1);
  }
  return { amount: items.length ? decimalFromMinorUnits(total, currency) : null, currency };
}

function subscriptionPlan(sub: Subscription): string | undefined {
  const items = sub.items?.data ?? [];
  return items.length === 1 ? short(items[0]!.price?.nickname ?? items[0]!.plan?.nickname, 100) : undefined;
}

/** When the subscription's current period ends (ISO 8601), by either API version's field. */
function periodEnd(sub: Subscription): string | undefined {
  const end = sub.cancel_at ?? sub.current_period_end ?? sub.items?.data.find((i) => i.current_period_end)?.current_period_end;
  return end ? iso(end) : undefined;
}

// ----- the plan for one event ------------------------------------------------------------------------------

/** What one event asks for: a notice for the customer's user, or nothing. */
type Plan =
  | { kind: "ignore"; outcome: "unsupported_type" | "not_notable" | "invalid_payload" }
  | {
      kind: "notify";
      customer: string;
      /** The invoice's email, which may link the customer to an account. */
      email: string | null;
      notice: (user: BillingRecipient) => Notice;
    };

/** Decides what `ev` asks for, from the event alone (no database). */
function planFor(ev: Envelope): Plan {
  const dedupeKey = `stripe:${ev.id}`;
  const source = { source: "stripe", stripe_event_id: ev.id };
  switch (ev.type) {
    case "invoice.payment_succeeded":
    case "invoice.payment_failed": {
      const parsed = invoiceSchema.safeParse(ev.data.object);
      if (!parsed.success) return { kind: "ignore", outcome: "invalid_payload" };
      const inv = parsed.data;
      const succeeded = ev.type === "invoice.payment_succeeded";
      const minor = succeeded ? inv.amount_paid : inv.amount_due;
      if (minor === 0) return { kind: "ignore", outcome: "not_notable" };
      const amount = decimalFromMinorUnits(minor, inv.currency);
      if (amount === null) return { kind: "ignore", outcome: "invalid_payload" };
      const at = succeeded ? (inv.status_transitions?.paid_at ?? ev.created ?? inv.created) : (ev.created ?? inv.created);
      const date = at ? iso(at) : undefined;
      const invoiceNumber = short(inv.number, 64);
      const next = !succeeded && inv.next_payment_attempt ? iso(inv.next_payment_attempt) : undefined;
      return {
        kind: "notify",
        customer: inv.customer,
        email: short(inv.customer_email, 320) ?? null,
        notice: (user) =>
          billingNotice(user, {
            event: succeeded ? "payment_succeeded" : "payment_failed",
            amount,
            currency: inv.currency,
            planName: invoicePlan(inv),
            invoiceNumber,
            date,
            dedupeKey,
            nextAttempt: next,
            ...(next
              ? { body: [invoiceNumber, date ? billingTime(date, user) : undefined, billingText(user, "nextAttempt", { time: billingTime(next, user) })].filter(Boolean).join(" · ") }
              : {}),
            data: { ...source, stripe_invoice_id: inv.id, ...(next ? { next_payment_attempt: next } : {}) },
          }),
      };
    }
    case "customer.subscription.trial_will_end":
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const parsed = subscriptionSchema.safeParse(ev.data.object);
      if (!parsed.success) return { kind: "ignore", outcome: "invalid_payload" };
      const sub = parsed.data;
      const { amount, currency } = subscriptionAmount(sub);
      const planName = subscriptionPlan(sub);
      const data = { ...source, stripe_subscription_id: sub.id, subscription_status: sub.status };
      const notify = (notice: (user: BillingRecipient) => Notice): Plan => ({ kind: "notify", customer: sub.customer, email: null, notice });

      if (ev.type === "customer.subscription.trial_will_end") {
        const trialEnd = sub.trial_end ? iso(sub.trial_end) : undefined;
        return notify((user) =>
          billingNotice(user, {
            event: "subscription_expiring",
            amount,
            currency,
            planName,
            date: trialEnd,
            dedupeKey,
            title: planName ? billingText(user, "trialEnding.title", { plan: planName }) : billingText(user, "trialEnding.titleWithoutPlan"),
            body: trialEnd ? billingText(user, "trialEnding.body", { time: billingTime(trialEnd, user) }) : "",
            data: { ...data, ...(trialEnd ? { trial_end: trialEnd } : {}) },
          }),
        );
      }

      const prev = ev.data.previous_attributes ?? {};
      const canceled = ev.type === "customer.subscription.deleted" || (sub.status === "canceled" && "status" in prev && prev.status !== "canceled");
      if (canceled) {
        const endedAt = sub.ended_at ?? sub.canceled_at ?? ev.created;
        const ended = endedAt ? iso(endedAt) : undefined;
        return notify((user) =>
          billingNotice(user, {
            event: "subscription_canceled",
            amount,
            currency,
            planName,
            date: ended,
            dedupeKey: `stripe:subscription:${sub.id}:canceled`,
            body: ended ? billingText(user, "canceled.body", { time: billingTime(ended, user) }) : "",
            data: { ...data, ...(ended ? { ended_at: ended } : {}) },
          }),
        );
      }
      const behind = (sub.status === "past_due" || sub.status === "unpaid") && "status" in prev && prev.status !== sub.status;
      if (behind) {
        const key = sub.status === "past_due" ? "pastDue" : "unpaid";
        return notify((user) =>
          billingNotice(user, {
            event: "payment_failed",
            amount,
            currency,
            planName,
            dedupeKey,
            title: billingText(user, `${key}.title`),
            body: billingText(user, `${key}.body`),
            data,
          }),
        );
      }
      if (prev.cancel_at_period_end === false && sub.cancel_at_period_end === true) {
        const ends = periodEnd(sub);
        return notify((user) =>
          billingNotice(user, {
            event: "subscription_expiring",
            amount,
            currency,
            planName,
            date: ends,
            dedupeKey,
            title: billingText(user, "cancelAtPeriodEnd.title"),
            body: ends ? billingText(user, "cancelAtPeriodEnd.body", { time: billingTime(ends, user) }) : "",
            data: { ...data, ...(ends ? { cancel_at: ends } : {}) },
          }),
        );
      }
      return { kind: "ignore", outcome: "not_notable" };
    }
    default:
      return { kind: "ignore", outcome: "unsupported_type" };
  }
}

// ----- customers -------------------------------------------------------------------------------------------

/**
 * The user of Stripe customer `customer`; else, with an invoice `email`, the account with that address
 * (addresses are stored lower-cased, so the unique index answers; at most one), linked to the customer here
 * when it has no customer yet and its address is confirmed (`email_verified_at`): an unconfirmed sign-up with
 * someone else's address must not receive their invoices. Null when nobody is found (or the account has another
 * customer).
 */
async function customerUser(tx: Tx, customer: string, email: string | null): Promise<BillingRecipient | null> {
  const [known] = await tx.$queryRaw<BillingRecipient[]>`SELECT id, timezone, locale FROM users WHERE stripe_customer_id = ${customer}`;
  if (known) return known;
  if (!email) return null;
  const [match] = await tx.$queryRaw<(BillingRecipient & { stripe_customer_id: string | null })[]>`
    SELECT id, timezone, locale, stripe_customer_id FROM users WHERE email = lower(btrim(${email})) AND email_verified_at IS NOT NULL`;
  if (!match || match.stripe_customer_id !== null) return null;
  const linked = await tx.user.updateMany({ where: { id: match.id, stripeCustomerId: null }, data: { stripeCustomerId: customer } });
  if (linked.count === 0) return null;
  return { id: match.id, timezone: match.timezone, locale: match.locale };
}

// ----- the handler -----------------------------------------------------------------------------------------

/** Whether the endpoint exists: STRIPE_WEBHOOK_SECRET is set (server/env.ts, group `stripe`). */
export function stripeWebhookConfigured(): boolean {
  return Boolean(env("stripe").STRIPE_WEBHOOK_SECRET);
}

/** The answer of a recorded event. */
function recorded(outcome: StripeOutcome): StripeWebhookAnswer {
  return { status: 200, body: outcome === "notified" ? { received: true } : { received: true, ignored: IGNORED[outcome] }, outcome };
}

/**
 * Verifies, records and applies one delivery of Stripe's webhook (see the module comment for the order).
 * @param rawBody the body exactly as received (UTF-8 text; at most {@link MAX_STRIPE_BODY_BYTES}, which the
 *   route enforces)
 * @param signature the `Stripe-Signature` header, or null
 * @param at when it was received (default now): the signature's age and the notice's decisions count from it
 * @returns 200 `{ received: true }` when a notice was written; 200 `{ received: true, duplicate: true }` for an
 *   event id seen before; 200 `{ received: true, ignored: <why> }` for an event recorded without a notice
 *   (`outcome` says which); 400 `INVALID_SIGNATURE` (missing or wrong signature, changed body, timestamp
 *   older than the tolerance) or `VALIDATION_ERROR` (a signed body that is not a Stripe event, or holds text
 *   the database cannot store); 404 `NOT_FOUND` when STRIPE_WEBHOOK_SECRET is not set
 * @throws the database's errors (a 500, so that Stripe retries); never for Stripe's input
 */
export async function handleStripeWebhook(rawBody: string, signature: string | null, at: Date = new Date()): Promise<StripeWebhookAnswer> {
  const { STRIPE_WEBHOOK_SECRET: secret, STRIPE_WEBHOOK_TOLERANCE_S: tolerance } = env("stripe");
  if (!secret) return refuse(404, "NOT_FOUND", "Stripe is not configured");
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature ?? "", secret, tolerance, undefined, at.getTime());
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
      return refuse(400, "INVALID_SIGNATURE", "The Stripe-Signature header is missing or wrong, or its timestamp is too old");
    }
    // Verified, but not JSON (or a "thin" v2 event notification, which this endpoint does not take).
    return refuse(400, "VALIDATION_ERROR", "The body is not a Stripe event");
  }
  const bad = findBadText(event);
  if (bad.length) return refuse(400, "VALIDATION_ERROR", "The event holds text that cannot be stored (NUL or unpaired surrogates)");
  const parsed = envelope.safeParse(event);
  if (!parsed.success) return refuse(400, "VALIDATION_ERROR", "The body is not a Stripe event");
  const ev = parsed.data;
  const plan = planFor(ev);

  const apply = () =>
    withEvents(async (tx, emit): Promise<{ answer: StripeWebhookAnswer; result?: NotifyResult }> => {
      const first = await tx.$executeRaw`
        INSERT INTO stripe_events (id, type, received_at, outcome) VALUES (${ev.id}, ${ev.type}, ${at}, 'processing')
        ON CONFLICT (id) DO NOTHING`;
      if (first === 0) return { answer: { status: 200, body: { received: true, duplicate: true } } };
      const finish = async (outcome: StripeOutcome, userId: string | null) => {
        await tx.$executeRaw`UPDATE stripe_events SET outcome = ${outcome}, user_id = ${userId}::uuid WHERE id = ${ev.id}`;
        return recorded(outcome);
      };
      if (plan.kind === "ignore") return { answer: await finish(plan.outcome, null) };
      const user = await customerUser(tx, plan.customer, plan.email);
      if (!user) return { answer: await finish("unknown_customer", null) };
      const result = await notifyUsersIn(tx, emit, [plan.notice(user)], at);
      return { answer: await finish(result.created.length ? "notified" : "duplicate_notice", user.id), result };
    });

  let done: Awaited<ReturnType<typeof apply>>;
  try {
    done = await apply();
  } catch (err) {
    // Two deliveries linked one account to two customers at once (users.stripe_customer_id is unique): the
    // loser runs again and now finds the customer, or nobody.
    if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
    done = await apply();
  }
  if (done.result) await signalEvents(done.result.signals);
  return done.answer;
}
