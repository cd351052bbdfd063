import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { db } from "../../db";
import { createNotification, createUser } from "../../../prisma/factory";
import { createCaller } from "../../trpc/root";
import { trpcCode } from "../../../test/trpc";
import { deliveryDetail, deliveryTimeline } from "./delivery-log";

describe("delivery details", () => {
  it("show the user each channel's outcome with a reason; others' notifications are NOT_FOUND", async () => {
    const u = await createUser(db);
    const n = await createNotification(db, { userId: u.id, type: "new_listing", category: "listings" });
    await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "HELD", reason: "quiet_hours", releaseAt: new Date("2026-06-02T05:00:00Z") } });
    const api = createCaller({ user: { id: u.id, role: "CUSTOMER" } });
    const out = await api.notifications.deliveries({ id: n.id });
    expect(out.map((c) => [c.channel, c.status, c.reason])).toEqual([
      ["IN_APP", "delivered", null],
      ["EMAIL", "held", "your quiet hours"],
      // New listings go by push; with no push device no decision row is written, and the
      // details say why from the person's devices.
      ["PUSH", "skipped", "no browser has push turned on"],
      ["SMS", "not_used", "this kind of notification does not use this channel"],
    ]);
    expect(out[1]).toMatchObject({ reason: "your quiet hours", at: "2026-06-02T05:00:00.000Z" });
    await db.pushSubscription.create({ data: { userId: u.id, endpoint: `https://push.example/${u.id}`, p256dh: "k", auth: "a", label: "Laptop" } });
    expect((await api.notifications.deliveries({ id: n.id })).find((c) => c.channel === "PUSH")).toMatchObject({ status: "not_used", reason: "not decided yet" });
    const other = await createUser(db);
    await expect(createCaller({ user: { id: other.id, role: "CUSTOMER" } }).notifications.deliveries({ id: n.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("give admins a user's log; others are FORBIDDEN", async () => {
    const u = await createUser(db);
    const n = await createNotification(db, { userId: u.id, type: "new_listing", category: "listings" });
    await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "SKIPPED", reason: "preference" } });
    const admin = await createUser(db, { role: "ADMIN" });
    const log = await createCaller({ user: { id: admin.id, role: "ADMIN" } }).admin.userDeliveries({ email: u.email });
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ channel: "EMAIL", status: "SKIPPED", reasonText: "the recipient turned this topic off for this channel" });
    const err = await createCaller({ user: { id: u.id, role: "CUSTOMER" } }).admin.userDeliveries({ email: u.email }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("FORBIDDEN");
  });
});

// ---------------------------------------------------------------------------------------------------------
// The admins' delivery log over everyone (issue 6).
// ---------------------------------------------------------------------------------------------------------

type Channel = "IN_APP" | "EMAIL" | "PUSH" | "SMS";
type Status = "QUEUED" | "HELD" | "SKIPPED" | "SENT" | "DELIVERED" | "BOUNCED" | "COMPLAINED" | "FAILED";

/** Rows dated in a far-future year of their own, so other test files' deliveries never land in a window. */
let year = 2200;
function window() {
  const y = year++;
  return { y, at: (mmddThhmm: string) => new Date(`${y}-${mmddThhmm}:00.000Z`), from: `${y}-01-01`, to: `${y}-12-31` };
}

async function delivery(o: { userId: string; at: Date; channel?: Channel; status?: Status; type?: string; reason?: string | null; readAt?: Date | null; sentAt?: Date | null; providerMessageId?: string | null; releaseAt?: Date | null; updatedAt?: Date }) {
  const type = o.type ?? "new_listing";
  const n = await createNotification(db, { userId: o.userId, type, category: type === "new_listing" ? "listings" : "account", createdAt: o.at, readAt: o.readAt ?? null });
  return db.delivery.create({
    data: {
      notificationId: n.id,
      userId: o.userId,
      channel: o.channel ?? "EMAIL",
      status: o.status ?? "SENT",
      reason: o.reason ?? null,
      sentAt: o.sentAt ?? null,
      providerMessageId: o.providerMessageId ?? null,
      releaseAt: o.releaseAt ?? null,
      createdAt: o.at,
      updatedAt: o.updatedAt ?? o.at,
    },
  });
}

async function adminApi() {
  const admin = await createUser(db, { role: "ADMIN" });
  return createCaller({ user: { id: admin.id, role: "ADMIN" } }).admin;
}

/** Every page of a filtered log, walked with its cursor; the ids in order. */
async function walk(api: Awaited<ReturnType<typeof adminApi>>, filter: Record<string, string>, limit: number) {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 100) throw new Error("the cursor never ends");
    const page = await api.deliveries({ ...filter, limit: String(limit), ...(cursor ? { cursor } : {}) });
    ids.push(...page.rows.map((r) => r.id));
    sizes.push(page.rows.length);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { ids, sizes };
}

describe("the admins' delivery log", () => {
  it("lists everyone's deliveries newest first; an email filter (exact) keeps one user's and names them", async () => {
    const w = window();
    const tag = randomUUID().slice(0, 8);
    const alice = await createUser(db, { email: `dlog-${tag}-alice@herald.test`, name: "Alice Log" });
    const bob = await createUser(db, { email: `dlog-${tag}-bob@herald.test` });
    const a1 = await delivery({ userId: alice.id, at: w.at("03-01T10:00") });
    const b1 = await delivery({ userId: bob.id, at: w.at("03-02T10:00") });
    const a2 = await delivery({ userId: alice.id, at: w.at("03-03T10:00"), status: "HELD", reason: "quiet_hours", releaseAt: w.at("03-04T05:00") });
    const api = await adminApi();

    const all = await api.deliveries({ from: w.from, to: w.to });
    expect(all.rows.map((r) => r.id)).toEqual([a2.id, b1.id, a1.id]);
    expect(all.user).toBeNull();
    expect(all.rows[0]).toMatchObject({ channel: "EMAIL", status: "HELD", reason: "quiet_hours", reasonText: "the recipient's quiet hours", releaseAt: w.at("03-04T05:00"), user: { email: alice.email, name: "Alice Log" } });
    expect(all.rows[0]!.notification).toMatchObject({ type: "new_listing" });

    // No filter at all: the newest rows in the database, from both users (these are dated furthest ahead).
    const unfiltered = await api.deliveries({});
    expect(unfiltered.rows.length).toBeGreaterThanOrEqual(3);
    expect(new Set(unfiltered.rows.slice(0, 3).map((r) => r.user.id))).toEqual(new Set([alice.id, bob.id]));

    // The old ?email= link: exact, case and spaces forgiven; the user is named.
    const mine = await api.deliveries({ email: `  ${alice.email.toUpperCase()} ` });
    expect(mine.rows.map((r) => r.id)).toEqual([a2.id, a1.id]);
    expect(mine.user).toMatchObject({ id: alice.id, name: "Alice Log", email: alice.email, role: "CUSTOMER" });
    expect((await api.deliveries({ email: bob.email, match: "exact" })).rows.map((r) => r.id)).toEqual([b1.id]);

    // Nobody has that address: no rows, no user (the page says so), not an error.
    expect(await api.deliveries({ email: `nobody-${tag}@herald.test` })).toEqual({ rows: [], nextCursor: null, user: null });
  });

  it("matches an email prefix literally (% and _ are not wildcards)", async () => {
    const w = window();
    const tag = randomUUID().slice(0, 8);
    const ann = await createUser(db, { email: `pfx${tag}.ann@herald.test` });
    const andy = await createUser(db, { email: `pfx${tag}.andy@herald.test` });
    const other = await createUser(db, { email: `pfx${tag}xann@herald.test` });
    const d1 = await delivery({ userId: ann.id, at: w.at("01-01T10:00") });
    const d2 = await delivery({ userId: andy.id, at: w.at("01-02T10:00") });
    await delivery({ userId: other.id, at: w.at("01-03T10:00") });
    const api = await adminApi();
    const ids = async (email: string) => (await api.deliveries({ email, match: "prefix" })).rows.map((r) => r.id);
    expect(await ids(`pfx${tag}.an`)).toEqual([d2.id, d1.id]);
    expect(await ids(`PFX${tag}.ann`)).toEqual([d1.id]);
    // "_" would match "." or "x" as a LIKE wildcard; here it must match nothing.
    expect(await ids(`pfx${tag}_ann`)).toEqual([]);
    expect(await ids(`pfx${tag}%`)).toEqual([]);
    expect((await api.deliveries({ email: `pfx${tag}.an`, match: "prefix" })).user).toBeNull();
  });

  it("filters by type, channel, status and UTC date range (both days inclusive), alone and combined", async () => {
    const w = window();
    const u = await createUser(db);
    const v = await createUser(db);
    const early = await delivery({ userId: u.id, at: w.at("05-09T23:59"), channel: "EMAIL", status: "SENT" });
    const firstMoment = await delivery({ userId: u.id, at: new Date(`${w.y}-05-10T00:00:00.000Z`), channel: "SMS", status: "FAILED", reason: "provider said no" });
    const mid = await delivery({ userId: u.id, at: w.at("05-15T12:00"), channel: "EMAIL", status: "SKIPPED", reason: "preference", type: "security_alert" });
    const other = await delivery({ userId: v.id, at: w.at("05-16T12:00"), channel: "EMAIL", status: "SKIPPED", reason: "preference" });
    const lastMoment = await delivery({ userId: u.id, at: new Date(`${w.y}-05-20T23:59:59.999Z`), channel: "EMAIL", status: "BOUNCED", reason: "bounce: Permanent" });
    const after = await delivery({ userId: u.id, at: new Date(`${w.y}-05-21T00:00:00.000Z`), channel: "PUSH", status: "QUEUED" });
    const api = await adminApi();
    const ids = async (f: Record<string, string>) => (await api.deliveries({ from: w.from, to: w.to, ...f })).rows.map((r) => r.id);

    expect(await ids({ from: `${w.y}-05-10`, to: `${w.y}-05-20` })).toEqual([lastMoment.id, other.id, mid.id, firstMoment.id]);
    expect(await ids({ from: `${w.y}-05-21`, to: `${w.y}-05-21` })).toEqual([after.id]);
    expect(await ids({ to: `${w.y}-05-09` })).toEqual([early.id]);
    expect(await ids({ channel: "EMAIL" })).toEqual([lastMoment.id, other.id, mid.id, early.id]);
    expect(await ids({ channel: "SMS" })).toEqual([firstMoment.id]);
    expect(await ids({ status: "SKIPPED" })).toEqual([other.id, mid.id]);
    expect(await ids({ status: "BOUNCED" })).toEqual([lastMoment.id]);
    expect(await ids({ type: "security_alert" })).toEqual([mid.id]);
    expect(await ids({ type: "welcome" })).toEqual([]);
    // Combined: every filter must hold.
    expect(await ids({ email: u.email, channel: "EMAIL", status: "SKIPPED" })).toEqual([mid.id]);
    expect(await ids({ email: u.email, channel: "EMAIL", from: `${w.y}-05-10`, to: `${w.y}-05-20` })).toEqual([lastMoment.id, mid.id]);
    expect(await ids({ email: v.email, type: "security_alert" })).toEqual([]);
    expect(await ids({ channel: "EMAIL", status: "SKIPPED", type: "new_listing" })).toEqual([other.id]);
    const failed = (await api.deliveries({ from: w.from, to: w.to, status: "FAILED" })).rows[0];
    expect(failed).toMatchObject({ reason: "provider said no", reasonText: "provider said no" });
  });

  it("keyset pages never repeat or skip a row, even with equal timestamps and rows written between pages", async () => {
    const w = window();
    const u = await createUser(db);
    const v = await createUser(db);
    const made: { id: string; at: number }[] = [];
    for (let i = 0; i < 23; i++) {
      // Groups of four share a timestamp: the id breaks the tie.
      const at = new Date(w.at("07-01T00:00").getTime() + Math.floor(i / 4) * 60_000);
      const d = await delivery({ userId: i % 3 === 0 ? v.id : u.id, at, channel: i % 2 ? "EMAIL" : "SMS" });
      made.push({ id: d.id, at: at.getTime() });
    }
    const expected = [...made].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((d) => d.id);
    const api = await adminApi();
    for (const limit of [1, 4, 5, 7, 23, 50]) {
      const { ids, sizes } = await walk(api, { from: w.from, to: w.to }, limit);
      expect(ids).toEqual(expected);
      expect(sizes.slice(0, -1).every((s) => s === limit)).toBe(true);
    }
    // A filtered walk: exactly the filtered rows, in order.
    const { ids: emailIds } = await walk(api, { from: w.from, to: w.to, channel: "EMAIL", email: u.email }, 3);
    const emailExpected = expected.filter((id) => {
      const i = made.findIndex((m) => m.id === id);
      return i % 2 === 1 && i % 3 !== 0;
    });
    expect(emailIds).toEqual(emailExpected);

    // A row written after page one (newer than everything) does not shift page two.
    const first = await api.deliveries({ from: w.from, to: w.to, limit: "5" });
    await delivery({ userId: u.id, at: w.at("12-31T23:00") });
    const second = await api.deliveries({ from: w.from, to: w.to, limit: "5", cursor: first.nextCursor! });
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(expected.slice(0, 10));
  });

  it("refuses bad filters with BAD_REQUEST and a message for people, returning no rows", async () => {
    const api = await adminApi();
    const bad: [Record<string, string>, RegExp][] = [
      [{ colour: "red" }, /Unknown filter “colour”/],
      [{ channel: "FAX" }, /Channel: one of IN_APP, EMAIL, PUSH, SMS/],
      [{ status: "sent" }, /Status: one of/],
      [{ type: "pizza" }, /Type: not a notification type/],
      [{ from: "2026-02-30" }, /From: use a date like/],
      [{ to: "yesterday" }, /To: use a date like/],
      [{ from: "2026-06-02", to: "2026-06-01" }, /“To” must be on or after “From”/],
      [{ cursor: "garbage" }, /page link is damaged/],
      [{ cursor: Buffer.from("2026-01-01T00:00:00.000Z|not-a-uuid").toString("base64url") }, /page link is damaged/],
      [{ limit: "0" }, /Page size/],
      [{ limit: "1000" }, /Page size/],
      [{ limit: "ten" }, /Page size/],
      [{ email: "not-an-address" }, /enter a full address/],
      [{ email: "not-an-address", match: "exact" }, /enter a full address/],
      [{ email: "a b", match: "prefix" }, /no spaces/],
      [{ email: "ann@herald.test", match: "fuzzy" }, /Email match/],
      [{ match: "prefix" }, /enter an email to match/],
      [{ email: "x".repeat(321), match: "prefix" }, /at most 320/],
    ];
    for (const [input, message] of bad) {
      const outcome = await api.deliveries(input as never).then(
        (data) => ({ data }),
        (err: unknown) => ({ err }),
      );
      expect("data" in outcome, JSON.stringify(input)).toBe(false);
      const err = (outcome as { err: unknown }).err;
      expect(err, JSON.stringify(input)).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code, JSON.stringify(input)).toBe("BAD_REQUEST");
      expect((err as TRPCError).message, JSON.stringify(input)).toMatch(message);
    }
    // An array where one value belongs (?channel=EMAIL&channel=SMS) is refused too.
    expect(await trpcCode(api.deliveries({ channel: ["EMAIL", "SMS"] } as never))).toBe("BAD_REQUEST");
  });

  it("is for admins only: signed out UNAUTHORIZED, everyone else FORBIDDEN", async () => {
    const w = window();
    const u = await createUser(db);
    const d = await delivery({ userId: u.id, at: w.at("02-01T10:00") });
    for (const role of ["CUSTOMER", "NGO", "BUSINESS"] as const) {
      const someone = await createUser(db, { role });
      const api = createCaller({ user: { id: someone.id, role } }).admin;
      expect(await trpcCode(api.deliveries({}))).toBe("FORBIDDEN");
      expect(await trpcCode(api.deliveries({ email: u.email }))).toBe("FORBIDDEN");
      expect(await trpcCode(api.delivery({ id: d.id }))).toBe("FORBIDDEN");
    }
    // Even their own deliveries: the log is an admin tool (users have the notification's details).
    expect(await trpcCode(createCaller({ user: { id: u.id, role: "CUSTOMER" } }).admin.delivery({ id: d.id }))).toBe("FORBIDDEN");
    const anon = createCaller({ user: null }).admin;
    expect(await trpcCode(anon.deliveries({}))).toBe("UNAUTHORIZED");
    expect(await trpcCode(anon.delivery({ id: d.id }))).toBe("UNAUTHORIZED");
  });
});

describe("a delivery's timeline", () => {
  const t = (iso: string) => new Date(`2030-06-01T${iso}Z`);
  const base = { reason: null, releaseAt: null, sentAt: null, providerMessageId: null, clickedAt: null, unsubscribedAt: null, createdAt: t("10:00:00"), updatedAt: t("10:00:00") };
  const kinds = (steps: { kind: string }[]) => steps.map((s) => s.kind);

  it("shows only what the row proves happened, in time order", () => {
    expect(kinds(deliveryTimeline({ ...base, status: "QUEUED", reason: "critical" }, null))).toEqual(["created", "queued"]);
    const held = deliveryTimeline({ ...base, status: "HELD", reason: "quiet_hours", releaseAt: t("20:00:00") }, null);
    expect(held).toEqual([
      expect.objectContaining({ kind: "created", at: t("10:00:00") }),
      expect.objectContaining({ kind: "held", at: t("10:00:00"), reason: "quiet_hours", reasonText: "the recipient's quiet hours", until: t("20:00:00") }),
    ]);
    expect(deliveryTimeline({ ...base, status: "HELD", reason: "frequency_cap" }, null)[1]).toMatchObject({ kind: "held", until: null, reasonText: "the recipient's daily limit was reached; it goes into their next digest" });
    expect(deliveryTimeline({ ...base, status: "SKIPPED", reason: "preference" }, t("11:00:00")).map((s) => [s.kind, s.reasonText])).toEqual([
      ["created", null],
      ["skipped", "the recipient turned this topic off for this channel"],
      ["read", null],
    ]);
    // Sent then delivered (the webhook's status, at updated_at), read in between: sorted by time.
    const delivered = deliveryTimeline({ ...base, status: "DELIVERED", sentAt: t("10:00:05"), providerMessageId: "re_123", updatedAt: t("10:05:00") }, t("10:01:00"));
    expect(delivered.map((s) => [s.kind, s.at])).toEqual([["created", t("10:00:00")], ["sent", t("10:00:05")], ["read", t("10:01:00")], ["delivered", t("10:05:00")]]);
    expect(delivered[1]).toMatchObject({ providerMessageId: "re_123" });
    expect(kinds(deliveryTimeline({ ...base, status: "BOUNCED", reason: "bounce: Permanent", sentAt: t("10:00:05"), updatedAt: t("10:03:00") }, null))).toEqual(["created", "sent", "bounced"]);
    expect(kinds(deliveryTimeline({ ...base, status: "COMPLAINED", sentAt: t("10:00:05"), updatedAt: t("11:00:00") }, null))).toEqual(["created", "sent", "complained"]);
    expect(deliveryTimeline({ ...base, status: "FAILED", reason: "422 invalid to", updatedAt: t("10:00:01") }, null)[1]).toMatchObject({ kind: "failed", reasonText: "422 invalid to" });
    // A tracked click and a one-click unsubscribe, when the row has them.
    const engaged = deliveryTimeline({ ...base, status: "SENT", sentAt: t("10:00:05"), clickedAt: t("12:00:00"), unsubscribedAt: t("12:05:00") }, t("11:00:00"));
    expect(engaged.map((s) => [s.kind, s.at])).toEqual([["created", t("10:00:00")], ["sent", t("10:00:05")], ["read", t("11:00:00")], ["clicked", t("12:00:00")], ["unsubscribed", t("12:05:00")]]);
    // Sent with no provider id and no webhook yet: no delivered step is invented.
    expect(kinds(deliveryTimeline({ ...base, status: "SENT", sentAt: t("10:00:05") }, null))).toEqual(["created", "sent"]);
  });

  it("gives admins one delivery with its notification, recipient and captured email; unknown ids are NOT_FOUND", async () => {
    const u = await createUser(db, { name: "Tia Timeline" });
    const d = await delivery({
      userId: u.id, at: new Date("2031-03-01T10:00:00.000Z"), type: "security_alert", status: "DELIVERED",
      sentAt: new Date("2031-03-01T10:00:02.000Z"), providerMessageId: "msg_abc", updatedAt: new Date("2031-03-01T10:01:00.000Z"), readAt: new Date("2031-03-01T12:00:00.000Z"),
    });
    await db.delivery.update({ where: { id: d.id }, data: { clickedAt: new Date("2031-03-01T12:30:00.000Z"), updatedAt: new Date("2031-03-01T10:01:00.000Z") } });
    const mail = await db.capturedEmail.create({ data: { to: u.email, from: "Herald <n@herald.local>", subject: "Security alert", html: "<p>x</p>", text: "x", idempotencyKey: `email:${d.notificationId}` } });
    const api = await adminApi();
    const out = await api.delivery({ id: d.id });
    expect(out).toMatchObject({
      id: d.id, channel: "EMAIL", status: "DELIVERED", providerMessageId: "msg_abc",
      user: { id: u.id, email: u.email, name: "Tia Timeline" },
      notification: { id: d.notificationId, type: "security_alert", typeLabel: "Security alert", category: "account" },
      capturedEmail: { id: mail.id, subject: "Security alert", to: u.email, openable: true },
    });
    expect(kinds(out.timeline)).toEqual(["created", "sent", "delivered", "read", "clicked"]);
    expect(out.clickedAt).toEqual(new Date("2031-03-01T12:30:00.000Z"));

    // No captured email for this one.
    const plain = await delivery({ userId: u.id, at: new Date("2031-03-02T10:00:00.000Z"), status: "SKIPPED", reason: "channel_off" });
    expect((await api.delivery({ id: plain.id })).capturedEmail).toBeNull();
    expect(await trpcCode(api.delivery({ id: randomUUID() }))).toBe("NOT_FOUND");
    expect(await trpcCode(api.delivery({ id: "nope" }))).toBe("BAD_REQUEST");
    await expect(deliveryDetail("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows what was captured for the delivery's own channel: the text of an SMS, the pushes of a push", async () => {
    const u = await createUser(db);
    const at = new Date("2031-04-01T10:00:00.000Z");
    const sms = await delivery({ userId: u.id, at, channel: "SMS", type: "security_alert" });
    await db.capturedSms.create({ data: { to: "+27821234567", body: "Herald: new sign-in\nReply STOP to opt out", segments: 1, idempotencyKey: `sms:${sms.notificationId}` } });
    // An email of the same notification is not this delivery's copy.
    await db.capturedEmail.create({ data: { to: u.email, from: "Herald <n@herald.local>", subject: "Security alert", html: "<p>x</p>", text: "x", idempotencyKey: `email:${sms.notificationId}` } });
    const push = await delivery({ userId: u.id, at, channel: "PUSH" });
    for (const device of ["a", "b"]) {
      await db.capturedPush.create({
        data: { userId: u.id, endpoint: `https://push.example/${device}`, payload: { title: "New at Bread & Butter", body: "Sourdough" }, ttl: 3600, urgency: "normal", idempotencyKey: `push:${push.notificationId}:${device}` },
      });
    }
    const api = await adminApi();
    const smsOut = await api.delivery({ id: sms.id });
    expect(smsOut.capturedSms).toMatchObject({ to: "+27821234567", body: "Herald: new sign-in\nReply STOP to opt out", segments: 1, openable: true });
    expect(smsOut.capturedEmail).toBeNull();
    expect(smsOut.capturedPushes).toBeNull();
    const pushOut = await api.delivery({ id: push.id });
    expect(pushOut.capturedPushes).toMatchObject({ devices: 2, title: "New at Bread & Butter", body: "Sourdough" });
    expect(pushOut.capturedSms).toBeNull();
    // Nothing captured for another push of the same user.
    const other = await delivery({ userId: u.id, at, channel: "PUSH" });
    expect((await api.delivery({ id: other.id })).capturedPushes).toBeNull();
  });
});
