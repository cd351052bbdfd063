/**
 * The listing fan-out end to end through the embedded executor and the app's real functions:
 * createListing → `listing/created` → planned chunks → one run per chunk → bulk insert → realtime signal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "../../test/app-jobs";
import { createBusiness, createFollowers, createUser } from "../../prisma/factory";
import { inboxSubscriber } from "../../test/pusher";
// Types only: the modules themselves load after the executor listens (test/app-jobs.ts).
import type * as DbModule from "../../server/db";
import type * as ListingsModule from "../../server/services/listings/create-listing";
import type * as ClientModule from "../client";
import type * as EventsModule from "../../server/events";

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let app: {
  db: typeof DbModule.db;
  createListing: typeof ListingsModule.createListing;
  inngest: typeof ClientModule.inngest;
  listingCreated: typeof EventsModule.listingCreated;
};

beforeAll(async () => {
  jobs = await startAppJobs();
  const [{ db }, { createListing }, { inngest }, { listingCreated }] = await Promise.all([
    import("../../server/db"),
    import("../../server/services/listings/create-listing"),
    import("../client"),
    import("../../server/events"),
  ]);
  app = { db, createListing, inngest, listingCreated };
});
afterAll(async () => {
  await jobs?.stop();
});

const soon = () => ({
  title: "Croissants",
  description: "A dozen",
  priceCents: 3000,
  pickupStart: new Date(Date.now() + 3_600_000),
  pickupEnd: new Date(Date.now() + 7_200_000),
  expiresAt: new Date(Date.now() + 7_200_000),
});

describe("fan-out of a new listing (inngest/functions)", () => {
  it("notifies every follower once, in chunked runs, and signals them live", async () => {
    const { db, createListing } = app;
    const { business, owner } = await createBusiness(db);
    await createFollowers(db, business.id, 12_000); // 3 chunks of ≤ 5,000
    const watcher = await createUser(db);
    await db.follow.create({ data: { userId: watcher.id, businessId: business.id } });
    const live = await inboxSubscriber(watcher.id);
    try {
      const listing = await createListing(owner.id, soon());
      await jobs.executor.idle();
      expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(12_001);
      const runs = await jobs.executor.runs();
      const chunkRuns = runs.filter((r) => r.functionId.endsWith("deliver-listing-chunk") && r.status === "completed");
      expect(chunkRuns.length).toBeGreaterThanOrEqual(3);
      // Each chunk's realtime leg requested its email leg: everyone has an email decision.
      expect(await db.delivery.count({ where: { channel: "EMAIL", notification: { dedupeKey: `listing:${listing.id}` } } })).toBe(12_001);
      await expect.poll(() => live.received.length, { timeout: 5000 }).toBe(1);
      expect(live.received[0]).toMatchObject({ notification_type: "new_listing", data: { listing_id: listing.id } });
    } finally {
      live.close();
    }
    // Waiting for idle includes 12,001 listing emails rendered and captured: ~15 s on an idle 2-core machine,
    // more when it is busy. Speed is measured in bench/ (fan-out), not here.
  }, 120_000);

  it("is idempotent: the same listing/created event again creates nothing new", async () => {
    const { db, createListing, inngest, listingCreated } = app;
    const { business, owner } = await createBusiness(db);
    await createFollowers(db, business.id, 300);
    const listing = await createListing(owner.id, soon());
    await jobs.executor.idle();
    expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(300);
    await inngest.send(listingCreated.create({ listingId: listing.id, businessId: business.id }));
    await jobs.executor.idle();
    expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(300);
    const fanOuts = (await jobs.executor.runs()).filter((r) => r.functionId.endsWith("fan-out-listing") && r.status === "completed");
    expect(fanOuts.length).toBeGreaterThanOrEqual(2); // it really ran twice
  });
});
