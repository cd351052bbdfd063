/**
 * The email decision (docs/requirements.md R8.2) against the real database: preferences, master toggle, unsubscribe,
 * suppression, critical override, quiet hours across DST changes, the daily cap per role, and the
 * decision taken again at send time.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createListing, createNotification, createUser, follow } from "../../../prisma/factory";
import type { NotificationType } from "../notifications/catalog";
import { Prisma } from "../../generated/prisma/client";
import { EMAIL_DECISION_JOINS, emailDecisionSql } from "./email-decisions";
import { rankedNotifications } from "./mobile-decisions";
import { sendNotificationEmails } from "./notify";
import { decideListingEmails, releaseHeldEmails, sendListingEmails } from "./send-listing-emails";
import { createCaptureTransport, createResendTransport } from "../email/transport";

async function decide(userId: string, at: Date, type: NotificationType = "new_listing") {
  const n = await createNotification(db, { userId, type, category: type === "new_listing" ? "listings" : type === "pickup_reminder" ? "pickups" : "business" });
  const [row] = await db.$queryRaw<{ status: string; reason: string | null; release_at: Date | null }[]>`
    SELECT dec.status, dec.reason, dec.release_at FROM notifications n ${EMAIL_DECISION_JOINS}
    CROSS JOIN LATERAL (SELECT ${emailDecisionSql(type, at)}) dec WHERE n.id = ${n.id}::uuid`;
  return row!;
}

const NOON_SAST = new Date("2026-06-01T10:00:00Z"); // 12:00 in Johannesburg, outside quiet hours

describe("email decision", () => {
  it("queues by default and records why it skips: channel off, unsubscribed, preference, suppression", async () => {
    const u = await createUser(db);
    expect(await decide(u.id, NOON_SAST)).toEqual({ status: "QUEUED", reason: null, release_at: null });
    await db.notificationPreference.create({ data: { userId: u.id, category: "listings", channel: "EMAIL", enabled: false } });
    expect(await decide(u.id, NOON_SAST)).toMatchObject({ status: "SKIPPED", reason: "preference" });
    await db.notificationSettings.create({ data: { userId: u.id, emailUnsubscribedAt: new Date() } });
    expect(await decide(u.id, NOON_SAST)).toMatchObject({ status: "SKIPPED", reason: "unsubscribed" });
    await db.notificationSettings.update({ where: { userId: u.id }, data: { emailEnabled: false } });
    expect(await decide(u.id, NOON_SAST)).toMatchObject({ status: "SKIPPED", reason: "channel_off" });

    const v = await createUser(db, { email: `Mixed.Case.${Date.now()}@Example.com` });
    await db.emailSuppression.create({ data: { emailHash: createHash("sha256").update(v.email.toLowerCase()).digest("hex"), reason: "hard_bounce" } });
    expect(await decide(v.id, NOON_SAST)).toMatchObject({ status: "SKIPPED", reason: "suppressed" });
  });

  it("critical types bypass preferences, unsubscribes, suppression, quiet hours and caps", async () => {
    const u = await createUser(db);
    await db.notificationSettings.create({ data: { userId: u.id, emailEnabled: false, emailUnsubscribedAt: new Date() } });
    await db.emailSuppression.create({ data: { emailHash: createHash("sha256").update(u.email.toLowerCase()).digest("hex"), reason: "complaint" } });
    expect(await decide(u.id, new Date("2026-06-01T21:00:00Z"), "pickup_reminder")).toEqual({ status: "QUEUED", reason: "critical", release_at: null });
  });

  it("holds during quiet hours (default 22:00–07:00 local) and releases at their end", async () => {
    const u = await createUser(db, { timezone: "Africa/Johannesburg" });
    const late = await decide(u.id, new Date("2026-06-01T21:00:00Z")); // 23:00 SAST
    expect(late).toMatchObject({ status: "HELD", reason: "quiet_hours" });
    expect(late.release_at!.toISOString()).toBe("2026-06-02T05:00:00.000Z"); // 07:00 SAST
    const early = await decide(u.id, new Date("2026-06-02T03:30:00Z")); // 05:30 SAST, same window
    expect(early.release_at!.toISOString()).toBe("2026-06-02T05:00:00.000Z");
    expect((await decide(u.id, new Date("2026-06-02T05:00:00Z"))).status).toBe("QUEUED"); // 07:00: window over
    await db.notificationSettings.create({ data: { userId: u.id, quietHoursStart: 9 * 60, quietHoursEnd: 17 * 60 } }); // a daytime window
    expect(await decide(u.id, NOON_SAST)).toMatchObject({ status: "HELD", reason: "quiet_hours" });
    await db.notificationSettings.update({ where: { userId: u.id }, data: { quietHoursStart: null, quietHoursEnd: null } });
    expect((await decide(u.id, new Date("2026-06-01T21:00:00Z"))).status).toBe("QUEUED"); // quiet hours off
  });

  it("releases at 07:00 local across both daylight-saving changes (Europe/Berlin 2026)", async () => {
    const u = await createUser(db, { timezone: "Europe/Berlin" });
    // Spring forward on Sunday 29 March: 23:30 CET on Saturday → 07:00 CEST = 05:00 UTC.
    expect((await decide(u.id, new Date("2026-03-28T22:30:00Z"))).release_at!.toISOString()).toBe("2026-03-29T05:00:00.000Z");
    // Fall back on Sunday 25 October: 23:30 CEST on Saturday → 07:00 CET = 06:00 UTC.
    expect((await decide(u.id, new Date("2026-10-24T21:30:00Z"))).release_at!.toISOString()).toBe("2026-10-25T06:00:00.000Z");
  });

  it("applies R8.4's email cap for every role: the cap-th email of the day is held, not the one before", async () => {
    for (const [role, cap] of [["CUSTOMER", 10], ["NGO", 20], ["BUSINESS", 50], ["ADMIN", 100]] as const) {
      const u = await createUser(db, { role });
      await db.$executeRaw`
        WITH ns AS (
          INSERT INTO notifications (user_id, type, category, title, dedupe_key)
          SELECT ${u.id}::uuid, 'new_listing', 'listings', 'x', 'cap:' || g FROM generate_series(1, ${cap - 1}::int) g RETURNING id)
        INSERT INTO deliveries (notification_id, user_id, channel, status, sent_at) SELECT id, ${u.id}::uuid, 'EMAIL', 'SENT', ${NOON_SAST} FROM ns`;
      expect((await decide(u.id, NOON_SAST)).status, `${role} at ${cap - 1}`).toBe("QUEUED");
      const n = await createNotification(db, { userId: u.id });
      await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "SENT", sentAt: NOON_SAST } });
      expect(await decide(u.id, NOON_SAST), `${role} at ${cap}`).toMatchObject({ status: "HELD", reason: "frequency_cap" });
    }
  });

  it("holds over the daily cap per role for the digest (customer 10, NGO 20; R8.4)", async () => {
    const c = await createUser(db, { role: "CUSTOMER" });
    const ngo = await createUser(db, { role: "NGO" });
    for (const u of [c, ngo]) {
      for (let i = 0; i < 10; i++) {
        const n = await createNotification(db, { userId: u.id });
        await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "SENT", sentAt: NOON_SAST } });
      }
    }
    expect(await decide(c.id, NOON_SAST)).toEqual({ status: "HELD", reason: "frequency_cap", release_at: null });
    expect((await decide(ngo.id, NOON_SAST)).status).toBe("QUEUED");
    expect((await decide(c.id, new Date("2026-06-02T10:00:00Z"))).status).toBe("QUEUED"); // a new local day
  });
});

describe("a burst against the email cap (R8.4)", () => {
  /** Twelve new-listing notifications for one customer (quiet hours off), created in one statement, oldest first. */
  async function burst() {
    const u = await createUser(db, { role: "CUSTOMER", timezone: "UTC" });
    await db.notificationSettings.create({ data: { userId: u.id, quietHoursStart: null, quietHoursEnd: null } });
    const ids = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO notifications (user_id, type, category, title, dedupe_key, created_at)
      SELECT ${u.id}::uuid, 'new_listing', 'listings', 'Update ' || g, 'burst:' || g, now() + g * interval '1 ms'
      FROM generate_series(1, 12) g RETURNING id`;
    return { u, ids: ids.map((r) => r.id) };
  }

  it("counts the recipient's earlier notifications in the same batch: ten queued, the last two held", async () => {
    const { u } = await burst();
    const rows = await db.$queryRaw<{ status: string; reason: string | null }[]>`
      SELECT dec.status, dec.reason FROM ${rankedNotifications(Prisma.sql`n.user_id = ${u.id}::uuid`)} ${EMAIL_DECISION_JOINS}
      CROSS JOIN LATERAL (SELECT ${emailDecisionSql("new_listing", NOON_SAST, { ranked: true })}) dec ORDER BY n.created_at`;
    expect(rows.map((r) => r.status)).toEqual([...Array<string>(10).fill("QUEUED"), "HELD", "HELD"]);
    expect(rows.slice(10).map((r) => r.reason)).toEqual(["frequency_cap", "frequency_cap"]);
  });

  it("sending a queued burst stops at the cap: ten emails, two held for the digest", async () => {
    const { u, ids } = await burst();
    await db.delivery.createMany({ data: ids.map((id) => ({ notificationId: id, userId: u.id, channel: "EMAIL" as const, status: "QUEUED" as const, payload: { fallback: true } })) });
    const counts = await sendNotificationEmails(ids, { transport: createCaptureTransport(db), at: NOON_SAST });
    expect(counts).toEqual({ SENT: 10, HELD: 2 });
    expect(await db.capturedEmail.count({ where: { to: u.email } })).toBe(10);
    const held = await db.delivery.findMany({ where: { userId: u.id, status: "HELD" }, include: { notification: { select: { title: true } } } });
    expect(held.map((d) => [d.reason, d.notification.title]).sort()).toEqual([["frequency_cap", "Update 11"], ["frequency_cap", "Update 12"]]);
  });
});

describe("listing emails", () => {
  async function setup() {
    const { business, owner } = await createBusiness(db, { name: "Mario's <Trattoria>" });
    const a = await createUser(db, { name: "Thandi <b>Mokoena</b>", timezone: "UTC" });
    const b = await createUser(db, { timezone: "UTC" });
    await follow(db, a.id, business.id);
    await follow(db, b.id, business.id);
    const listing = await createListing(db, business.id, { title: "Lasagne" });
    await db.$executeRaw`
      INSERT INTO notifications (user_id, type, category, title, business_id, actor_id, dedupe_key)
      SELECT f.user_id, 'new_listing', 'listings', 'New', f.business_id, ${owner.id}::uuid, ${`listing:${listing.id}`}
      FROM follows f WHERE f.business_id = ${business.id}::uuid`;
    return { listing, a, b };
  }
  const all = { afterUserId: null, throughUserId: null };

  it("decide once (idempotent), then send: one merged email per recipient with RFC 8058 headers", async () => {
    const { listing, a } = await setup();
    expect(await decideListingEmails(listing.id, all, NOON_SAST)).toEqual({ QUEUED: 2 });
    expect(await decideListingEmails(listing.id, all, NOON_SAST)).toEqual({});
    const transport = createCaptureTransport(db);
    expect(await sendListingEmails(listing.id, all, { transport, at: NOON_SAST })).toEqual({ SENT: 2 });
    const mail = await db.capturedEmail.findFirstOrThrow({ where: { to: a.email } });
    expect(mail.subject).toBe("New at Mario's <Trattoria>: Lasagne");
    expect(mail.html).toContain("Thandi");
    expect(mail.html).not.toContain("<b>");
    expect(mail.html).toContain("&lt;Trattoria&gt;");
    expect(mail.html).not.toMatch(/HERALD_|%%/);
    expect(mail.text).toContain("Thandi");
    const headers = mail.headers as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const url = headers["List-Unsubscribe"]!.slice(1, -1);
    expect(mail.html).toContain(url);
    expect(url).toMatch(/\/unsubscribe\/[\w-]+\.[\w-]+$/);
    const deliveries = await db.delivery.findMany({ where: { notification: { dedupeKey: `listing:${listing.id}` }, channel: "EMAIL" } });
    expect(deliveries.map((d) => d.status)).toEqual(["SENT", "SENT"]);
    expect(deliveries.every((d) => d.providerMessageId?.startsWith("captured:") && d.sentAt)).toBe(true);
    expect(await sendListingEmails(listing.id, all, { transport, at: NOON_SAST })).toEqual({}); // nothing left
  });

  it("decides again at send time: email turned off after queueing → SKIPPED, nothing sent", async () => {
    const { listing, a, b } = await setup();
    await decideListingEmails(listing.id, all, NOON_SAST);
    await db.notificationSettings.create({ data: { userId: a.id, emailEnabled: false } });
    // Rounds of one: each round starts after the one before, re-decided or sent alike.
    const result = await sendListingEmails(listing.id, all, { transport: createCaptureTransport(db), at: NOON_SAST, batch: 1 });
    expect(result).toEqual({ SKIPPED: 1, SENT: 1 });
    expect(await db.capturedEmail.count({ where: { to: a.email } })).toBe(0);
    expect(await db.capturedEmail.count({ where: { to: b.email } })).toBe(1);
    const skipped = await db.delivery.findFirstOrThrow({ where: { userId: a.id, channel: "EMAIL" } });
    expect(skipped).toMatchObject({ status: "SKIPPED", reason: "channel_off" });
  });

  it("holds during quiet hours, then the release sends it once the window has ended", async () => {
    const { listing, a, b } = await setup();
    await db.user.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { timezone: "Africa/Johannesburg" } });
    const night = new Date("2026-06-01T21:00:00Z"); // 23:00 SAST
    expect(await decideListingEmails(listing.id, all, night)).toEqual({ HELD: 2 });
    const transport = createCaptureTransport(db);
    // The sweep is global and other test files share the database, so the outcome is read off these two.
    const mine = async () => (await db.delivery.findMany({ where: { userId: { in: [a.id, b.id] }, channel: "EMAIL" } })).map((d) => d.status);
    await releaseHeldEmails(new Date("2026-06-02T04:59:00Z"), { transport }); // 06:59: still quiet
    expect(await mine()).toEqual(["HELD", "HELD"]);
    expect((await releaseHeldEmails(new Date("2026-06-02T05:00:00Z"), { transport })).SENT).toBeGreaterThanOrEqual(2);
    expect(await mine()).toEqual(["SENT", "SENT"]);
    expect(await db.capturedEmail.count({ where: { to: { in: [a.email, b.email] } } })).toBe(2);
    await releaseHeldEmails(new Date("2026-06-02T05:01:00Z"), { transport }); // nothing twice
    expect(await db.capturedEmail.count({ where: { to: { in: [a.email, b.email] } } })).toBe(2);
  });

  it("sends through Resend in batches; a refused batch is retried one by one so one bad address fails alone", async () => {
    const { listing, a, b } = await setup();
    await decideListingEmails(listing.id, all, NOON_SAST);
    const paths: string[] = [];
    const stub = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        paths.push(req.url!);
        const body = JSON.parse(raw) as { to: string[] } | { to: string[] }[];
        const bad = (Array.isArray(body) ? body : [body]).some((e) => e.to[0] === a.email);
        res.writeHead(bad ? 422 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify(bad ? { name: "validation_error", message: "Invalid `to`", statusCode: 422 } : { id: `re_${paths.length}` }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    try {
      const transport = createResendTransport({ apiKey: "re_test", baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}` });
      expect(await sendListingEmails(listing.id, all, { transport, at: NOON_SAST })).toEqual({ FAILED: 1, SENT: 1 });
      expect(paths).toEqual(["/emails/batch", "/emails", "/emails"]);
      const byUser = async (id: string) => (await db.delivery.findFirstOrThrow({ where: { userId: id, channel: "EMAIL" } })).status;
      expect([await byUser(a.id), await byUser(b.id)]).toEqual(["FAILED", "SENT"]);
    } finally {
      await new Promise<void>((r) => stub.close(() => r()));
    }
  });
});

