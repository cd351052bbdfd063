/**
 * Two Herald instances on one database (issue 15 "Exactly-once across instances"): two embedded executors
 * claiming runs from one jobs schema and two outbox relays sending what services record, as two instances
 * started with the same DATABASE_URL run them (test/app-jobs.ts `instances: 2`). A fan-out runs once, a
 * campaign sends each email once, and each cron function starts one run per tick.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "../test/app-jobs";
import { createBusiness, createFollowers, createUser, follow } from "../prisma/factory";
import { inboxSubscriber } from "../test/pusher";
import { sample } from "../test/prometheus";
import { FakeClock } from "../server/embedded/jobs/clock";
// Types only: the modules themselves load after the executors listen (test/app-jobs.ts).
import type * as DbModule from "../server/db";
import type * as ListingsModule from "../server/services/listings/create-listing";
import type * as CampaignsModule from "../server/services/campaigns/campaigns";

const MIN = 60_000;
const clock = new FakeClock(Date.now());
let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let app: {
  db: typeof DbModule.db;
  createListing: typeof ListingsModule.createListing;
  campaigns: typeof CampaignsModule;
  exposition: () => Promise<string>;
};

beforeAll(async () => {
  jobs = await startAppJobs({ instances: 2, clock });
  const [{ db }, { createListing }, campaigns, { exposition }] = await Promise.all([
    import("../server/db"),
    import("../server/services/listings/create-listing"),
    import("../server/services/campaigns/campaigns"),
    import("../server/services/metrics/metrics"),
  ]);
  app = { db, createListing, campaigns, exposition: async () => (await exposition()).body };
});
afterAll(async () => {
  await jobs?.stop();
});

describe("two instances on one database", () => {
  it("fan out a listing once: one run per chunk and leg, one notification and one live signal per follower", async () => {
    const { db, createListing } = app;
    const { business, owner } = await createBusiness(db);
    await createFollowers(db, business.id, 12_000); // 3 chunks of ≤ 5,000
    const watcher = await createUser(db);
    await follow(db, watcher.id, business.id);
    const live = await inboxSubscriber(watcher.id);
    try {
      const since = clock.now();
      const calls0 = jobs.callsPerExecutor();
      const runs0 = await app.exposition();

      const listing = await createListing(owner.id, {
        title: "Croissants",
        description: "A dozen",
        priceCents: 3000,
        pickupStart: new Date(Date.now() + 60 * MIN),
        pickupEnd: new Date(Date.now() + 120 * MIN),
        expiresAt: new Date(Date.now() + 120 * MIN),
      });
      await jobs.executor.idle();

      expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(12_001);
      const runs = (await jobs.executor.runs()).filter((r) => r.createdAt >= since);
      const per = (suffix: string) => runs.filter((r) => r.functionId.endsWith(suffix));
      expect(per("fan-out-listing")).toHaveLength(1);
      for (const leg of ["deliver-listing-chunk", "signal-listing-chunk", "decide-listing-push", "send-listing-emails"]) {
        expect({ leg, runs: per(leg).length }).toEqual({ leg, runs: 3 });
      }
      expect(runs.every((r) => r.status === "completed" && r.retries === 0)).toBe(true);
      await expect.poll(() => live.received.length, { timeout: 5000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 200)); // a second signal would have come by now
      expect(live.received).toHaveLength(1);
      // Both instances took part.
      const calls = jobs.callsPerExecutor().map((n, i) => n - calls0[i]!);
      expect(calls.every((n) => n > 0)).toBe(true);
      // The app counted each run's end once (herald_job_runs_total, inngest/metrics-middleware.ts).
      const runs1 = await app.exposition();
      const completed = (fn: string) => {
        const series = `herald_job_runs_total{function="${fn}",status="completed"}`;
        return sample(runs1, series) - sample(runs0, series);
      };
      expect([completed("fan-out-listing"), completed("deliver-listing-chunk"), completed("signal-listing-chunk")]).toEqual([1, 3, 3]);
    } finally {
      live.close();
    }
  }, 120_000);

  it("send each campaign email once", async () => {
    const { db, campaigns } = app;
    const { business } = await createBusiness(db);
    const people = await Promise.all(Array.from({ length: 6 }, () => createUser(db)));
    for (const u of people) {
      await follow(db, u.id, business.id);
      await db.notificationSettings.create({ data: { userId: u.id, quietHoursStart: null, quietHoursEnd: null } });
    }
    const admin = await createUser(db, { role: "ADMIN" });
    const c = await campaigns.createCampaign(admin.id, {
      name: "Two instances",
      inAppTitle: "Winter food drive",
      inAppBody: "Double the pickups",
      emailSubject: "Winter food drive",
      emailBody: "Help us double the pickups.",
      channels: ["IN_APP", "EMAIL"],
      audience: { kind: "followers", businessId: business.id },
    });
    await campaigns.sendCampaignNow(admin.id, c.id);
    await jobs.executor.idle();

    expect((await campaigns.getCampaign(c.id)).status).toBe("SENT");
    const mail = await db.capturedEmail.groupBy({ by: ["to"], where: { to: { in: people.map((u) => u.email) } }, _count: true });
    expect(mail.map((m) => m._count).sort()).toEqual(people.map(() => 1));
    expect(await db.notification.count({ where: { campaignId: c.id } })).toBe(6);
  }, 60_000);

  it("start one run per cron tick, whichever instance sees it first", async () => {
    const since = clock.now();
    // To one second past each of the next three minute boundaries: both executors pass each tick.
    const firstBoundary = Math.ceil((since + 1) / MIN) * MIN;
    for (let k = 0; k < 3; k++) {
      clock.set(firstBoundary + k * MIN + 1000);
      await jobs.executor.idle();
    }
    const runs = (await jobs.executor.runs()).filter((r) => r.createdAt >= since);
    const perMinute = (suffix: string) => runs.filter((r) => r.functionId.endsWith(suffix)).length;
    expect(perMinute("release-held-deliveries")).toBe(3);
    expect(perMinute("start-scheduled-campaigns")).toBe(3);
  }, 60_000);
});
