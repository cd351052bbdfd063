import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createFollowers, createListing, createUser, follow } from "../../../prisma/factory";
import { deliverListingChunk, planFanOutChunks } from "./fan-out-listing";
import { decideListingEmails, sendListingEmails } from "./send-listing-emails";
import { createCaptureTransport } from "../email/transport";
import { storeImage } from "../storage/storage";

const ALL = { afterUserId: null, throughUserId: null };

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

  it("carries the listing's photo to each notification and email, as the storage's public URL", async () => {
    const { business } = await createBusiness(db, { name: "Photo Bakery" });
    const follower = await createUser(db, { timezone: "UTC" });
    await follow(db, follower.id, business.id);
    const stored = await storeImage("listings", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]), "png");
    const listing = await createListing(db, business.id, { title: "Rye loaf" });
    await db.listing.update({ where: { id: listing.id }, data: { imageKey: stored.key } });
    await deliverListingChunk(listing.id, ALL);
    const n = await db.notification.findFirstOrThrow({ where: { userId: follower.id, dedupeKey: `listing:${listing.id}` } });
    expect(n.data).toMatchObject({ image_url: stored.url, listing_name: "Rye loaf" });
    await decideListingEmails(listing.id, ALL, new Date("2026-06-01T10:00:00Z"));
    await sendListingEmails(listing.id, ALL, { transport: createCaptureTransport(db), at: new Date("2026-06-01T10:00:00Z") });
    const mail = await db.capturedEmail.findFirstOrThrow({ where: { to: follower.email } });
    expect(mail.html).toContain(`src="${stored.url}"`);
    expect(mail.html).toContain('alt="Rye loaf"');
  });

  it("answers NOT_FOUND for a missing listing", async () => {
    await expect(deliverListingChunk("00000000-0000-4000-8000-000000000000", { afterUserId: null, throughUserId: null })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
