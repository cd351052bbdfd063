/**
 * Stripe's billing webhooks (`POST /api/webhooks/stripe`, ./stripe-webhook.ts) through the real route handler,
 * against the real database with the app's Inngest functions in the embedded executor (the billing emails
 * are sent and captured). Bodies are signed by the `stripe` library's own test signer
 * (`Stripe.webhooks.generateTestHeaderString`) with a secret set here.
 */
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { trpcCode } from "@/test/trpc";
import { createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { formatDateTime } from "@/emails/components/email-locale";
import { call, ORIGIN } from "@/app/api/v1/_test/helpers";
import type * as RouteModule from "@/app/api/webhooks/stripe/route";
import type * as Pickups from "../pickups/pickups";
import type * as Webhook from "./stripe-webhook";
import type * as Root from "../../trpc/root";

const SECRET = `whsec_${randomBytes(24).toString("hex")}`;
process.env.STRIPE_WEBHOOK_SECRET = SECRET;
delete process.env.STRIPE_WEBHOOK_TOLERANCE_S; // Stripe's default, 300 s

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let POST: typeof RouteModule.POST;
let pickups: typeof Pickups;
let webhook: typeof Webhook;
let root: typeof Root;

beforeAll(async () => {
  jobs = await startAppJobs();
  // The route loads the Inngest client, which must see INNGEST_BASE_URL (set by startAppJobs).
  ({ POST } = await import("@/app/api/webhooks/stripe/route"));
  pickups = await import("../pickups/pickups");
  webhook = await import("./stripe-webhook");
  root = await import("../../trpc/root");
});
afterAll(async () => {
  await jobs?.stop();
});

// ----- Stripe's side ---------------------------------------------------------------------------------------

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(++seq).toString(36)}${randomBytes(3).toString("hex")}`;
const newCustomer = () => `cus_${uniq()}`;
const nowS = () => Math.floor(Date.now() / 1000);
const DAY_S = 86_400;

type StripeEvent = { id: string; type: string; created: number; data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> } };

/** An event as Stripe sends it (https://docs.stripe.com/api/events/object). */
function event(type: string, object: Record<string, unknown>, previous?: Record<string, unknown>): StripeEvent {
  return {
    id: `evt_${uniq()}`,
    object: "event",
    api_version: "2025-10-29.clover",
    created: nowS(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object, ...(previous ? { previous_attributes: previous } : {}) },
  } as StripeEvent;
}

/** An invoice (https://docs.stripe.com/api/invoices/object), amounts in minor units. */
function invoice(customer: string, o: { paid?: number; due?: number; currency?: string; email?: string | null; number?: string; nextAttempt?: number | null; plan?: string } = {}) {
  return {
    id: `in_${uniq()}`,
    object: "invoice",
    customer,
    customer_email: o.email ?? null,
    currency: o.currency ?? "zar",
    amount_paid: o.paid ?? 0,
    amount_due: o.due ?? 0,
    number: o.number ?? `INV-${seq}`,
    created: nowS() - 60,
    next_payment_attempt: o.nextAttempt ?? null,
    status_transitions: { paid_at: o.paid ? nowS() - 30 : null, finalized_at: nowS() - 60 },
    lines: { object: "list", data: [{ id: `il_${uniq()}`, amount: o.paid ?? o.due ?? 0, price: { id: "price_1", nickname: o.plan ?? null } }] },
  };
}

/** A subscription (https://docs.stripe.com/api/subscriptions/object) with one item of 299.00 ZAR. */
function subscription(customer: string, o: { id?: string; status?: string; cancelAtPeriodEnd?: boolean; cancelAt?: number | null; trialEnd?: number | null; endedAt?: number | null; plan?: string } = {}) {
  const periodEnd = nowS() + 20 * DAY_S;
  return {
    id: o.id ?? `sub_${uniq()}`,
    object: "subscription",
    customer,
    status: o.status ?? "active",
    currency: "zar",
    cancel_at_period_end: o.cancelAtPeriodEnd ?? false,
    cancel_at: o.cancelAt ?? null,
    canceled_at: o.endedAt ?? null,
    ended_at: o.endedAt ?? null,
    trial_end: o.trialEnd ?? null,
    items: {
      object: "list",
      data: [{ id: `si_${uniq()}`, quantity: 1, current_period_end: periodEnd, price: { id: "price_1", unit_amount: 29900, currency: "zar", nickname: o.plan ?? null } }],
    },
  };
}

/** Delivers `ev` to the route as Stripe would: the JSON body signed with `Stripe-Signature`. */
async function deliver(ev: unknown, o: { secret?: string; timestamp?: number; signature?: string | null; body?: (signed: string) => string } = {}) {
  const payload = JSON.stringify(ev);
  const signature = o.signature !== undefined ? o.signature : Stripe.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? SECRET, ...(o.timestamp ? { timestamp: o.timestamp } : {}) });
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" });
  if (signature !== null) headers.set("stripe-signature", signature);
  return call(POST, new Request(`${ORIGIN}/api/webhooks/stripe`, { method: "POST", headers, body: o.body ? o.body(payload) : payload }));
}

// ----- Herald's side ---------------------------------------------------------------------------------------

/** A person linked to a new Stripe customer. */
async function customerUser(o: { locale?: string; quietAllDay?: boolean } = {}) {
  const customer = newCustomer();
  const u = await createUser(db, { timezone: "Africa/Johannesburg" });
  const user = await db.user.update({ where: { id: u.id }, data: { stripeCustomerId: customer, locale: o.locale ?? null } });
  if (o.quietAllDay) await db.notificationSettings.create({ data: { userId: user.id, quietHoursStart: 0, quietHoursEnd: 1439, emailUnsubscribedAt: new Date() } });
  return { user, customer };
}

const noticesOf = (userId: string) => db.notification.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
const emailDeliveries = (userId: string) => db.delivery.findMany({ where: { userId, channel: "EMAIL" }, select: { status: true, reason: true, notificationId: true } });
const stripeRow = (id: string) => db.stripeEvent.findUnique({ where: { id } });
const when = (iso: string, locale: "en" | "af" | "zu" = "en") => pickups.localTime(new Date(iso), "Africa/Johannesburg", locale);
const sentSubjects = async (email: string) => (await db.capturedEmail.findMany({ where: { to: email }, orderBy: { createdAt: "asc" } })).map((m) => m.subject);

// ----- tests -----------------------------------------------------------------------------------------------

describe("POST /api/webhooks/stripe: invoices", () => {
  it("invoice.payment_succeeded: one billing notice with the amount paid and its critical email; a replay creates nothing", async () => {
    const { user, customer } = await customerUser({ quietAllDay: true }); // critical: quiet hours and unsubscribing do not hold it
    const ev = event("invoice.payment_succeeded", invoice(customer, { paid: 29900, number: "INV-2026-0007", plan: "Pro monthly" }));
    const r = await deliver(ev);
    expect(r).toMatchObject({ status: 200, body: { received: true } });
    expect(r.headers.get("cache-control")).toBe("private, no-store");

    const [n, ...more] = await noticesOf(user.id);
    expect(more).toEqual([]);
    const paidAt = new Date(((ev.data.object.status_transitions as { paid_at: number }).paid_at) * 1000).toISOString();
    expect(n).toMatchObject({
      type: "billing",
      category: "billing",
      title: "Payment received: ZAR 299.00",
      body: `INV-2026-0007 · ${when(paidAt)}`,
      dedupeKey: `stripe:${ev.id}`,
      data: { event: "payment_succeeded", amount: "299.00", currency: "ZAR", invoice_number: "INV-2026-0007", source: "stripe", stripe_event_id: ev.id },
    });
    expect(await emailDeliveries(user.id)).toEqual([{ status: "QUEUED", reason: "critical", notificationId: n!.id }]);
    expect(await stripeRow(ev.id)).toMatchObject({ type: "invoice.payment_succeeded", outcome: "notified", userId: user.id });
    await jobs.executor.idle();
    expect(await sentSubjects(user.email)).toEqual([expect.stringMatching(/^Payment received: .*299.*\(INV-2026-0007\)$/)]);

    // Stripe retries the same event (a new signature, the same id): nothing new.
    const again = await deliver(ev);
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    await jobs.executor.idle();
    expect(await noticesOf(user.id)).toHaveLength(1);
    expect(await emailDeliveries(user.id)).toHaveLength(1);
    expect(await sentSubjects(user.email)).toHaveLength(1);
    expect(await db.stripeEvent.count({ where: { id: ev.id } })).toBe(1);
  });

  it("the same event delivered twice at once: one notice", async () => {
    const { user, customer } = await customerUser();
    const ev = event("invoice.payment_succeeded", invoice(customer, { paid: 10000 }));
    const [a, b] = await Promise.all([deliver(ev), deliver(ev)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body, b.body]).toEqual(expect.arrayContaining([{ received: true }, { received: true, duplicate: true }]));
    expect(await noticesOf(user.id)).toHaveLength(1);
  });

  it("invoice.payment_failed: the amount due and Stripe's next attempt, emailed", async () => {
    const { user, customer } = await customerUser();
    const next = nowS() + 3 * DAY_S;
    const ev = event("invoice.payment_failed", invoice(customer, { due: 29900, number: "INV-9", nextAttempt: next }));
    expect((await deliver(ev)).body).toEqual({ received: true });
    const [n] = await noticesOf(user.id);
    const attempted = new Date(ev.created * 1000).toISOString();
    const nextIso = new Date(next * 1000).toISOString();
    expect(n).toMatchObject({
      title: "Payment failed: ZAR 299.00",
      body: `INV-9 · ${when(attempted)} · Next attempt ${when(nextIso)}`,
      data: { event: "payment_failed", amount: "299.00", currency: "ZAR", next_payment_attempt: nextIso },
    });
    expect(await emailDeliveries(user.id)).toEqual([{ status: "QUEUED", reason: "critical", notificationId: n!.id }]);
    await jobs.executor.idle();
    expect(await sentSubjects(user.email)).toEqual([expect.stringContaining("Your payment failed")]);
    // The email says when Stripe tries again, in the recipient's time zone.
    const failedMail = await db.capturedEmail.findFirstOrThrow({ where: { to: user.email } });
    expect(failedMail.text).toContain(`Next attempt: ${formatDateTime(nextIso, "Africa/Johannesburg", "en-ZA")}`);

    // The last attempt: Stripe gives no next one; amounts in a zero-decimal currency stay whole.
    const last = event("invoice.payment_failed", invoice(customer, { due: 1500, currency: "jpy", number: "INV-10" }));
    expect((await deliver(last)).status).toBe(200);
    const notices = await noticesOf(user.id);
    expect(notices).toHaveLength(2);
    expect(notices[1]).toMatchObject({ title: "Payment failed: JPY 1500", body: `INV-10 · ${when(new Date(last.created * 1000).toISOString())}` });
    expect(notices[1]!.data).not.toHaveProperty("next_payment_attempt");
  });

  it("a paid invoice of 0 (a trial's first) is recorded and tells nobody", async () => {
    const { user, customer } = await customerUser();
    const ev = event("invoice.payment_succeeded", invoice(customer, { paid: 0 }));
    expect((await deliver(ev)).body).toEqual({ received: true, ignored: "no notable change" });
    expect(await noticesOf(user.id)).toEqual([]);
    expect(await stripeRow(ev.id)).toMatchObject({ outcome: "not_notable" });
  });
});

describe("POST /api/webhooks/stripe: subscriptions", () => {
  it("customer.subscription.trial_will_end: the trial's end, in the person's language, with the plan's price by email", async () => {
    const trialEnd = nowS() + 3 * DAY_S;
    const trialIso = new Date(trialEnd * 1000).toISOString();
    const en = await customerUser();
    const ev = event("customer.subscription.trial_will_end", subscription(en.customer, { status: "trialing", trialEnd, plan: "Pro" }));
    expect((await deliver(ev)).body).toEqual({ received: true });
    const [n] = await noticesOf(en.user.id);
    expect(n).toMatchObject({
      title: "Your Pro trial ends soon",
      body: `The trial ends ${when(trialIso)}`,
      data: { event: "subscription_expiring", amount: "299.00", currency: "ZAR", trial_end: trialIso, subscription_status: "trialing" },
    });
    expect(await emailDeliveries(en.user.id)).toEqual([{ status: "QUEUED", reason: "critical", notificationId: n!.id }]);
    await jobs.executor.idle();
    expect(await sentSubjects(en.user.email)).toEqual([expect.stringContaining("Your plan expires soon")]);

    const af = await customerUser({ locale: "af" });
    await deliver(event("customer.subscription.trial_will_end", subscription(af.customer, { status: "trialing", trialEnd, plan: "Pro" })));
    expect((await noticesOf(af.user.id))[0]).toMatchObject({ title: "Jou Pro-proeftydperk eindig binnekort", body: `Die proeftydperk eindig ${when(trialIso, "af")}` });
  });

  it("customer.subscription.updated to past_due or unpaid: a notice saying so, emailed as a failed payment", async () => {
    const { user, customer } = await customerUser();
    const sub = subscription(customer, { status: "past_due" });
    const ev = event("customer.subscription.updated", sub, { status: "active" });
    expect((await deliver(ev)).body).toEqual({ received: true });
    const unpaid = event("customer.subscription.updated", { ...sub, status: "unpaid" }, { status: "past_due" });
    expect((await deliver(unpaid)).body).toEqual({ received: true });
    const notices = await noticesOf(user.id);
    expect(notices.map((n) => [n.title, n.body])).toEqual([
      ["Your subscription payment is overdue", "Please update your payment method to keep your plan active."],
      ["Your subscription is unpaid", "Please update your payment method to keep your plan active."],
    ]);
    expect(notices[0]!.data).toMatchObject({ event: "payment_failed", amount: "299.00", subscription_status: "past_due", stripe_subscription_id: sub.id });
    expect(await emailDeliveries(user.id)).toHaveLength(2);
    await jobs.executor.idle();
    expect(await sentSubjects(user.email)).toEqual([expect.stringContaining("Your payment failed"), expect.stringContaining("Your payment failed")]);
  });

  it("customer.subscription.updated with cancel_at_period_end turned on: 'will not renew', with the end date", async () => {
    const { user, customer } = await customerUser();
    const cancelAt = nowS() + 20 * DAY_S;
    const ev = event("customer.subscription.updated", subscription(customer, { cancelAtPeriodEnd: true, cancelAt }), { cancel_at_period_end: false, cancel_at: null });
    expect((await deliver(ev)).body).toEqual({ received: true });
    const endIso = new Date(cancelAt * 1000).toISOString();
    const [n] = await noticesOf(user.id);
    expect(n).toMatchObject({ title: "Your subscription will not renew", body: `It ends ${when(endIso)}`, data: { event: "subscription_expiring", cancel_at: endIso } });
    expect(await emailDeliveries(user.id)).toEqual([{ status: "QUEUED", reason: "critical", notificationId: n!.id }]);
    await jobs.executor.idle();
    expect(await sentSubjects(user.email)).toEqual([expect.stringContaining("Your plan expires soon")]);
  });

  it("customer.subscription.updated to canceled, then .deleted: one 'cancelled' notice and email", async () => {
    const { user, customer } = await customerUser();
    const endedAt = nowS() - 5;
    const sub = subscription(customer, { status: "canceled", endedAt });
    const updated = event("customer.subscription.updated", sub, { status: "active" });
    expect((await deliver(updated)).body).toEqual({ received: true });
    const deleted = event("customer.subscription.deleted", sub);
    expect((await deliver(deleted)).body).toEqual({ received: true, ignored: "already notified" });
    const notices = await noticesOf(user.id);
    expect(notices.map((n) => [n.title, n.body])).toEqual([["Your subscription has been cancelled", `It ended ${when(new Date(endedAt * 1000).toISOString())}`]]);
    expect(notices[0]!.dedupeKey).toBe(`stripe:subscription:${sub.id}:canceled`);
    expect(notices[0]!.data).toMatchObject({ event: "subscription_canceled", amount: "299.00", ended_at: new Date(endedAt * 1000).toISOString() });
    expect(await stripeRow(deleted.id)).toMatchObject({ outcome: "duplicate_notice", userId: user.id });
    expect(await emailDeliveries(user.id)).toEqual([{ status: "QUEUED", reason: "critical", notificationId: notices[0]!.id }]);
    await jobs.executor.idle();
    const [mail, ...others] = await db.capturedEmail.findMany({ where: { to: user.email } });
    expect(others).toEqual([]);
    expect(mail!.subject).toContain("Your subscription has been cancelled");
    expect(mail!.text).toContain("Your subscription has ended and will not renew.");
  });

  it("other subscription updates are acknowledged, recorded and ignored", async () => {
    const { user, customer } = await customerUser();
    const cases = [
      event("customer.subscription.updated", subscription(customer, { status: "active" }), { status: "trialing" }),
      event("customer.subscription.updated", subscription(customer), { metadata: { plan: "old" } }),
      event("customer.subscription.updated", subscription(customer, { cancelAtPeriodEnd: false }), { cancel_at_period_end: true }), // resumed
      event("customer.subscription.updated", subscription(customer, { status: "past_due" }), { latest_invoice: "in_1" }), // still past due
    ];
    for (const ev of cases) {
      expect((await deliver(ev)).body).toEqual({ received: true, ignored: "no notable change" });
      expect(await stripeRow(ev.id)).toMatchObject({ outcome: "not_notable" });
    }
    expect(await noticesOf(user.id)).toEqual([]);
  });
});

describe("POST /api/webhooks/stripe: Stripe's text", () => {
  it("a plan name longer than a notice takes is cut, never inside an emoji, and the email still goes", async () => {
    const { user, customer } = await customerUser();
    const plan = `${"P".repeat(99)}😀 and more`;
    const ev = event("customer.subscription.trial_will_end", subscription(customer, { trialEnd: nowS() + DAY_S, plan }));
    expect((await deliver(ev)).body).toEqual({ received: true });
    const [n] = await noticesOf(user.id);
    expect(n!.title).toBe(`Your ${"P".repeat(99)} trial ends soon`);
    await jobs.executor.idle();
    expect(await db.delivery.findMany({ where: { notificationId: n!.id }, select: { channel: true, status: true } })).toEqual([{ channel: "EMAIL", status: "SENT" }]);
  });
});

describe("POST /api/webhooks/stripe: which user", () => {
  it("links the account whose email the invoice carries (any case) once, and finds it by the customer id after", async () => {
    const u = await createUser(db, { timezone: "Africa/Johannesburg" });
    const customer = newCustomer();
    const first = event("invoice.payment_succeeded", invoice(customer, { paid: 5000, email: `  ${u.email.toUpperCase()} ` }));
    expect((await deliver(first)).body).toEqual({ received: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).stripeCustomerId).toBe(customer);
    expect(await stripeRow(first.id)).toMatchObject({ outcome: "notified", userId: u.id });
    // A subscription event carries no email: the link finds the account.
    const later = event("customer.subscription.updated", subscription(customer, { status: "past_due" }), { status: "active" });
    expect((await deliver(later)).body).toEqual({ received: true });
    expect((await noticesOf(u.id)).map((n) => n.title)).toEqual(["Payment received: ZAR 50.00", "Your subscription payment is overdue"]);
  });

  it("never links by email an account whose address is not confirmed (someone may have signed up with another's address)", async () => {
    const u = await createUser(db, {});
    await db.user.update({ where: { id: u.id }, data: { emailVerifiedAt: null } });
    const customer = newCustomer();
    const ev = event("invoice.payment_succeeded", invoice(customer, { paid: 5000, email: u.email }));
    expect((await deliver(ev)).body).toEqual({ received: true, ignored: "unknown customer" });
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).stripeCustomerId).toBeNull();
    expect(await noticesOf(u.id)).toEqual([]);
  });

  it("an unknown customer is recorded and ignored; an email never moves an account to another customer", async () => {
    const { user: linked } = await customerUser();
    const stranger = newCustomer();
    const byEmail = event("invoice.payment_failed", invoice(stranger, { due: 100, email: linked.email })); // the account has its own customer
    const noEmail = event("customer.subscription.trial_will_end", subscription(stranger, { trialEnd: nowS() + DAY_S }));
    const nobody = event("invoice.payment_succeeded", invoice(stranger, { paid: 100, email: `nobody-${uniq()}@herald.test` }));
    for (const ev of [byEmail, noEmail, nobody]) {
      expect((await deliver(ev)).body).toEqual({ received: true, ignored: "unknown customer" });
      expect(await stripeRow(ev.id)).toMatchObject({ type: ev.type, outcome: "unknown_customer", userId: null });
    }
    expect(await noticesOf(linked.id)).toEqual([]);
    expect(await db.user.count({ where: { stripeCustomerId: stranger } })).toBe(0);
  });

  it("admins link and unlink a customer explicitly (audited); another account's customer is a CONFLICT", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const as = (u: { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" }) => root.createCaller({ user: u });
    const u = await createUser(db);
    const { user: other, customer: taken } = await customerUser();
    const customer = newCustomer();

    expect(await trpcCode(as(u).admin.setStripeCustomer({ userId: u.id, stripeCustomerId: customer }))).toBe("FORBIDDEN");
    expect(await trpcCode(as(admin).admin.setStripeCustomer({ userId: u.id, stripeCustomerId: "not-a-customer" }))).toBe("BAD_REQUEST");
    expect(await trpcCode(as(admin).admin.setStripeCustomer({ userId: u.id, stripeCustomerId: customer, extra: 1 } as never))).toBe("BAD_REQUEST");
    expect(await trpcCode(as(admin).admin.setStripeCustomer({ userId: crypto.randomUUID(), stripeCustomerId: customer }))).toBe("NOT_FOUND");
    expect(await trpcCode(as(admin).admin.setStripeCustomer({ userId: u.id, stripeCustomerId: taken }))).toBe("CONFLICT");
    expect((await db.user.findUniqueOrThrow({ where: { id: other.id } })).stripeCustomerId).toBe(taken);

    expect(await as(admin).admin.setStripeCustomer({ userId: u.id, stripeCustomerId: customer })).toEqual({ userId: u.id, from: null, to: customer });
    expect(await db.auditLog.findMany({ where: { targetId: u.id, action: "user.stripe_customer" }, select: { actorId: true, details: true } })).toEqual([
      { actorId: admin.id, details: { from: null, to: customer } },
    ]);
    const ev = event("customer.subscription.updated", subscription(customer, { status: "unpaid" }), { status: "past_due" });
    expect((await deliver(ev)).body).toEqual({ received: true });
    expect(await noticesOf(u.id)).toHaveLength(1);

    expect(await as(admin).admin.setStripeCustomer({ userId: u.id, stripeCustomerId: null })).toEqual({ userId: u.id, from: customer, to: null });
    const after = event("customer.subscription.updated", subscription(customer, { status: "past_due" }), { status: "active" });
    expect((await deliver(after)).body).toEqual({ received: true, ignored: "unknown customer" });
  });
});

describe("POST /api/webhooks/stripe: refusals", () => {
  it("a wrong or missing signature, a changed body or an old timestamp: 400, nothing stored", async () => {
    const { user, customer } = await customerUser();
    const cases: [string, StripeEvent, Parameters<typeof deliver>[1]][] = [
      ["another secret", event("invoice.payment_succeeded", invoice(customer, { paid: 100 })), { secret: `whsec_${randomBytes(24).toString("hex")}` }],
      ["no header", event("invoice.payment_succeeded", invoice(customer, { paid: 100 })), { signature: null }],
      ["garbage header", event("invoice.payment_succeeded", invoice(customer, { paid: 100 })), { signature: "t=1,v1=deadbeef" }],
      ["a changed amount", event("invoice.payment_succeeded", invoice(customer, { paid: 100 })), { body: (b) => b.replace('"amount_paid":100', '"amount_paid":999900') }],
      ["whitespace added", event("invoice.payment_succeeded", invoice(customer, { paid: 100 })), { body: (b) => `${b}\n` }],
      ["signed 301 s ago", event("invoice.payment_succeeded", invoice(customer, { paid: 100 })), { timestamp: nowS() - 301 }],
    ];
    for (const [what, ev, opts] of cases) {
      const r = await deliver(ev, opts);
      expect({ what, status: r.status, body: r.body }).toEqual({ what, status: 400, body: { error: { code: "INVALID_SIGNATURE", message: expect.any(String) } } });
      expect(JSON.stringify(r.body)).not.toContain(SECRET);
      expect(await stripeRow(ev.id)).toBeNull();
    }
    expect(await noticesOf(user.id)).toEqual([]);
    // Within the tolerance it is taken.
    const recent = event("invoice.payment_succeeded", invoice(customer, { paid: 100 }));
    expect((await deliver(recent, { timestamp: nowS() - 240 })).status).toBe(200);
    expect(await noticesOf(user.id)).toHaveLength(1);
  });

  it("a signed body that is not a Stripe event: 400, nothing stored", async () => {
    for (const body of ["not json", "[1,2]", JSON.stringify({ id: "evt_x" }), JSON.stringify({ id: `evt_${uniq()}`, type: "invoice.paid", data: { object: { n: "a\u0000b" } } })]) {
      const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
      const r = await call(POST, new Request(`${ORIGIN}/api/webhooks/stripe`, { method: "POST", headers: { "stripe-signature": signature }, body }));
      expect({ body, status: r.status, code: r.body.error.code }).toEqual({ body, status: 400, code: "VALIDATION_ERROR" });
    }
  });

  it("a body over 256 KiB: 413, nothing stored", async () => {
    const { customer } = await customerUser();
    const ev = event("invoice.payment_succeeded", { ...invoice(customer, { paid: 100 }), description: "x".repeat(256 * 1024) });
    const r = await deliver(ev);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await stripeRow(ev.id)).toBeNull();
  });

  it("unknown event types and unexpected objects are acknowledged and recorded, never a 500", async () => {
    const { user, customer } = await customerUser();
    const refund = event("charge.refunded", { id: "ch_1", object: "charge", customer, amount_refunded: 100 });
    expect((await deliver(refund)).body).toEqual({ received: true, ignored: "unsupported event type" });
    expect(await stripeRow(refund.id)).toMatchObject({ type: "charge.refunded", outcome: "unsupported_type", userId: null });
    const odd = [
      event("invoice.payment_succeeded", { ...invoice(customer, { paid: 100 }), currency: null }),
      event("invoice.payment_failed", { ...invoice(customer, { due: 100 }), amount_due: -5 }),
      event("invoice.payment_succeeded", { ...invoice(customer, { paid: 1e15 }) }), // more than a notice can say
      event("customer.subscription.updated", { id: "sub_1" }, { status: "active" }),
      event("customer.subscription.trial_will_end", subscription(customer, { trialEnd: 1e15 })), // past the year 9999
    ];
    for (const ev of odd) {
      expect((await deliver(ev)).body).toEqual({ received: true, ignored: "unexpected payload" });
      expect(await stripeRow(ev.id)).toMatchObject({ outcome: "invalid_payload" });
    }
    expect(await noticesOf(user.id)).toEqual([]);
  });

  it("without STRIPE_WEBHOOK_SECRET the route is 404 and does nothing", async () => {
    const { user, customer } = await customerUser();
    const ev = event("invoice.payment_succeeded", invoice(customer, { paid: 100 }));
    delete process.env.STRIPE_WEBHOOK_SECRET;
    try {
      vi.resetModules(); // env() caches each group per module instance
      const fresh = await import("@/app/api/webhooks/stripe/route");
      const payload = JSON.stringify(ev);
      const r = await call(fresh.POST, new Request(`${ORIGIN}/api/webhooks/stripe`, { method: "POST", headers: { "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) }, body: payload }));
      expect(r).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND", message: "Stripe is not configured" } } });
    } finally {
      process.env.STRIPE_WEBHOOK_SECRET = SECRET;
    }
    expect(await stripeRow(ev.id)).toBeNull();
    expect(await noticesOf(user.id)).toEqual([]);
  });
});

describe("decimalFromMinorUnits", () => {
  it("writes Stripe's minor units as the decimal strings billing notices carry", () => {
    const d = webhook.decimalFromMinorUnits;
    expect([d(29900, "zar"), d(5, "usd"), d(0, "EUR"), d(1500, "jpy"), d(12340, "kwd"), d(12345, "KWD"), d(99_999_999_999, "usd")]).toEqual([
      "299.00",
      "0.05",
      "0.00",
      "1500",
      "12.34",
      "12.35",
      "999999999.99",
    ]);
    expect([d(-1, "usd"), d(1.5, "usd"), d(100_000_000_000, "usd"), d(Number.NaN, "usd")]).toEqual([null, null, null, null]);
  });
});

describe("account export", () => {
  it("includes the Stripe customer and Stripe's events about the person", async () => {
    const { user, customer } = await customerUser();
    const ev = event("invoice.payment_succeeded", invoice(customer, { paid: 100 }));
    await deliver(ev);
    const { exportAccount } = await import("../account/export-account");
    const doc = await exportAccount(user.id);
    expect(doc.profile.stripe_customer_id).toBe(customer);
    expect(doc.stripe_events).toEqual([{ id: ev.id, type: "invoice.payment_succeeded", received_at: expect.any(String), outcome: "notified" }]);
  });
});
