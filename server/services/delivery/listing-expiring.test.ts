/**
 * `listing_expiring` (issue 5): the app's real functions in the embedded executor with a FakeClock. A
 * listing posted through the service fans out at once; 2 hours before it expires, followers who have not
 * acted on it get the reminder — not those who read it, booked it, or unfollowed.
 */
import { describe, expect, it } from "vitest";
import { appJobsWithFakeClock } from "@/test/app-jobs-fake-clock";
import { createBusiness, createUser, follow } from "@/prisma/factory";
import { db } from "@/server/db";

const HOUR = 3_600_000;
const app = appJobsWithFakeClock();

describe("listing_expiring", () => {
  it("reaches, 2 h before expiry, only followers who have not read, booked or unfollowed", async () => {
    const { createListing } = await import("../listings/create-listing");
    const { business, owner } = await createBusiness(db);
    const [reader, booker, idle, gone] = await Promise.all([1, 2, 3, 4].map(() => createUser(db)));
    for (const u of [reader!, booker!, idle!, gone!]) await follow(db, u.id, business.id);
    const expiresAt = new Date(app.clock.now() + 5 * HOUR);
    const listing = await createListing(owner.id, {
      title: "Surprise bag",
      priceCents: 4500,
      pickupStart: new Date(app.clock.now() + HOUR),
      pickupEnd: expiresAt,
      expiresAt,
    });
    await app.jobs.executor.idle();
    expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(4);

    await db.notification.updateMany({ where: { userId: reader!.id, dedupeKey: `listing:${listing.id}` }, data: { readAt: new Date() } });
    await db.pickup.create({
      data: { externalId: "bag-1", businessId: business.id, customerId: booker!.id, listingId: listing.id, scheduledAt: expiresAt, orderNumber: "B-1" },
    });
    await db.follow.update({ where: { userId_businessId: { userId: gone!.id, businessId: business.id } }, data: { deletedAt: new Date() } });

    app.clock.set(expiresAt.getTime() - 2 * HOUR - 60_000);
    await app.jobs.executor.idle();
    expect(await db.notification.count({ where: { dedupeKey: `listing-expiring:${listing.id}` } })).toBe(0);

    app.clock.set(expiresAt.getTime() - 2 * HOUR);
    await app.jobs.executor.idle();
    const reminders = await db.notification.findMany({ where: { dedupeKey: `listing-expiring:${listing.id}` } });
    expect(reminders.map((r) => r.userId)).toEqual([idle!.id]);
    expect(reminders[0]).toMatchObject({ type: "listing_expiring", businessId: business.id, actionUrl: `/listings/${listing.id}` });

    const { notifyListingExpiring } = await import("./listing-expiring");
    expect(await notifyListingExpiring(listing.id, new Date(app.clock.now()))).toEqual({ inserted: 0 }); // idempotent
    await db.listing.update({ where: { id: listing.id }, data: { status: "WITHDRAWN" } });
    await db.notification.deleteMany({ where: { dedupeKey: `listing-expiring:${listing.id}` } });
    expect(await notifyListingExpiring(listing.id, new Date(app.clock.now()))).toEqual({ inserted: 0 }); // withdrawn: nothing
  });

  it("writes the reminder in each follower's language: Afrikaans for 'af', English (as before) without a choice", async () => {
    const { createListing } = await import("../listings/create-listing");
    const { business, owner } = await createBusiness(db, { name: `Bakkery ${Date.now()}` });
    const [af, en] = await Promise.all([1, 2].map(() => createUser(db)));
    await db.user.update({ where: { id: af!.id }, data: { locale: "af" } });
    for (const u of [af!, en!]) await follow(db, u.id, business.id);
    const expiresAt = new Date(app.clock.now() + 5 * HOUR);
    const listing = await createListing(owner.id, { title: "Verrassingsak", priceCents: 3000, pickupStart: new Date(app.clock.now() + HOUR), pickupEnd: expiresAt, expiresAt });
    await app.jobs.executor.idle();
    app.clock.set(expiresAt.getTime() - 2 * HOUR);
    await app.jobs.executor.idle();
    const text = async (userId: string) =>
      db.notification.findUniqueOrThrow({ where: { userId_dedupeKey: { userId, dedupeKey: `listing-expiring:${listing.id}` } }, select: { title: true, body: true } });
    expect(await text(af!.id)).toEqual({ title: `Eindig binnekort by ${business.name}: Verrassingsak`, body: "Haal dit af voordat dit verstryk" });
    expect(await text(en!.id)).toEqual({ title: `Ending soon at ${business.name}: Verrassingsak`, body: "Collect it before it expires" });
  });
});
