import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createListing, createNotification, createUser } from "../../../prisma/factory";
import { businessOverview, listFollowers, listingStats } from "./dashboard";

describe("business dashboard", () => {
  it("pages followers newest first, filters by role and searches by name", async () => {
    const { business, owner } = await createBusiness(db);
    const base = Date.parse("2026-05-01T00:00:00Z");
    const people = [];
    for (let i = 0; i < 7; i++) {
      const u = await createUser(db, { role: i % 3 === 0 ? "NGO" : "CUSTOMER", name: i === 4 ? "Zanele Khumalo" : `Person ${i}` });
      await db.follow.create({ data: { userId: u.id, businessId: business.id, createdAt: new Date(base + i * 60_000) } });
      people.push(u);
    }
    await db.follow.updateMany({ where: { userId: people[6]!.id }, data: { deletedAt: new Date() } }); // unfollowed
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listFollowers>> = await listFollowers(owner.id, { cursor, limit: 4 });
      seen.push(...page.items.map((i) => i.userId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(people.slice(0, 6).reverse().map((p) => p.id));
    expect((await listFollowers(owner.id, { role: "NGO" })).items.map((i) => i.userId)).toEqual([people[3]!.id, people[0]!.id]);
    expect((await listFollowers(owner.id, { query: "zan" })).items.map((i) => i.name)).toEqual(["Zanele Khumalo"]);
    await expect(listFollowers((await createUser(db)).id)).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
  });

  it("computes the 30-day engagement (read ÷ received) and per-post stats", async () => {
    const { business, owner } = await createBusiness(db);
    const now = new Date("2026-06-30T12:00:00Z");
    const listing = await createListing(db, business.id, { title: "Bagels" });
    const readers = [];
    for (let i = 0; i < 4; i++) {
      const u = await createUser(db);
      const n = await createNotification(db, {
        userId: u.id, type: "new_listing", category: "listings", businessId: business.id, dedupeKey: `listing:${listing.id}`,
        createdAt: new Date("2026-06-29T12:00:00Z"), readAt: i < 3 ? new Date("2026-06-29T13:00:00Z") : null,
      });
      if (i < 2) await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: i === 0 ? "SENT" : "DELIVERED" } });
      readers.push(u);
    }
    // Older than 30 days: not counted in engagement.
    await createNotification(db, { userId: readers[0]!.id, businessId: business.id, createdAt: new Date("2026-05-01T00:00:00Z") });
    const o = await businessOverview(owner.id, now);
    expect(o.engagement).toEqual({ received: 4, read: 3, rate: 0.75 });
    expect(await listingStats(owner.id)).toEqual([
      {
        listingId: listing.id, title: "Bagels", createdAt: listing.createdAt.toISOString(), recipients: 4, read: 3, readRate: 3 / 4,
        emailed: 2, sent: 2, delivered: 1, deliveryRate: 1 / 2, clicked: 0, clickThroughRate: 0, unsubscribes: 0, unsubscribeRate: 0,
      },
    ]);
  });

  it("gives each post the admin analytics' email metrics: delivery rate, CTR and unsubscribes", async () => {
    const { business, owner } = await createBusiness(db);
    const other = await createBusiness(db);
    const at = new Date("2026-06-29T12:00:00Z");
    const bagels = await createListing(db, business.id, { title: "Bagels", createdAt: new Date("2026-06-29T10:00:00Z") });
    const quiet = await createListing(db, business.id, { title: "Quiet post", createdAt: new Date("2026-06-29T11:00:00Z") });
    const outcomes = [
      { status: "DELIVERED", clicked: true },
      { status: "DELIVERED", clicked: true, unsubscribed: true },
      { status: "DELIVERED" },
      { status: "COMPLAINED", unsubscribed: true },
      { status: "BOUNCED" },
      { status: "SENT", clicked: true },
      { status: "HELD" }, // not sent: in no email count
      { status: "FAILED", clicked: true },
      { status: null }, // in-app only
    ] as const;
    for (const o of outcomes) {
      const u = await createUser(db);
      const n = await createNotification(db, { userId: u.id, type: "new_listing", category: "listings", businessId: business.id, dedupeKey: `listing:${bagels.id}`, createdAt: at });
      if (o.status) {
        await db.delivery.create({
          data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: o.status, clickedAt: "clicked" in o ? at : null, unsubscribedAt: "unsubscribed" in o ? at : null },
        });
      }
    }
    // Another business's notification with the same dedupe key is not this post's.
    const stranger = await createUser(db);
    const foreign = await createNotification(db, { userId: stranger.id, businessId: other.business.id, dedupeKey: `listing:${bagels.id}`, createdAt: at });
    await db.delivery.create({ data: { notificationId: foreign.id, userId: stranger.id, channel: "EMAIL", status: "DELIVERED", clickedAt: at } });

    const [q, b] = await listingStats(owner.id);
    expect(q).toMatchObject({ listingId: quiet.id, recipients: 0, sent: 0, deliveryRate: null, clickThroughRate: null, unsubscribes: 0, unsubscribeRate: null, readRate: null });
    expect(b).toMatchObject({
      listingId: bagels.id,
      recipients: 9,
      sent: 6, // 3 DELIVERED + COMPLAINED + BOUNCED + SENT
      emailed: 6,
      delivered: 4, // 3 DELIVERED + COMPLAINED
      deliveryRate: 4 / 6,
      clicked: 3,
      clickThroughRate: 3 / 6,
      unsubscribes: 2,
      unsubscribeRate: 2 / 6,
    });
  });
});

describe("business directory", () => {
  it("pages by name with a keyset cursor and searches name or address", async () => {
    const { listBusinesses } = await import("./businesses");
    const tag = `Dirtest ${Date.now()}`;
    for (const n of ["C", "A", "B", "E", "D"]) await createBusiness(db, { name: `${tag} ${n}`, address: n === "E" ? "9 Unique Lane" : "1 Main Road" });
    const names: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listBusinesses>> = await listBusinesses({ query: tag, limit: 2, after });
      names.push(...page.items.map((b) => b.name));
      after = page.next;
    } while (after);
    expect(names).toEqual(["A", "B", "C", "D", "E"].map((n) => `${tag} ${n}`));
    expect((await listBusinesses({ query: "unique lane" })).items.map((b) => b.name)).toContain(`${tag} E`);
    await expect(listBusinesses({ after: "garbage" })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });
});
