/**
 * A second opinion on Herald's functions: Inngest's own testing library (`@inngest/test`) runs them, so
 * what they do is not only checked by Herald's embedded executor. Steps run for real against the test
 * database; the library records every step tool call and the run's result.
 */
import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "../../server/db";
import { createBusiness, createFollowers, createListing } from "../../prisma/factory";
import { FAN_OUT_CHUNK_SIZE } from "../../server/services/delivery/fan-out-listing";
import { deliverListingChunk as writeChunk } from "../../server/services/delivery/fan-out-listing";
import { fanOutListing } from "./fan-out-listing";
import { deliverListingChunk } from "./deliver-listing-chunk";
import { listingExpiring } from "./listing-expiring";
import { sendListingEmails } from "./send-listing-emails";

/**
 * `step.sendEvent` would reach Inngest Cloud from the library: its result is mocked, while the call and
 * its events are still recorded on `ctx.step.sendEvent`.
 */
const noSend = (id: string) => ({ id, handler: () => ({ ids: [] }) });

/** The data of the events a run sent with `step.sendEvent(id, events)`, for one step id. */
function sent(ctx: { step: { sendEvent: { mock: { calls: unknown[][] } } } }, id: string): { name: string; data: Record<string, unknown> }[] {
  return ctx.step.sendEvent.mock.calls.filter((c) => c[0] === id).flatMap((c) => (Array.isArray(c[1]) ? c[1] : [c[1]])) as never;
}

describe("Herald's functions under @inngest/test", () => {
  it("fan-out-listing plans one chunk per 5,000 followers and requests one run per chunk", async () => {
    const { business } = await createBusiness(db);
    await createFollowers(db, business.id, FAN_OUT_CHUNK_SIZE + 10);
    const listing = await createListing(db, business.id);
    const t = new InngestTestEngine({ function: fanOutListing });
    const { result, ctx, error } = await t.execute({
      events: [{ name: "listing/created", data: { listingId: listing.id, businessId: business.id } }],
      steps: [noSend("request-chunks")],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({ chunks: 2 });
    const requested = sent(ctx as never, "request-chunks");
    expect(requested.map((e) => e.name)).toEqual(["listing/fan-out-chunk-requested", "listing/fan-out-chunk-requested"]);
    expect(requested.every((e) => e.data.listingId === listing.id)).toBe(true);
    // The chunks cover the followers in user id order: the first has no lower bound, the last no upper one.
    expect(requested[0]!.data).toMatchObject({ afterUserId: null });
    expect(requested[1]!.data).toMatchObject({ afterUserId: requested[0]!.data.throughUserId, throughUserId: null });
  });

  it("deliver-listing-chunk writes the chunk's inbox rows once, even when run again, and requests its realtime leg", async () => {
    const { business } = await createBusiness(db);
    await createFollowers(db, business.id, 25);
    const listing = await createListing(db, business.id);
    const t = new InngestTestEngine({ function: deliverListingChunk });
    const event = { name: "listing/fan-out-chunk-requested", data: { listingId: listing.id, afterUserId: null, throughUserId: null } };
    const first = await t.execute({ events: [event], steps: [noSend("request-signals")] });
    expect(first.error).toBeUndefined();
    expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(25);
    expect(sent(first.ctx as never, "request-signals")).toEqual([
      expect.objectContaining({ name: "listing/signals-requested", data: expect.objectContaining({ listingId: listing.id }) }),
    ]);
    // A retried run (Inngest delivers at least once) adds nothing.
    const again = await t.execute({ events: [event], steps: [noSend("request-signals")] });
    expect(again.error).toBeUndefined();
    expect(await db.notification.count({ where: { dedupeKey: `listing:${listing.id}` } })).toBe(25);
  });

  it("listing-expiring sleeps until 2 h before expiry, then reminds only the followers who have not read the listing", async () => {
    const { business } = await createBusiness(db);
    await createFollowers(db, business.id, 3);
    const listing = await createListing(db, business.id); // expires in 5 h
    await writeChunk(listing.id, { afterUserId: null, throughUserId: null });
    const [read] = await db.notification.findMany({ where: { dedupeKey: `listing:${listing.id}` }, take: 1 });
    await db.notification.update({ where: { id: read!.id }, data: { readAt: new Date() } });
    const t = new InngestTestEngine({ function: listingExpiring });
    const { result, error, ctx } = await t.execute({
      events: [{ name: "listing/created", data: { listingId: listing.id, businessId: business.id } }],
      // The sleep is the library's to skip: mocked, the run goes on at once.
      steps: [{ id: "until-2h-before-expiry", handler: () => undefined }],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({ inserted: 2 });
    const until = (ctx as unknown as { step: { sleepUntil: { mock: { calls: unknown[][] } } } }).step.sleepUntil.mock.calls[0];
    expect(until?.[0]).toBe("until-2h-before-expiry");
    expect(new Date(until?.[1] as Date).getTime()).toBe(listing.expiresAt.getTime() - 2 * 3_600_000);
    const reminded = await db.notification.findMany({ where: { dedupeKey: `listing-expiring:${listing.id}` }, select: { userId: true } });
    expect(reminded.map((r) => r.userId).sort()).not.toContain(read!.userId);
    expect(reminded).toHaveLength(2);
  });

  it("listing-expiring skips a listing that expires within 2 h of being posted, without sleeping", async () => {
    const { business } = await createBusiness(db);
    const listing = await createListing(db, business.id, { hoursFromNow: -1.5 }); // expires in 30 min
    const t = new InngestTestEngine({ function: listingExpiring });
    const { result, error, ctx } = await t.execute({ events: [{ name: "listing/created", data: { listingId: listing.id, businessId: business.id } }] });
    expect(error).toBeUndefined();
    expect(result).toEqual({ skipped: true });
    expect((ctx as unknown as { step: { sleepUntil: { mock: { calls: unknown[][] } } } }).step.sleepUntil.mock.calls).toHaveLength(0);
  });

  it("send-listing-emails records a SKIPPED decision for followers with email off and sends nothing", async () => {
    const { business } = await createBusiness(db);
    await createFollowers(db, business.id, 4, { emailEnabled: false });
    const listing = await createListing(db, business.id);
    await writeChunk(listing.id, { afterUserId: null, throughUserId: null });
    const t = new InngestTestEngine({ function: sendListingEmails });
    const { result, error, ctx } = await t.execute({
      events: [{ name: "listing/emails-requested", data: { listingId: listing.id, afterUserId: null, throughUserId: null } }],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({ decided: { SKIPPED: 4 } });
    const ran = (ctx as unknown as { step: { run: { mock: { calls: unknown[][] } } } }).step.run.mock.calls.map((c) => c[0]);
    expect(ran).toEqual(["decide"]);
    const log = await db.delivery.findMany({ where: { notification: { dedupeKey: `listing:${listing.id}` }, channel: "EMAIL" }, select: { status: true } });
    expect(log.map((d) => d.status)).toEqual(["SKIPPED", "SKIPPED", "SKIPPED", "SKIPPED"]);
  });
});
