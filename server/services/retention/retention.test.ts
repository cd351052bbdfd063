/**
 * Retention per table, against the real database: what goes, what stays (on both sides of each period),
 * batches no bigger than the batch size, unread notifications kept and counted, and configured periods.
 * Each test first runs retention once so rows earlier test files left behind do not blur exact counts.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { createNotification, createUser } from "../../../prisma/factory";
import { batchDeleteSql, countUnreadKept, purgeTable, RETENTION_TABLES, retentionPlan, runRetention, type RetentionBatch } from "./retention";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);

beforeEach(async () => {
  await runRetention({ now });
});

async function exists(model: "notification" | "delivery" | "personalAccessToken" | "apiKey" | "webhookEvent" | "capturedEmail", id: string): Promise<boolean> {
  const delegate = db[model] as unknown as { count(args: { where: { id: string } }): Promise<number> };
  return (await delegate.count({ where: { id } })) === 1;
}

describe("retention: notifications", () => {
  it("deletes read notifications read more than 90 days ago, keeps recent reads and every unread one", async () => {
    const u = await createUser(db);
    const readOld = await createNotification(db, { userId: u.id, createdAt: ago(120 * DAY), readAt: ago(91 * DAY) });
    const readRecent = await createNotification(db, { userId: u.id, createdAt: ago(120 * DAY), readAt: ago(89 * DAY) });
    const unreadOld = await createNotification(db, { userId: u.id, createdAt: ago(400 * DAY) });
    const unreadNew = await createNotification(db, { userId: u.id });
    const keptBefore = await countUnreadKept(retentionPlan(now));

    const r = await runRetention({ now });

    expect(r.deleted.notifications).toBe(1);
    expect(await exists("notification", readOld.id)).toBe(false);
    expect(await exists("notification", readRecent.id)).toBe(true);
    expect(await exists("notification", unreadOld.id)).toBe(true);
    expect(await exists("notification", unreadNew.id)).toBe(true);
    // The unread-old one is counted as kept (and nothing else changed the count).
    expect(r.unreadNotificationsKept).toBe(keptBefore);
    expect(keptBefore).toBeGreaterThanOrEqual(1);
    await createNotification(db, { userId: u.id, createdAt: ago(91 * DAY) });
    expect((await runRetention({ now })).unreadNotificationsKept).toBe(keptBefore + 1);
  });

  it("deletes in batches no bigger than the batch size, each reported after it committed", async () => {
    const u = await createUser(db);
    await db.$executeRaw`
      INSERT INTO notifications (user_id, type, category, title, dedupe_key, created_at, read_at)
      SELECT ${u.id}::uuid, 'business_update', 'business', 'Old ' || g, 'retention-batch:' || g,
             ${ago(200 * DAY)}::timestamptz, ${ago(150 * DAY)}::timestamptz
      FROM generate_series(1, 10) g`;
    const seen: RetentionBatch[] = [];
    const r = await purgeTable("notifications", retentionPlan(now, { batchSize: 3 }), {
      onBatch: async (b) => {
        seen.push(b);
        // Committed already: another statement sees the rows gone.
        expect(await db.notification.count({ where: { userId: u.id } })).toBe(10 - seen.reduce((n, x) => n + x.deleted, 0));
      },
    });
    expect(seen.map((b) => b.deleted)).toEqual([3, 3, 3, 1]);
    expect(r).toEqual({ table: "notifications", deleted: 10, batches: 4, done: true });
  });

  it("stops after maxBatches and says it is not done; the next call continues", async () => {
    const u = await createUser(db);
    for (let i = 0; i < 5; i++) await createNotification(db, { userId: u.id, createdAt: ago(200 * DAY), readAt: ago(100 * DAY) });
    const plan = retentionPlan(now, { batchSize: 2 });
    expect(await purgeTable("notifications", plan, { maxBatches: 1 })).toEqual({ table: "notifications", deleted: 2, batches: 1, done: false });
    expect(await db.notification.count({ where: { userId: u.id } })).toBe(3);
    expect(await purgeTable("notifications", plan)).toEqual({ table: "notifications", deleted: 3, batches: 2, done: true });
  });

  it("deleting a notification takes its deliveries with it (FK cascade)", async () => {
    const u = await createUser(db);
    const n = await createNotification(db, { userId: u.id, createdAt: ago(100 * DAY), readAt: ago(95 * DAY) });
    const d = await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "SENT", createdAt: ago(100 * DAY) } });
    await runRetention({ now });
    expect(await exists("delivery", d.id)).toBe(false);
  });
});

describe("retention: delivery logs", () => {
  it("deletes deliveries created more than 180 days ago, keeps younger ones", async () => {
    const u = await createUser(db);
    const n = await createNotification(db, { userId: u.id }); // unread: stays
    const old = await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "SENT", createdAt: ago(181 * DAY) } });
    const young = await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "IN_APP", status: "DELIVERED", createdAt: ago(179 * DAY) } });
    const r = await runRetention({ now });
    expect(r.deleted.deliveries).toBe(1);
    expect(await exists("delivery", old.id)).toBe(false);
    expect(await exists("delivery", young.id)).toBe(true);
    expect(await exists("notification", n.id)).toBe(true);
  });
});

describe("retention: credentials", () => {
  it("deletes expired personal access tokens and those revoked more than 30 days ago", async () => {
    const u = await createUser(db);
    const pat = (o: { expiresAt?: Date | null; revokedAt?: Date | null }) =>
      db.personalAccessToken.create({ data: { userId: u.id, name: "t", tokenHash: randomUUID(), prefix: "hrld_pat_xxx", scopes: ["preferences"], ...o } });
    const expired = await pat({ expiresAt: ago(60_000) });
    const live = await pat({ expiresAt: new Date(now.getTime() + DAY) });
    const forever = await pat({});
    const revokedLongAgo = await pat({ revokedAt: ago(31 * DAY) });
    const revokedRecently = await pat({ revokedAt: ago(29 * DAY) });
    const r = await runRetention({ now });
    expect(r.deleted.personal_access_tokens).toBe(2);
    expect(await exists("personalAccessToken", expired.id)).toBe(false);
    expect(await exists("personalAccessToken", revokedLongAgo.id)).toBe(false);
    for (const t of [live, forever, revokedRecently]) expect(await exists("personalAccessToken", t.id)).toBe(true);
  });

  it("deletes API keys revoked more than 30 days ago, keeps live and recently revoked ones", async () => {
    const key = (revokedAt: Date | null) => db.apiKey.create({ data: { name: "k", keyHash: randomUUID(), prefix: "hrld_key_xxx", revokedAt } });
    const old = await key(ago(31 * DAY));
    const recent = await key(ago(29 * DAY));
    const live = await key(null);
    const r = await runRetention({ now });
    expect(r.deleted.api_keys).toBe(1);
    expect(await exists("apiKey", old.id)).toBe(false);
    expect(await exists("apiKey", recent.id)).toBe(true);
    expect(await exists("apiKey", live.id)).toBe(true);
  });
});

describe("retention: HTTP API bookkeeping, webhooks, dev mailbox", () => {
  it("deletes idempotency records older than 24 h and rate-limit buckets older than a day", async () => {
    const tag = randomUUID();
    const rec = (suffix: string, createdAt: Date) =>
      db.idempotencyRecord.create({ data: { key: `apikey:test:${tag}:${suffix}`, requestHash: "h", status: 200, response: {}, createdAt } });
    await rec("old", ago(25 * HOUR));
    await rec("young", ago(23 * HOUR));
    await db.rateLimitBucket.createMany({
      data: [
        { key: `ip:${tag}`, windowStart: ago(25 * HOUR), count: 3 },
        { key: `ip:${tag}`, windowStart: ago(2 * DAY), count: 1 },
        { key: `ip:${tag}`, windowStart: ago(23 * HOUR), count: 7 },
      ],
    });
    const r = await runRetention({ now });
    expect(r.deleted.idempotency_records).toBe(1);
    expect(r.deleted.rate_limit_buckets).toBe(2);
    expect((await db.idempotencyRecord.findMany({ where: { key: { startsWith: `apikey:test:${tag}:` } } })).map((x) => x.key)).toEqual([`apikey:test:${tag}:young`]);
    expect((await db.rateLimitBucket.findMany({ where: { key: `ip:${tag}` } })).map((b) => b.count)).toEqual([7]);
  });

  it("rate-limit buckets go in batches too (two-column key)", async () => {
    const tag = randomUUID();
    await db.rateLimitBucket.createMany({ data: Array.from({ length: 7 }, (_, i) => ({ key: `ip:${tag}`, windowStart: ago(2 * DAY + i * 60_000), count: 1 })) });
    const sizes: number[] = [];
    const r = await purgeTable("rate_limit_buckets", retentionPlan(now, { batchSize: 3 }), { onBatch: (b) => void sizes.push(b.deleted) });
    expect(sizes).toEqual([3, 3, 1]);
    expect(r.deleted).toBe(7);
    expect(await db.rateLimitBucket.count({ where: { key: `ip:${tag}` } })).toBe(0);
  });

  it("deletes webhook events (Resend's, Twilio's and Stripe's) and captured emails older than 30 days", async () => {
    const tag = randomUUID();
    const hook = (id: string, receivedAt: Date) => db.webhookEvent.create({ data: { id: `msg_${tag}_${id}`, source: "resend", type: "email.delivered", receivedAt } });
    const oldHook = await hook("old", ago(31 * DAY));
    const youngHook = await hook("young", ago(29 * DAY));
    const stripe = (id: string, receivedAt: Date) => db.stripeEvent.create({ data: { id: `evt_${tag}_${id}`, type: "invoice.paid", outcome: "unsupported_type", receivedAt } });
    const oldStripe = await stripe("old", ago(31 * DAY));
    const youngStripe = await stripe("young", ago(29 * DAY));
    const mail = (createdAt: Date) =>
      db.capturedEmail.create({ data: { to: `${tag}@herald.test`, from: "Herald <n@herald.local>", subject: "s", html: "<p>h</p>", text: "h", idempotencyKey: randomUUID(), createdAt } });
    const oldMail = await mail(ago(31 * DAY));
    const youngMail = await mail(ago(29 * DAY));
    const r = await runRetention({ now });
    expect(r.deleted.webhook_events).toBe(1);
    expect(r.deleted.captured_emails).toBe(1);
    expect(await exists("webhookEvent", oldHook.id)).toBe(false);
    expect(await exists("webhookEvent", youngHook.id)).toBe(true);
    expect(r.deleted.stripe_events).toBe(1);
    expect(await db.stripeEvent.findMany({ where: { id: { in: [oldStripe.id, youngStripe.id] } }, select: { id: true } })).toEqual([{ id: youngStripe.id }]);
    expect(await exists("capturedEmail", oldMail.id)).toBe(false);
    expect(await exists("capturedEmail", youngMail.id)).toBe(true);
  });
});

describe("retention: newsletter, push and SMS (issues 6 and 7)", () => {
  it("deletes unconfirmed signups after 30 days, captured pushes and texts after 30, expired codes after a day", async () => {
    const tag = randomUUID().slice(0, 8);
    const signup = (status: "PENDING" | "CONFIRMED", createdAt: Date) =>
      db.newsletterSubscriber.create({ data: { email: `${tag}-${status}-${createdAt.getTime()}@example.org`, status, createdAt } });
    const [stale, fresh, confirmed] = await Promise.all([signup("PENDING", ago(31 * DAY)), signup("PENDING", ago(29 * DAY)), signup("CONFIRMED", ago(400 * DAY))]);
    const push = (createdAt: Date) =>
      db.capturedPush.create({ data: { endpoint: "https://push.example/x", payload: {}, ttl: 60, urgency: "normal", idempotencyKey: randomUUID(), createdAt } });
    const [oldPush, youngPush] = await Promise.all([push(ago(31 * DAY)), push(ago(29 * DAY))]);
    const text = (createdAt: Date) => db.capturedSms.create({ data: { to: "+27820000000", body: "Herald: hi", segments: 1, idempotencyKey: randomUUID(), createdAt } });
    const [oldText, youngText] = await Promise.all([text(ago(31 * DAY)), text(ago(29 * DAY))]);
    const user = await createUser(db);
    const code = (expiresAt: Date) => db.phoneVerification.create({ data: { userId: user.id, phone: "+27820000001", codeHash: "x", expiresAt } });
    const [deadCode, liveCode] = await Promise.all([code(ago(25 * HOUR)), code(ago(23 * HOUR))]);
    const r = await runRetention({ now });
    expect(r.deleted).toMatchObject({ newsletter_subscribers: 1, captured_pushes: 1, captured_sms: 1, phone_verifications: 1 });
    const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((x) => x.id).sort();
    expect(await ids(db.newsletterSubscriber.findMany({ where: { id: { in: [stale.id, fresh.id, confirmed.id] } } }))).toEqual([fresh.id, confirmed.id].sort());
    expect(await ids(db.capturedPush.findMany({ where: { id: { in: [oldPush.id, youngPush.id] } } }))).toEqual([youngPush.id]);
    expect(await ids(db.capturedSms.findMany({ where: { id: { in: [oldText.id, youngText.id] } } }))).toEqual([youngText.id]);
    expect(await ids(db.phoneVerification.findMany({ where: { id: { in: [deadCode.id, liveCode.id] } } }))).toEqual([liveCode.id]);
  });
});

describe("retention: sign-in sessions, login throttles, outbox (issue 12)", () => {
  it("deletes expired sessions and those revoked more than a day ago, keeps live and recently revoked ones", async () => {
    const u = await createUser(db);
    const session = (o: { expiresAt: Date; revokedAt?: Date }) => db.authSession.create({ data: { userId: u.id, createdAt: ago(40 * DAY), ...o } });
    const [expired, revokedOld, liveSession, revokedRecent] = await Promise.all([
      session({ expiresAt: ago(1000) }),
      session({ expiresAt: new Date(now.getTime() + DAY), revokedAt: ago(25 * HOUR) }),
      session({ expiresAt: new Date(now.getTime() + DAY) }),
      session({ expiresAt: new Date(now.getTime() + DAY), revokedAt: ago(23 * HOUR) }),
    ]);
    const r = await runRetention({ now });
    expect(r.deleted.auth_sessions).toBe(2);
    const left = (await db.authSession.findMany({ where: { userId: u.id }, select: { id: true } })).map((x) => x.id).sort();
    expect(left).toEqual([liveSession.id, revokedRecent.id].sort());
    expect(left).not.toContain(expired.id);
    expect(left).not.toContain(revokedOld.id);
  });

  it("deletes login throttles a day after their last failure unless a lockout still runs, and outbox events 7 days after they were sent", async () => {
    const tag = randomUUID();
    const throttle = (name: string, lastFailureAt: Date, lockedUntil: Date | null = null) =>
      db.loginThrottle.create({ data: { key: `ip:${tag}:${name}`, failures: 5, lastFailureAt, lockedUntil } });
    await Promise.all([
      throttle("old", ago(25 * HOUR)),
      throttle("old-lock-over", ago(25 * HOUR), ago(HOUR)),
      throttle("old-still-locked", ago(25 * HOUR), new Date(now.getTime() + HOUR)),
      throttle("recent", ago(23 * HOUR)),
    ]);
    const event = (name: string, sentAt: Date | null) => db.outboxEvent.create({ data: { id: `${tag}:${name}`, name: "listing/created", data: {}, createdAt: ago(30 * DAY), sentAt } });
    await Promise.all([event("sent-8d", ago(8 * DAY)), event("sent-6d", ago(6 * DAY)), event("pending-old", null)]);

    const r = await runRetention({ now, policy: { batchSize: 1 } });
    expect(r.deleted).toMatchObject({ login_throttles: 2, outbox_events: 1 });
    expect(r.batches.login_throttles).toBe(3); // batches of one: two full, then an empty one
    const keys = (await db.loginThrottle.findMany({ where: { key: { startsWith: `ip:${tag}:` } } })).map((x) => x.key.split(":").pop()).sort();
    expect(keys).toEqual(["old-still-locked", "recent"]);
    const ids = (await db.outboxEvent.findMany({ where: { id: { startsWith: `${tag}:` } } })).map((x) => x.id.split(":").pop()).sort();
    expect(ids).toEqual(["pending-old", "sent-6d"]);
  });
});

describe("retention: configured periods", () => {
  it("honours shorter periods given as a policy", async () => {
    const short = { readNotificationDays: 7, deliveryDays: 30, revokedCredentialDays: 1, webhookEventDays: 7 };
    await runRetention({ now, policy: short }); // rows of the tests above that the shorter periods make eligible
    const u = await createUser(db);
    const read10 = await createNotification(db, { userId: u.id, createdAt: ago(11 * DAY), readAt: ago(10 * DAY) });
    const read5 = await createNotification(db, { userId: u.id, createdAt: ago(6 * DAY), readAt: ago(5 * DAY) });
    const unread10 = await createNotification(db, { userId: u.id, createdAt: ago(10 * DAY) });
    const d40 = await db.delivery.create({ data: { notificationId: unread10.id, userId: u.id, channel: "EMAIL", status: "SENT", createdAt: ago(40 * DAY) } });
    const d20 = await db.delivery.create({ data: { notificationId: unread10.id, userId: u.id, channel: "IN_APP", status: "SENT", createdAt: ago(20 * DAY) } });
    const revoked = await db.apiKey.create({ data: { name: "k", keyHash: randomUUID(), prefix: "p", revokedAt: ago(2 * DAY) } });
    const hook = await db.webhookEvent.create({ data: { id: `msg_${randomUUID()}`, source: "resend", type: "t", receivedAt: ago(8 * DAY) } });

    // Defaults first: nothing of these is old enough.
    expect((await runRetention({ now })).deleted).toMatchObject({ notifications: 0, deliveries: 0, api_keys: 0, webhook_events: 0 });

    const r = await runRetention({ now, policy: short });
    expect(r.deleted).toMatchObject({ notifications: 1, deliveries: 1, api_keys: 1, webhook_events: 1 });
    expect(await exists("notification", read10.id)).toBe(false);
    expect(await exists("notification", read5.id)).toBe(true);
    expect(await exists("notification", unread10.id)).toBe(true);
    expect(await exists("delivery", d40.id)).toBe(false);
    expect(await exists("delivery", d20.id)).toBe(true);
    expect(await exists("apiKey", revoked.id)).toBe(false);
    expect(await exists("webhookEvent", hook.id)).toBe(false);
  });

  it("computes every cutoff from the run's time (ISO 8601, UTC)", () => {
    const at = new Date("2026-03-31T02:30:00.000Z");
    const plan = retentionPlan(at, { batchSize: 250 });
    expect(plan).toEqual({
      now: "2026-03-31T02:30:00.000Z",
      batchSize: 250,
      cutoffs: {
        notificationsReadBefore: "2025-12-31T02:30:00.000Z",
        deliveriesCreatedBefore: "2025-10-02T02:30:00.000Z",
        credentialsRevokedBefore: "2026-03-01T02:30:00.000Z",
        idempotencyCreatedBefore: "2026-03-30T02:30:00.000Z",
        rateLimitWindowBefore: "2026-03-30T02:30:00.000Z",
        webhookReceivedBefore: "2026-03-01T02:30:00.000Z",
        capturedEmailCreatedBefore: "2026-03-01T02:30:00.000Z",
        pendingSignupCreatedBefore: "2026-03-01T02:30:00.000Z",
        verificationExpiredBefore: "2026-03-30T02:30:00.000Z",
        sessionRevokedBefore: "2026-03-30T02:30:00.000Z",
        loginFailureBefore: "2026-03-30T02:30:00.000Z",
        outboxSentBefore: "2026-03-24T02:30:00.000Z",
      },
    });
    expect(() => retentionPlan(at, { batchSize: 0 })).toThrow(/batchSize/);
  });

  it("builds one bounded statement per batch (no unbounded DELETE)", () => {
    const plan = retentionPlan(now, { batchSize: 1234 });
    for (const table of RETENTION_TABLES) {
      const sql = batchDeleteSql(table, plan);
      expect(sql.text).toMatch(new RegExp(`^\\s*DELETE FROM "${table}" WHERE (id|key|ctid) = ANY\\(ARRAY\\(`));
      expect(sql.text).toMatch(/LIMIT \$\d+::int/);
      expect(sql.values).toContain(1234);
    }
  });
});
