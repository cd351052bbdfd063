import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createFollowers, createListing, createUser, follow } from "../../../prisma/factory";
import { deliverListingChunk, planFanOutChunks } from "./fan-out-listing";

describe("listing fan-out (set-based, idempotent)", () => {
  it("plans chunks that cover every active follower exactly once", async () => {
    const { business } = await createBusiness(db);
    await createFollowers(db, business.id, 1_234);
    const chunks = await planFanOutChunks(business.id, 500);
    expect(chunks).toHaveLength(3); // 500 + 500 + 234 (the last chunk is open-ended)
    expect(chunks[0]!.afterUserId).toBeNull();
    expect(chunks.at(-1)!.throughUserId).toBeNull();
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.afterUserId).toBe(chunks[i - 1]!.throughUserId);
  });

  it("writes one notification per follower, skips unfollowed users and the owner, and inserts nothing on a rerun", async () => {
    const { business, owner } = await createBusiness(db);
    await createFollowers(db, business.id, 1_100);
    const gone = await createUser(db);
    await db.follow.create({ data: { userId: gone.id, businessId: business.id, deletedAt: new Date() } });
    await follow(db, owner.id, business.id); // not allowed through the service, but the fan-out must still skip it
    const listing = await createListing(db, business.id, { title: "Sourdough" });
    const chunks = await planFanOutChunks(business.id, 400);
    let inserted = 0;
    for (const c of chunks) inserted += (await deliverListingChunk(listing.id, c)).inserted;
    expect(inserted).toBe(1_100);
    const rows = await db.notification.findMany({ where: { dedupeKey: `listing:${listing.id}` }, select: { userId: true, type: true, title: true, actionUrl: true } });
    expect(rows).toHaveLength(1_100);
    expect(new Set(rows.map((r) => r.userId)).size).toBe(1_100);
    expect(rows.some((r) => r.userId === gone.id || r.userId === owner.id)).toBe(false);
    expect(rows[0]).toMatchObject({ type: "new_listing", actionUrl: `/listings/${listing.id}` });
    expect(rows[0]!.title).toContain("Sourdough");
    let again = 0;
    for (const c of await planFanOutChunks(business.id, 400)) again += (await deliverListingChunk(listing.id, c)).inserted;
    expect(again).toBe(0);
    expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(1_100);
  });

  it("answers NOT_FOUND for a missing listing", async () => {
    await expect(deliverListingChunk("00000000-0000-4000-8000-000000000000", { afterUserId: null, throughUserId: null })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
