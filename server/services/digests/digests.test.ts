/**
 * Digests (issue 5) against the real database, with the app's Inngest functions running in the embedded
 * executor so the digest email is really rendered and captured. The service is called with the cron
 * tick's time, so every schedule below is checked at exact instants (DST included) without waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { createBusiness, createNotification, createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { translator } from "@/messages";
import { NOTIFICATION_TYPE_NAMES, NOTIFICATION_TYPES, type NotificationTypeSpec } from "@/server/services/notifications/catalog";
import type * as Digests from "./digests";

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let svc: typeof Digests;
beforeAll(async () => {
  jobs = await startAppJobs();
  svc = await import("./digests");
});
afterAll(async () => {
  await jobs?.stop();
});

const at = (iso: string) => new Date(iso);

async function subscriber(cadence: "DAILY" | "WEEKLY", timezone = "Africa/Johannesburg") {
  const user = await createUser(db, { timezone });
  await db.notificationSettings.create({ data: { userId: user.id, digestCadence: cadence } });
  return user;
}

const digestsOf = (userId: string) => db.notification.findMany({ where: { userId, type: "digest" }, orderBy: { createdAt: "asc" } });

/**
 * Runs the digest sweep at `iso` and answers how many digests `userId` got from it. (The sweep is global
 * and other test files share the database, so counts are taken per user.)
 */
async function sweep(userId: string, iso: string): Promise<number> {
  const before = (await digestsOf(userId)).length;
  await svc.sendDueDigests(at(iso));
  return (await digestsOf(userId)).length - before;
}

describe("digests", () => {
  it("a daily digest at 08:00 local, grouped by type and business, exactly once per window even when the cron fires twice", async () => {
    const user = await subscriber("DAILY"); // UTC+2
    const a = await createBusiness(db, { name: `Bakery ${Date.now()}` });
    const b = await createBusiness(db, { name: `Deli ${Date.now()}` });
    const t0 = at("2026-11-23T10:00:00Z");
    for (const [business, i] of [[a, 1], [a, 2], [b, 3]] as const) {
      await createNotification(db, { userId: user.id, type: "new_listing", category: "listings", title: `Listing ${i}`, businessId: business.business.id, createdAt: t0 });
    }
    await createNotification(db, { userId: user.id, type: "business_update", title: "New hours", businessId: a.business.id, createdAt: t0 });
    await createNotification(db, { userId: user.id, title: "Already read", readAt: t0, createdAt: t0 });

    expect(await sweep(user.id, "2026-11-24T05:59:00Z")).toBe(0); // 07:59 local
    await Promise.all([svc.sendDueDigests(at("2026-11-24T06:00:00Z")), svc.sendDueDigests(at("2026-11-24T06:00:00Z"))]);
    expect(await digestsOf(user.id)).toHaveLength(1);
    expect(await sweep(user.id, "2026-11-24T06:15:00Z")).toBe(0);
    const [digest] = await digestsOf(user.id);
    expect(digest).toMatchObject({ dedupeKey: "digest:DAILY:2026-11-24", title: "Your daily digest: 4 unread" });
    expect(digest!.archivedAt).not.toBeNull(); // a record, not an inbox item

    await jobs.executor.idle();
    const [mail, ...more] = await db.capturedEmail.findMany({ where: { to: user.email } });
    expect(more).toHaveLength(0);
    expect(mail!.text).toContain("3 new listings from 2 businesses");
    expect(mail!.text).toContain("1 business update from 1 business");
    expect(mail!.text).not.toContain("Already read");
    expect(mail!.headers).toMatchObject({ "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });

  it("the next window covers only what came after the last digest; an empty digest is never sent", async () => {
    const user = await subscriber("DAILY");
    await createNotification(db, { userId: user.id, title: "First", createdAt: at("2026-11-23T12:00:00Z") });
    expect(await sweep(user.id, "2026-11-24T06:00:00Z")).toBe(1);
    expect(await sweep(user.id, "2026-11-25T06:00:00Z")).toBe(0); // nothing new: no email
    await createNotification(db, { userId: user.id, title: "Second", createdAt: at("2026-11-25T12:00:00Z") });
    expect(await sweep(user.id, "2026-11-26T06:00:00Z")).toBe(1);
    const [, second] = await digestsOf(user.id);
    expect(second!.title).toBe("Your daily digest: 1 unread");
    // Missed ticks are made up until noon local time, never later.
    await createNotification(db, { userId: user.id, title: "Third", createdAt: at("2026-11-26T12:00:00Z") });
    expect(await sweep(user.id, "2026-11-27T10:00:00Z")).toBe(0); // 12:00 local: too late
    expect(await sweep(user.id, "2026-11-27T09:45:00Z")).toBe(1); // 11:45 local: made up
  });

  it("weekly digests go out on Monday only; users with digests off get none", async () => {
    const weekly = await subscriber("WEEKLY");
    const off = await createUser(db);
    await db.notificationSettings.create({ data: { userId: off.id, digestCadence: "OFF" } });
    for (const u of [weekly, off]) await createNotification(db, { userId: u.id, createdAt: at("2026-11-25T12:00:00Z") });
    expect(await sweep(weekly.id, "2026-11-29T06:00:00Z")).toBe(0); // Sunday 08:00 local
    expect(await sweep(weekly.id, "2026-11-30T06:00:00Z")).toBe(1); // Monday 08:00 local
    expect(await digestsOf(weekly.id)).toHaveLength(1);
    expect(await digestsOf(off.id)).toHaveLength(0);
  });

  it("follows the user's zone across a DST change (Europe/Berlin, 29 March 2026)", async () => {
    const user = await subscriber("DAILY", "Europe/Berlin");
    await createNotification(db, { userId: user.id, createdAt: at("2026-03-27T12:00:00Z") });
    expect(await sweep(user.id, "2026-03-28T06:00:00Z")).toBe(0); // 07:00 CET
    expect(await sweep(user.id, "2026-03-28T07:00:00Z")).toBe(1); // 08:00 CET
    await createNotification(db, { userId: user.id, createdAt: at("2026-03-28T12:00:00Z") });
    expect(await sweep(user.id, "2026-03-29T05:45:00Z")).toBe(0); // 07:45 CEST
    expect(await sweep(user.id, "2026-03-29T06:00:00Z")).toBe(1); // 08:00 CEST
  });

  it("includes notifications whose email was held by the daily cap, and those emails are then never sent alone", async () => {
    const user = await subscriber("DAILY");
    const n = await createNotification(db, { userId: user.id, type: "new_listing", category: "listings", title: "Held one", createdAt: at("2026-11-23T12:00:00Z") });
    await db.delivery.create({ data: { notificationId: n.id, userId: user.id, channel: "EMAIL", status: "HELD", reason: "frequency_cap" } });
    const r = await svc.sendDueDigests(at("2026-11-24T06:00:00Z"));
    expect(r.absorbed).toBeGreaterThanOrEqual(1);
    expect(await digestsOf(user.id)).toHaveLength(1);
    expect(await db.delivery.findUniqueOrThrow({ where: { notificationId_channel: { notificationId: n.id, channel: "EMAIL" } } })).toMatchObject({ status: "SKIPPED", reason: "digest" });
    await jobs.executor.idle();
  });

  it("writes the digest record in the user's language: Afrikaans daily, isiZulu weekly; English as before", async () => {
    const af = await subscriber("DAILY");
    const zu = await subscriber("WEEKLY");
    await db.user.update({ where: { id: af.id }, data: { locale: "af" } });
    await db.user.update({ where: { id: zu.id }, data: { locale: "zu" } });
    const t0 = at("2026-12-06T12:00:00Z");
    for (const i of [1, 2]) await createNotification(db, { userId: af.id, type: "new_listing", category: "listings", title: `Listing ${i}`, createdAt: t0 });
    await createNotification(db, { userId: af.id, type: "business_update", title: "New hours", createdAt: t0 });
    await createNotification(db, { userId: zu.id, type: "new_listing", category: "listings", title: "Listing", createdAt: t0 });
    await svc.sendDueDigests(at("2026-12-07T06:00:00Z")); // Monday 08:00 in Johannesburg
    expect(await digestsOf(af.id)).toMatchObject([{ title: "Jou daaglikse opsomming: 3 ongelees", body: "1 besigheidsopdatering, 2 nuwe aanbiedinge" }]);
    expect(await digestsOf(zu.id)).toMatchObject([{ title: "Isifinyezo sakho saleli sonto: isaziso esi-1 esingafundiwe", body: "okunikezwayo okusha oku-1" }]);
    await jobs.executor.idle();

    // English counts with the catalog's plural noun (lower case), and one of a kind in the singular.
    const en = translator("en");
    for (const type of NOTIFICATION_TYPE_NAMES) {
      const spec: NotificationTypeSpec = NOTIFICATION_TYPES[type];
      const plural = (spec.plural ?? `${spec.label.toLowerCase()}s`).toLowerCase();
      expect(en(`notice.digest.sections.${type}`, { count: 2 })).toBe(`2 ${plural}`);
      expect(en(`notice.digest.sections.${type}`, { count: 1 })).toBe(`1 ${plural.replace(/s$/, "")}`);
    }
    expect(en("notice.digest.sections.new_listing", { count: 1 })).toBe("1 new listing");
    expect(en("notice.digest.title", { cadence: "weekly", count: 1234 })).toBe("Your weekly digest: 1234 unread");
  });
});
