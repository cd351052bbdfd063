/**
 * `POST /api/v1/events` through the real route handler, with the app's real Inngest functions running in
 * the embedded executor (test/app-jobs.ts): API-key auth (401), validation (400), unsupported events (422),
 * the listing.created → listing → follower notifications path, Idempotency-Key (replay, reuse with another
 * body, concurrent first requests) and the per-key rate limit (429).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { createBusiness, createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { windowStart } from "@/server/services/api/rate-limit";
import { API_KEY_LIMIT, createApiKey, revokeApiKey } from "@/server/services/api/api-keys";
import { requestHash } from "@/server/services/api/idempotency";
import type * as RouteModule from "./events/route";
import { call, randomIp, userWithToken, ORIGIN } from "./_test/helpers";

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let POST: typeof RouteModule.POST;

beforeAll(async () => {
  jobs = await startAppJobs();
  // The route loads the Inngest client, which must see INNGEST_BASE_URL (set by startAppJobs).
  ({ POST } = await import("./events/route"));
});
afterAll(async () => {
  await jobs?.stop();
});

let seq = 0;
const freshKey = () => `test-${Date.now()}-${++seq}`;

async function apiKey() {
  const admin = await createUser(db, { role: "ADMIN" });
  return createApiKey(admin.id, { name: "Host platform" });
}

function post(o: { key?: string | null; idem?: string | null; body?: unknown; rawBody?: string }): Request {
  const headers = new Headers({ "x-forwarded-for": randomIp(), "content-type": "application/json" });
  if (o.key) headers.set("authorization", `Bearer ${o.key}`);
  if (o.idem !== null) headers.set("idempotency-key", o.idem ?? freshKey());
  return new Request(`${ORIGIN}/api/v1/events`, { method: "POST", headers, body: o.rawBody ?? JSON.stringify(o.body ?? {}) });
}

const listingEvent = (businessId: string, extra: Record<string, unknown> = {}) => ({
  name: "listing.created",
  data: {
    business_id: businessId,
    title: "Croissants",
    description: "A dozen, from this morning",
    price: "30.50",
    currency: "ZAR",
    pickup_start: new Date(Date.now() + 3_600_000).toISOString(),
    pickup_end: new Date(Date.now() + 7_200_000).toISOString(),
    expires_at: new Date(Date.now() + 7_200_000).toISOString(),
    ...extra,
  },
});

describe("POST /api/v1/events: authentication", () => {
  it("answers 401 in the R15.4 error format without a key, with a personal access token, an unknown or a revoked key", async () => {
    const { business } = await createBusiness(db);
    const { token } = await userWithToken("ADMIN");
    const { key, summary } = await apiKey();
    await revokeApiKey(summary.id);
    for (const k of [null, token, `hrld_key_${"A".repeat(43)}`, key]) {
      const r = await call(POST, post({ key: k, body: listingEvent(business.id) }));
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer realm="herald"/);
    }
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(0);
  });
});

describe("POST /api/v1/events: listing.created", () => {
  it("creates the listing for the business and notifies its followers like the composer (202)", async () => {
    const { key } = await apiKey();
    const { business } = await createBusiness(db);
    const follower = await createUser(db);
    await db.follow.create({ data: { userId: follower.id, businessId: business.id } });
    const r = await call(POST, post({ key, body: listingEvent(business.id) }));
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: "accepted" });
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(r.headers.get("x-ratelimit-limit")).toBe(String(API_KEY_LIMIT.limit));
    expect(r.headers.get("idempotent-replayed")).toBeNull();
    const listing = await db.listing.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(listing).toMatchObject({ businessId: business.id, title: "Croissants", description: "A dozen, from this morning", priceCents: 3050, currency: "ZAR" });
    await jobs.executor.idle();
    const notes = await db.notification.findMany({ where: { dedupeKey: `listing:${listing.id}` } });
    expect(notes.map((n) => n.userId)).toEqual([follower.id]);
    expect(notes[0]).toMatchObject({ type: "new_listing", businessId: business.id });
  });

  it("takes price_cents instead of price, and answers 404 BUSINESS_NOT_FOUND for an unknown business", async () => {
    const { key } = await apiKey();
    const { business } = await createBusiness(db);
    const { price: _price, ...data } = listingEvent(business.id).data;
    const ok = await call(POST, post({ key, body: { name: "listing.created", data: { ...data, price_cents: 1999 } } }));
    expect(ok.status).toBe(202);
    expect((await db.listing.findUniqueOrThrow({ where: { id: ok.body.id } })).priceCents).toBe(1999);
    const missing = await call(POST, post({ key, body: listingEvent("00000000-0000-4000-8000-000000000000") }));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "BUSINESS_NOT_FOUND", details: { business_id: "00000000-0000-4000-8000-000000000000" } });
    await jobs.executor.idle();
  });
});

describe("POST /api/v1/events: validation", () => {
  it("answers 400 VALIDATION_ERROR per field, and creates nothing", async () => {
    const { key } = await apiKey();
    const { business } = await createBusiness(db);
    const ev = listingEvent(business.id);
    const cases: [unknown, string][] = [
      [{ ...ev, extra: 1 }, "extra"],
      [{ name: "listing.created" }, "data"],
      [{ ...ev, data: { ...ev.data, title: undefined } }, "data.title"],
      [{ ...ev, data: { ...ev.data, price_cents: 100 } }, "data.price"],
      [{ ...ev, data: { ...ev.data, price: "12.345" } }, "data.price"],
      [{ ...ev, data: { ...ev.data, currency: "USD" } }, "data.currency"],
      [{ ...ev, data: { ...ev.data, pickup_start: "tomorrow" } }, "data.pickup_start"],
      [{ ...ev, data: { ...ev.data, colour: "red" } }, "data.colour"],
      [{ ...ev, data: { ...ev.data, business_id: "nope" } }, "data.business_id"],
      // the listing service's own rules, reported under the API's field names
      [{ ...ev, data: { ...ev.data, pickup_end: ev.data.pickup_start } }, "data.pickup_end"],
      [{ ...ev, data: { ...ev.data, title: "ab" } }, "data.title"],
    ];
    for (const [body, field] of cases) {
      const r = await call(POST, post({ key, body }));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("VALIDATION_ERROR");
      expect(Object.keys(r.body.error.details), JSON.stringify(r.body)).toContain(field);
    }
    const bad = await call(POST, post({ key, rawBody: "{nope" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ body: ["not valid JSON"] });
    for (const idem of [null, "", "has space", "é", "x".repeat(256)]) {
      const r = await call(POST, post({ key, idem, body: ev }));
      expect(r.status).toBe(400);
      expect(r.body.error.details).toHaveProperty("Idempotency-Key");
    }
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("answers 422 UNSUPPORTED_EVENT with the supported names", async () => {
    const { key } = await apiKey();
    for (const name of ["user.deleted", "pickup.sheduled", "listing/created", "constructor"]) {
      const r = await call(POST, post({ key, body: { name, data: { user_id: "x" } } }));
      expect(r.status).toBe(422);
      expect(r.body).toEqual({
        error: { code: "UNSUPPORTED_EVENT", message: expect.stringContaining(name), details: { name: [name], supported: expect.arrayContaining(["listing.created", "pickup.scheduled", "billing.payment_failed"]) } },
      });
    }
  });
});

describe("POST /api/v1/events: the catalog's other events", () => {
  const soon = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  const send = async (key: string, name: string, data: Record<string, unknown>) => call(POST, post({ key, body: { name, data } }));
  const noticesOf = (userId: string) => db.notification.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });

  it("pickup.scheduled → confirmed → rescheduled → completed keeps one pickup and tells both sides", async () => {
    const { key } = await apiKey();
    const { business, owner } = await createBusiness(db);
    const customer = await createUser(db);
    const data = { pickup_id: "host-77", business_id: business.id, customer_id: customer.id, scheduled_at: soon(30), order_number: "SNB-77", items: [{ name: "Bread", quantity: 2 }], total: "25.50" };
    const r = await send(key, "pickup.scheduled", data);
    expect(r.status).toBe(202);
    const pickup = await db.pickup.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(pickup).toMatchObject({ externalId: "host-77", orderNumber: "SNB-77", totalCents: 2550, status: "SCHEDULED", version: 1 });
    expect((await send(key, "pickup.confirmed", { pickup_id: "host-77", business_id: business.id })).body.id).toBe(pickup.id);
    expect((await send(key, "pickup.rescheduled", { pickup_id: "host-77", business_id: business.id, scheduled_at: soon(50) })).status).toBe(202);
    expect((await send(key, "pickup.completed", { pickup_id: "host-77", business_id: business.id })).status).toBe(202);
    expect(await db.pickup.findUniqueOrThrow({ where: { id: pickup.id } })).toMatchObject({ status: "COMPLETED", version: 3 });
    expect((await noticesOf(customer.id)).map((n) => n.type)).toEqual(["booking_confirmed", "interaction_confirmed", "booking_confirmed", "interaction_completed"]);
    expect((await noticesOf(owner.id)).map((n) => n.type)).toEqual(["booking_confirmed", "booking_confirmed"]);
    const late = await send(key, "pickup.cancelled", { pickup_id: "host-77", business_id: business.id, cancelled_by: "customer" });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("CONFLICT");
    await jobs.executor.idle();
  });

  it("order.status_changed: 'confirmed' creates the pickup, 'ready' informs, 'cancelled' ends it; 'confirmed' without pickup_at is a 400", async () => {
    const { key } = await apiKey();
    const { business } = await createBusiness(db);
    const customer = await createUser(db, { role: "NGO" });
    const order = { order_id: "o-1", business_id: business.id, customer_id: customer.id };
    const bad = await send(key, "order.status_changed", { ...order, status: "confirmed" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ "data.pickup_at": ["Required when the status is confirmed"] });
    const ok = await send(key, "order.status_changed", { ...order, status: "confirmed", pickup_at: soon(5) });
    expect((await db.pickup.findUniqueOrThrow({ where: { id: ok.body.id } })).status).toBe("CONFIRMED");
    expect((await send(key, "order.status_changed", { ...order, status: "ready" })).status).toBe(202);
    expect((await send(key, "order.status_changed", { ...order, status: "cancelled", reason: "Sold out" })).status).toBe(202);
    expect((await noticesOf(customer.id)).map((n) => [n.type, n.title])).toEqual([
      ["interaction_confirmed", `Order o-1 confirmed by ${business.name}`],
      ["order_status", `Order ready for pickup: ${business.name}`],
      ["booking_cancelled", `Pickup cancelled: ${business.name}`],
    ]);
    await jobs.executor.idle();
  });

  it("review.received reaches the owner; user.registered creates the account and emails the welcome once", async () => {
    const { key } = await apiKey();
    const { business, owner } = await createBusiness(db);
    const review = { review_id: "rv-1", business_id: business.id, reviewer_name: "Thandi M.", rating: 4, comment: "Still warm" };
    const r1 = await send(key, "review.received", review);
    const r2 = await call(POST, post({ key, body: { name: "review.received", data: review } })); // another Idempotency-Key, same review
    expect(r2.body.id).toBe(r1.body.id);
    expect((await noticesOf(owner.id)).map((n) => n.title)).toEqual(["New 4-star review from Thandi M."]);

    const email = `new.${Date.now()}@herald.test`;
    const u = await send(key, "user.registered", { email, name: "Lerato New", role: "ngo", timezone: "Africa/Johannesburg" });
    expect(u.status).toBe(202);
    expect(await db.user.findUniqueOrThrow({ where: { id: u.body.id } })).toMatchObject({ email, role: "NGO", timezone: "Africa/Johannesburg" });
    const again = await send(key, "user.registered", { email, name: "Lerato New", role: "ngo" });
    expect(again.status).toBe(409);
    await jobs.executor.idle();
    const mail = await db.capturedEmail.findMany({ where: { to: email } });
    expect(mail.map((m) => m.subject)).toEqual([expect.stringContaining("Welcome")]);
  });

  it("security, verification and billing notices are critical: emailed even in quiet hours and with email preferences off", async () => {
    const { key } = await apiKey();
    const user = await createUser(db, { timezone: "Pacific/Kiritimati" });
    await db.notificationSettings.create({ data: { userId: user.id, quietHoursStart: 0, quietHoursEnd: 1439, emailUnsubscribedAt: new Date() } });
    expect((await send(key, "security.new_login", { user_id: user.id, occurred_at: soon(0), ip_address: "196.25.1.10", device: "Chrome on Windows" })).status).toBe(202);
    expect((await send(key, "verification.status_changed", { user_id: user.id, status: "approved", organisation_name: "Food Bank" })).status).toBe(202);
    for (const name of ["billing.payment_succeeded", "billing.payment_failed", "billing.subscription_expiring"]) {
      expect((await send(key, name, { user_id: user.id, amount: "299.00", currency: "ZAR", plan_name: "Pro", date: soon(72) })).status).toBe(202);
    }
    await jobs.executor.idle();
    const subjects = (await db.capturedEmail.findMany({ where: { to: user.email } })).map((m) => m.subject).sort();
    expect(subjects).toHaveLength(5);
    expect(subjects).toEqual(expect.arrayContaining([expect.stringContaining("Your plan expires soon"), expect.stringContaining("Your payment failed")]));
    const missing = await send(key, "billing.payment_failed", { user_id: crypto.randomUUID(), amount: "1.00", currency: "ZAR" });
    expect(missing.status).toBe(404);
  });

  it("answers 400 with field details for bad data of each kind", async () => {
    const { key } = await apiKey();
    const cases: [string, Record<string, unknown>, string][] = [
      ["pickup.scheduled", { pickup_id: "x", business_id: "nope", customer_id: crypto.randomUUID(), scheduled_at: soon(3) }, "data.business_id"],
      ["review.received", { review_id: "r", business_id: crypto.randomUUID(), reviewer_name: "A", rating: 6 }, "data.rating"],
      ["user.registered", { email: "not-an-email", name: "A", role: "customer" }, "data.email"],
      ["security.new_login", { user_id: crypto.randomUUID(), occurred_at: "yesterday" }, "data.occurred_at"],
      ["billing.payment_failed", { user_id: crypto.randomUUID(), amount: "1,00", currency: "ZAR" }, "data.amount"],
      ["pickup.cancelled", { pickup_id: "x", business_id: crypto.randomUUID(), cancelled_by: "customer", extra: 1 }, "data.extra"],
    ];
    for (const [name, data, field] of cases) {
      const r = await send(key, name, data);
      expect(r.status, name).toBe(400);
      expect(Object.keys(r.body.error.details), name).toContain(field);
    }
  });
});

describe("POST /api/v1/events: Idempotency-Key", () => {
  it("replays the same answer for the same key and body (key order aside), without a second listing or notification", async () => {
    const { key } = await apiKey();
    const { business } = await createBusiness(db);
    const follower = await createUser(db);
    await db.follow.create({ data: { userId: follower.id, businessId: business.id } });
    const idem = freshKey();
    const ev = listingEvent(business.id);
    const first = await call(POST, post({ key, idem, body: ev }));
    expect(first.status).toBe(202);
    await jobs.executor.idle();
    const reordered = { data: Object.fromEntries(Object.entries(ev.data).reverse()), name: ev.name };
    const again = await call(POST, post({ key, idem, rawBody: JSON.stringify(reordered, null, 2) }));
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    await jobs.executor.idle();
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(1);
    expect(await db.notification.count({ where: { userId: follower.id } })).toBe(1);

    const record = await db.idempotencyRecord.findFirstOrThrow({ where: { key: { endsWith: `:${idem}` } } });
    expect(record.key).toMatch(/^apikey:[0-9a-f-]{36}:test-/);
    expect(record).toMatchObject({ status: 202, response: first.body });

    // the same Idempotency-Key from another API key is another request
    const other = await apiKey();
    const theirs = await call(POST, post({ key: other.key, idem, body: ev }));
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(first.body.id);
    await jobs.executor.idle();
  });

  it("answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, and runs nothing", async () => {
    const { key } = await apiKey();
    const { business } = await createBusiness(db);
    const idem = freshKey();
    expect((await call(POST, post({ key, idem, body: listingEvent(business.id) }))).status).toBe(202);
    const r = await call(POST, post({ key, idem, body: listingEvent(business.id, { title: "Bagels" }) }));
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(1);
    await jobs.executor.idle();
  });

  it("replays a refusal too (404), and forgets records older than 24 h", async () => {
    const { key } = await apiKey();
    const idem = freshKey();
    const ev = listingEvent("00000000-0000-4000-8000-000000000000");
    const first = await call(POST, post({ key, idem, body: ev }));
    expect(first.status).toBe(404);
    const again = await call(POST, post({ key, idem, body: ev }));
    expect(again.status).toBe(404);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");

    const { business } = await createBusiness(db);
    const idem2 = freshKey();
    expect((await call(POST, post({ key, idem: idem2, body: listingEvent(business.id) }))).status).toBe(202);
    await db.idempotencyRecord.updateMany({ where: { key: { endsWith: `:${idem2}` } }, data: { createdAt: new Date(Date.now() - 25 * 3_600_000) } });
    const late = await call(POST, post({ key, idem: idem2, body: listingEvent(business.id, { title: "Bagels" }) }));
    expect(late.status).toBe(202);
    expect(late.headers.get("idempotent-replayed")).toBeNull();
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(2);
    await jobs.executor.idle();
  });

  it("a retry after a crashed first attempt (abandoned 'in progress' record) creates no second listing", async () => {
    const { key } = await apiKey();
    const { business } = await createBusiness(db);
    const idem = freshKey();
    const ev = listingEvent(business.id);
    expect((await call(POST, post({ key, idem, body: ev }))).status).toBe(202);
    // As if the process died after writing the listing but before completing the record.
    await db.idempotencyRecord.updateMany({ where: { key: { endsWith: `:${idem}` } }, data: { status: 0, response: {}, createdAt: new Date(Date.now() - 10 * 60_000) } });
    const retry = await call(POST, post({ key, idem, body: ev }));
    expect(retry.status).toBe(202);
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(1);
    await jobs.executor.idle();
  });

  it("runs concurrent first requests with one key once: the others get 409 IDEMPOTENCY_IN_PROGRESS or the replay", async () => {
    const { key, summary } = await apiKey();
    const { business } = await createBusiness(db);
    const follower = await createUser(db);
    await db.follow.create({ data: { userId: follower.id, businessId: business.id } });
    const idem = freshKey();
    const ev = listingEvent(business.id);
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(POST, post({ key, idem, body: ev }))));
    const fresh = answers.filter((a) => a.status === 202 && a.headers.get("idempotent-replayed") === null);
    expect(fresh).toHaveLength(1);
    for (const a of answers) {
      if (a.status === 409) expect(a.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
      else expect(a).toMatchObject({ status: 202, body: fresh[0]!.body });
    }
    await jobs.executor.idle();
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(1);
    expect(await db.notification.count({ where: { userId: follower.id } })).toBe(1);

    // Deterministically: while a first request holds the key, a second one gets 409 and runs nothing.
    const held = freshKey();
    await db.idempotencyRecord.create({ data: { key: `apikey:${summary.id}:${held}`, requestHash: requestHash(ev), status: 0, response: {} } });
    const busy = await call(POST, post({ key, idem: held, body: ev }));
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(1);
  });
});

describe("POST /api/v1/events: rate limit", () => {
  it("answers 429 RATE_LIMITED with Retry-After once the key's bucket is full, and creates nothing", async () => {
    const { key, summary } = await apiKey();
    const { business } = await createBusiness(db);
    const bucket = `apikey:${summary.id}`;
    const now = Date.now();
    for (const at of [now, now + API_KEY_LIMIT.windowMs]) {
      const start = windowStart(new Date(at), API_KEY_LIMIT.windowMs);
      await db.rateLimitBucket.create({ data: { key: bucket, windowStart: start, count: API_KEY_LIMIT.limit } });
    }
    const r = await call(POST, post({ key, body: listingEvent(business.id) }));
    expect(r.status).toBe(429);
    expect(r.body.error).toMatchObject({ code: "RATE_LIMITED", details: { limit: 600 } });
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(r.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(0);
    // another key is not affected
    const other = await apiKey();
    expect((await call(POST, post({ key: other.key, body: listingEvent(business.id) }))).status).toBe(202);
    await jobs.executor.idle();
  });
});
