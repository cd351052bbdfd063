/**
 * The transactional outbox and its relay (issue 12 "Nothing lost") against the real database, the app's
 * real Inngest functions in the embedded executor, and a proxy in front of the executor's event API that
 * fails on purpose (test/fault-proxy.ts): the engine down, stuck, or losing its answer. In every case the
 * write answers without waiting, and each follower is notified exactly once when the engine is back.
 * The kill -9 version of these faults, with real processes: bench/outbox-faults.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { startFaultProxy, type FaultProxy } from "@/test/fault-proxy";
import { createBusiness, createFollowers } from "@/prisma/factory";
import type * as Db from "@/server/db";
import type * as Listings from "@/server/services/listings/create-listing";
import type * as Outbox from "./outbox";
import type * as Relay from "./relay";
import type * as Events from "@/server/events";
import type * as Notify from "@/server/services/delivery/notify";

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let proxy: FaultProxy;
let app: {
  db: typeof Db.db;
  createListing: typeof Listings.createListing;
  outbox: typeof Outbox;
  relay: typeof Relay;
  events: typeof Events;
  notify: typeof Notify;
};

beforeAll(async () => {
  jobs = await startAppJobs({
    eventApi: async (executorUrl) => {
      proxy = await startFaultProxy(executorUrl);
      return proxy.url;
    },
    // Short enough for a test (a stuck engine counts as failed after 2 s), long enough that a healthy send on a
    // loaded CI machine is never cut: at 300 ms every send timed out there and the fan-outs never started.
    relay: { sendTimeoutMs: 2000, leaseMs: 4000 },
  });
  const [{ db }, { createListing }, outbox, relay, events, notify] = await Promise.all([
    import("@/server/db"),
    import("@/server/services/listings/create-listing"),
    import("./outbox"),
    import("./relay"),
    import("@/server/events"),
    import("@/server/services/delivery/notify"),
  ]);
  app = { db, createListing, outbox, relay, events, notify };
});
afterAll(async () => {
  await jobs?.stop();
  await proxy?.close();
});
beforeEach(() => {
  proxy.mode = "up";
});

const listing = () => ({
  title: "Outbox loaves",
  priceCents: 2500,
  pickupStart: new Date(Date.now() + 3_600_000),
  pickupEnd: new Date(Date.now() + 7_200_000),
  expiresAt: new Date(Date.now() + 7_200_000),
});

async function postingBusiness(followers: number) {
  const { business, owner } = await createBusiness(app.db);
  await createFollowers(app.db, business.id, followers);
  return { business, owner };
}

const notified = (listingId: string) => app.db.notification.count({ where: { dedupeKey: `listing:${listingId}` } });
const eventRow = (listingId: string) =>
  app.db.outboxEvent.findFirstOrThrow({ where: { name: "listing/created", data: { path: ["listingId"], equals: listingId } } });

/** Waits until `check` holds (polling every 25 ms), at most `ms`. */
async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("withEvents", () => {
  it("writes the events with the domain write, and neither when the transaction fails", async () => {
    const { business } = await postingBusiness(0);
    const before = await app.db.outboxEvent.count();
    await expect(
      app.outbox.withEvents(async (tx, emit) => {
        const l = await tx.listing.create({ data: { ...listing(), businessId: business.id } });
        await emit(app.events.listingCreated.create({ listingId: l.id, businessId: business.id }));
        throw new Error("the write fails after the event was recorded");
      }),
    ).rejects.toThrow("the write fails");
    expect(await app.db.outboxEvent.count()).toBe(before);
    expect(await app.db.listing.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("refuses an event whose data does not fit its type, writing nothing", async () => {
    const before = await app.db.outboxEvent.count();
    await expect(app.outbox.withEvents((_tx, emit) => emit(app.events.listingCreated.create({ listingId: "nope", businessId: "nope" } as never)))).rejects.toThrow();
    expect(await app.db.outboxEvent.count()).toBe(before);
  });
});

describe("notifyUsers", () => {
  it("records 501 queued emails as two send requests (an event carries at most 500 ids), with the notices", async () => {
    const { business } = await postingBusiness(501);
    const users = await app.db.follow.findMany({ where: { businessId: business.id }, select: { userId: true } });
    // Quiet hours off, so every email is queued now whatever the time of day.
    await app.db.notificationSettings.createMany({ data: users.map((u) => ({ userId: u.userId, quietHoursStart: null, quietHoursEnd: null })) });
    const key = `outbox-welcome-${business.id}`;
    const result = await app.notify.notifyUsers(
      users.map((u) => ({ userId: u.userId, type: "welcome" as const, title: "Welcome", dedupeKey: key, email: { role: "CUSTOMER", getStartedUrl: "/businesses" } })),
    );
    expect(result.email.QUEUED).toBe(501);
    const ids = new Set(result.created.map((c) => c.id));
    const requests = (await app.db.outboxEvent.findMany({ where: { name: "notifications/emails-requested" }, select: { data: true } }))
      .map((e) => (e.data as { notificationIds: string[] }).notificationIds)
      .filter((batch) => batch.some((id) => ids.has(id)));
    expect(requests.map((b) => b.length).sort((a, b) => a - b)).toEqual([1, 500]);
    await jobs.executor.idle();
    expect(await app.db.delivery.count({ where: { notificationId: { in: [...ids] }, channel: "EMAIL", status: "SENT" } })).toBe(501);
  });
});

describe("the job engine is down, stuck, or loses its answer", () => {
  it("down: posting answers at once with the listing queued; the fan-out runs once when the engine is back", async () => {
    const { owner, business } = await postingBusiness(40);
    proxy.mode = "down";
    const l = await app.createListing(owner.id, listing());
    expect(l.businessId).toBe(business.id);
    const row = await eventRow(l.id);
    expect(row.sentAt).toBeNull(); // queued with the listing, not sent inline

    await until(async () => (await eventRow(l.id)).lastError !== null); // the relay tried and failed…
    expect(proxy.seen.down).toBeGreaterThan(0);
    expect((await eventRow(l.id)).availableAt.getTime()).toBeGreaterThan(Date.now()); // …and backs off
    expect(await notified(l.id)).toBe(0);

    proxy.mode = "up";
    await jobs.executor.idle();
    expect((await eventRow(l.id)).sentAt).not.toBeNull();
    expect(await notified(l.id)).toBe(40);
  });

  it("stuck: a send that gets no answer is cut, retried, and starts one fan-out", async () => {
    const { owner } = await postingBusiness(25);
    proxy.mode = "hang";
    const l = await app.createListing(owner.id, listing());
    await until(async () => /no answer/.test((await eventRow(l.id)).lastError ?? ""));
    proxy.mode = "up";
    await jobs.executor.idle();
    expect(await notified(l.id)).toBe(25);
  });

  it("lost answer: the engine took the event but the relay never heard; the resend (same event id) starts no second fan-out", async () => {
    const { owner } = await postingBusiness(30);
    const runsBefore = (await jobs.executor.runs({ functionId: "herald-fan-out-listing" })).length;
    proxy.mode = "drop-answer";
    const l = await app.createListing(owner.id, listing());
    await until(async () => (await eventRow(l.id)).lastError !== null);
    expect(proxy.seen["drop-answer"]).toBeGreaterThan(0);
    proxy.mode = "up";
    await jobs.executor.idle();
    const row = await eventRow(l.id);
    expect(row.sentAt).not.toBeNull();
    expect(row.attempts).toBeGreaterThanOrEqual(2); // sent at least twice…
    const runs = (await jobs.executor.runs({ functionId: "herald-fan-out-listing" })).length - runsBefore;
    expect(runs).toBe(1); // …and fanned out once
    expect(await notified(l.id)).toBe(30);
  });
});

describe("outboxBackoffMs", () => {
  it("doubles from 1 s to at most 60 s, with jitter between half and all of it", () => {
    for (const [attempts, ceiling] of [[1, 1000], [2, 2000], [3, 4000], [7, 60_000], [30, 60_000]] as const) {
      const d = app.relay.outboxBackoffMs(attempts);
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
  });
});
