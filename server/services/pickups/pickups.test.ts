/**
 * Pickups and their reminders (docs/requirements.md R12; issue 5) against the real database and the app's real
 * Inngest functions in the embedded executor, with a FakeClock: the test moves time through the 24 h,
 * 1 h and +30 min marks instead of waiting. Email goes to the capture transport (captured_emails).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { FakeClock } from "@/server/embedded/jobs/clock";
import { createBusiness, createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import type * as Pickups from "./pickups";

const HOUR = 3_600_000;
let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let clock: FakeClock;
let svc: typeof Pickups;

beforeAll(async () => {
  clock = new FakeClock(Date.now());
  jobs = await startAppJobs({ clock });
  svc = await import("./pickups");
});
afterAll(async () => {
  await jobs?.stop();
});

/** The test's "now": the FakeClock's time, passed to the services as their current time. */
const now = () => new Date(clock.now());

/** Moves the executor's clock to `ms` and waits until every run due by then has finished. */
async function moveTo(ms: number) {
  clock.set(ms);
  await jobs.executor.idle();
}

async function parties() {
  const { business, owner } = await createBusiness(db);
  // Quiet hours off, so the non-critical emails are decided on preferences alone wherever the clock is.
  const customer = await createUser(db, { name: "Thandi Customer" });
  await db.notificationSettings.create({ data: { userId: customer.id, quietHoursStart: null, quietHoursEnd: null } });
  return { business, owner, customer };
}

const types = async (userId: string) =>
  (await db.notification.findMany({ where: { userId }, orderBy: { createdAt: "asc" }, select: { type: true, title: true, dedupeKey: true } })).map((n) => n.dedupeKey.replace(/^pickup:[0-9a-f-]+:/, ""));

async function emailsTo(email: string) {
  return db.capturedEmail.findMany({ where: { to: email }, orderBy: { createdAt: "asc" }, select: { subject: true } });
}

describe("pickup reminders", () => {
  it("a pickup 25 h ahead: booking confirmation, the 24 h email, the 1 h in-app reminder, then 'missed' to both sides", async () => {
    const { business, owner, customer } = await parties();
    const due = clock.now() + 25 * HOUR;
    const { pickup, outcome } = await svc.schedulePickup(
      { externalId: "ord-1", businessId: business.id, customerId: customer.id, scheduledAt: new Date(due), orderNumber: "SNB-1", confirmationCode: "K7Q2" },
      { kind: "booking" },
    );
    expect(outcome).toBe("scheduled");
    await jobs.executor.idle();
    expect(await types(customer.id)).toEqual(["booked"]);
    expect(await types(owner.id)).toEqual(["booked"]);
    expect((await emailsTo(customer.email)).map((e) => e.subject)).toEqual([expect.stringContaining(`Booking confirmed: ${business.name}`)]);

    await moveTo(due - 24 * HOUR - 60_000);
    expect(await types(customer.id)).toEqual(["booked"]); // not yet

    await moveTo(due - 24 * HOUR);
    expect(await types(customer.id)).toEqual(["booked", "v1:reminder-24h"]);
    const mails = await emailsTo(customer.email);
    expect(mails.at(-1)!.subject).toBe(`Pickup reminder: order SNB-1 at ${business.name}`);

    await moveTo(due - HOUR);
    expect(await types(customer.id)).toEqual(["booked", "v1:reminder-24h", "v1:reminder-1h"]);
    expect(await emailsTo(customer.email)).toHaveLength(2); // the 1 h reminder is in-app only

    await moveTo(due + 30 * 60_000);
    expect(await types(customer.id)).toEqual(["booked", "v1:reminder-24h", "v1:reminder-1h", "missed"]);
    expect(await types(owner.id)).toEqual(["booked", "missed"]);
    expect((await db.pickup.findUniqueOrThrow({ where: { id: pickup.id } })).status).toBe("MISSED");
    expect((await emailsTo(customer.email)).at(-1)!.subject).toBe(`Missed pickup: order SNB-1 at ${business.name}`);
  });

  it("rescheduling moves every pending reminder: nothing at the old times, everything at the new ones", async () => {
    const { business, customer } = await parties();
    const first = clock.now() + 30 * HOUR;
    const second = first + 48 * HOUR;
    await svc.schedulePickup({ externalId: "ord-2", businessId: business.id, customerId: customer.id, scheduledAt: new Date(first) }, { kind: "booking", at: now() });
    await jobs.executor.idle();
    const moved = await svc.reschedulePickup(business.id, "ord-2", new Date(second), now());
    expect(moved.version).toBe(2);
    await moveTo(first + HOUR); // past every reminder of the old time
    expect(await types(customer.id)).toEqual(["booked", "v2:rescheduled"]);
    await moveTo(second - 24 * HOUR);
    expect(await types(customer.id)).toEqual(["booked", "v2:rescheduled", "v2:reminder-24h"]);
    // The first version's run was cancelled by the reschedule (cancelOn), not left sleeping. (The test before
    // this one ends its runs normally, so this is the file's first cancelled run.)
    const runs = await jobs.executor.runs({ functionId: "herald-pickup-reminders" });
    expect(runs.filter((r) => r.status === "cancelled")).toHaveLength(1);
  });

  it("cancelling stops the reminders and tells both sides; completing prevents 'missed'", async () => {
    const { business, owner, customer } = await parties();
    const due = clock.now() + 26 * HOUR;
    await svc.schedulePickup({ externalId: "ord-3", businessId: business.id, customerId: customer.id, scheduledAt: new Date(due) }, { kind: "booking", at: now() });
    await svc.schedulePickup({ externalId: "ord-4", businessId: business.id, customerId: customer.id, scheduledAt: new Date(due) }, { kind: "order", at: now() });
    await jobs.executor.idle();
    await svc.cancelPickup(business.id, "ord-3", { cancelledBy: "business", reason: "Oven broke down" });
    await svc.completePickup(business.id, "ord-4");
    await expect(svc.completePickup(business.id, "ord-3")).rejects.toMatchObject({ code: "CONFLICT" });
    await moveTo(due + HOUR);
    const mine = await db.notification.findMany({ where: { userId: customer.id }, select: { dedupeKey: true } });
    const keys = mine.map((n) => n.dedupeKey.split(":").slice(2).join(":")).sort();
    expect(keys).toEqual(["booked", "cancelled", "completed", "confirmed"]);
    expect(await types(owner.id)).toEqual(expect.arrayContaining(["cancelled"]));
    expect((await emailsTo(customer.email)).map((e) => e.subject)).toContain(`Booking cancelled: ord-3 at ${business.name}`);
  });

  it("a pickup 3 h ahead gets no 24 h email, only the 1 h reminder", async () => {
    const { business, customer } = await parties();
    const due = clock.now() + 3 * HOUR;
    await svc.schedulePickup({ externalId: "ord-5", businessId: business.id, customerId: customer.id, scheduledAt: new Date(due) }, { kind: "booking", at: now() });
    await moveTo(due - HOUR);
    expect(await types(customer.id)).toEqual(["booked", "v1:reminder-1h"]);
    await svc.completePickup(business.id, "ord-5");
    await moveTo(due + HOUR);
    expect(await types(customer.id)).toEqual(["booked", "v1:reminder-1h", "completed"]);
  });

  it("a reschedule racing a cancel: one wins, and no reminder follows a cancellation", async () => {
    const { business, customer } = await parties();
    const due = clock.now() + 40 * HOUR;
    await svc.schedulePickup({ externalId: "ord-6", businessId: business.id, customerId: customer.id, scheduledAt: new Date(due) }, { kind: "booking", at: now() });
    const results = await Promise.allSettled([
      svc.reschedulePickup(business.id, "ord-6", new Date(due + 5 * HOUR), now()),
      svc.cancelPickup(business.id, "ord-6", { cancelledBy: "customer" }),
    ]);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    const p = await db.pickup.findUniqueOrThrow({ where: { businessId_externalId: { businessId: business.id, externalId: "ord-6" } } });
    if (p.status === "SCHEDULED") await svc.cancelPickup(business.id, "ord-6", { cancelledBy: "customer" });
    await moveTo(due + 6 * HOUR);
    const keys = await types(customer.id);
    expect(keys.filter((k) => k.includes("reminder") || k === "missed")).toEqual([]);
    expect(keys).toContain("cancelled");
  });

  it("refuses bad pickups with clear errors and changes nothing", async () => {
    const { business, customer } = await parties();
    const other = await createBusiness(db);
    const base = { externalId: "ord-7", businessId: business.id, customerId: customer.id, scheduledAt: new Date(clock.now() + HOUR) };
    await expect(svc.schedulePickup({ ...base, scheduledAt: new Date(clock.now() - HOUR) }, { kind: "booking", at: now() })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(svc.schedulePickup({ ...base, scheduledAt: new Date(clock.now() + 91 * 24 * HOUR) }, { kind: "booking", at: now() })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(svc.schedulePickup({ ...base, customerId: other.owner.id }, { kind: "booking", at: now() })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(svc.schedulePickup({ ...base, businessId: crypto.randomUUID() }, { kind: "booking", at: now() })).rejects.toMatchObject({ code: "BUSINESS_NOT_FOUND" });
    await expect(svc.confirmPickup(business.id, "nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.pickup.count({ where: { businessId: business.id } })).toBe(0);
    expect(await db.notification.count({ where: { userId: customer.id } })).toBe(0);
    // The same report twice is one pickup and one set of notices.
    await svc.schedulePickup(base, { kind: "booking", at: now() });
    expect((await svc.schedulePickup(base, { kind: "booking", at: now() })).outcome).toBe("unchanged");
    expect(await db.notification.count({ where: { userId: customer.id } })).toBe(1);
  });

  it("the 24 h reminder is critical and ignores quiet hours; the 'missed' email respects them", async () => {
    const { business } = await createBusiness(db);
    const customer = await createUser(db, { timezone: "Africa/Johannesburg" }); // default quiet hours 22:00–07:00
    const night = new Date("2026-12-01T21:30:00Z"); // 23:30 in Johannesburg
    const { pickup } = await svc.schedulePickup(
      { externalId: "ord-8", businessId: business.id, customerId: customer.id, scheduledAt: new Date("2026-12-02T21:30:00Z") },
      { kind: "booking", at: new Date("2026-11-30T10:00:00Z") },
    );
    await svc.sendPickupReminder(pickup.id, 1, "24h", night);
    await svc.markPickupMissed(pickup.id, 1, night);
    await jobs.executor.idle();
    const decisions = await db.delivery.findMany({ where: { userId: customer.id, channel: "EMAIL" }, include: { notification: { select: { type: true } } } });
    const byType = Object.fromEntries(decisions.map((d) => [d.notification.type, [d.status, d.reason]]));
    expect(byType.pickup_reminder).toEqual(["SENT", null]); // decided "critical", then sent by send-notification-emails
    expect(byType.pickup_missed).toEqual(["HELD", "quiet_hours"]);
  });

  it("writes each recipient's notices in their language: isiZulu, Afrikaans, else English (byte for byte as before)", async () => {
    const { business, owner } = await createBusiness(db);
    const [zu, af, en] = await Promise.all(["Zanele", "Anika", "Emma"].map((name) => createUser(db, { name, timezone: "Africa/Johannesburg" })));
    await db.user.update({ where: { id: zu!.id }, data: { locale: "zu" } });
    await db.user.update({ where: { id: af!.id }, data: { locale: "af" } });
    await db.user.update({ where: { id: owner.id }, data: { locale: "af" } });
    const due = new Date(clock.now() + 30 * HOUR);
    for (const [u, id] of [[zu!, "loc-zu"], [af!, "loc-af"], [en!, "loc-en"]] as const) {
      await svc.schedulePickup({ externalId: id, businessId: business.id, customerId: u.id, scheduledAt: due, orderNumber: `N-${id}` }, { kind: "booking", at: now() });
    }
    const notice = async (userId: string) => db.notification.findFirstOrThrow({ where: { userId, type: "booking_confirmed" }, select: { title: true, body: true } });
    const enTime = new Intl.DateTimeFormat("en-GB", { timeZone: "Africa/Johannesburg", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(due);
    expect(await notice(en!.id)).toEqual({ title: `Booking confirmed at ${business.name}`, body: `Pickup ${enTime} · N-loc-en` });
    expect(await notice(af!.id)).toEqual({ title: `Bespreking bevestig by ${business.name}`, body: `Afhaling ${svc.localTime(due, "Africa/Johannesburg", "af")} · N-loc-af` });
    expect(await notice(zu!.id)).toEqual({ title: `Ukubhuka kuqinisekisiwe ku-${business.name}`, body: `Ukulanda ${svc.localTime(due, "Africa/Johannesburg", "zu")} · N-loc-zu` });
    expect(svc.localTime(due, "Africa/Johannesburg", "af")).not.toBe(enTime); // the date itself is in the reader's language
    // The business's owner reads Afrikaans whoever the customer is.
    const owners = await db.notification.findMany({ where: { userId: owner.id }, select: { title: true }, orderBy: { createdAt: "asc" } });
    expect(owners.map((n) => n.title)).toEqual(["Nuwe afhaling: Zanele", "Nuwe afhaling: Anika", "Nuwe afhaling: Emma"]);

    // A cancellation with a reason: the host's words stay as they are, the rest is translated.
    await svc.cancelPickup(business.id, "loc-zu", { cancelledBy: "business", reason: "Oven broke down" });
    const cancelled = await db.notification.findFirstOrThrow({ where: { userId: zu!.id, type: "booking_cancelled" }, select: { title: true, body: true } });
    expect(cancelled).toEqual({
      title: `Ukulanda kukhanseliwe: ${business.name}`,
      body: `I-oda N-loc-zu, ${svc.localTime(due, "Africa/Johannesburg", "zu")} · Oven broke down`,
    });
    await jobs.executor.idle();
  });
});
