import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createUser } from "../../../prisma/factory";
import { followBusiness, listFollowing, MAX_FOLLOWS, unfollowBusiness } from "./follow";

describe("following (R2.1–R2.3)", () => {
  it("follows, refuses a second follow, unfollows softly and restores the same row", async () => {
    const user = await createUser(db, { role: "NGO" });
    const { business } = await createBusiness(db);
    const first = await followBusiness(user, business.id);
    expect(first).toMatchObject({ created: true, totalFollowers: 1 });
    await expect(followBusiness(user, business.id)).rejects.toMatchObject({ code: "ALREADY_FOLLOWING", status: 409 });
    await unfollowBusiness(user.id, business.id);
    expect(await listFollowing(user.id)).toEqual([]);
    const row = await db.follow.findUniqueOrThrow({ where: { id: first.follow.id } });
    expect(row.deletedAt).not.toBeNull();
    const again = await followBusiness(user, business.id);
    expect(again.created).toBe(false);
    expect(again.follow.id).toBe(first.follow.id);
    expect((await listFollowing(user.id)).map((f) => f.business.id)).toEqual([business.id]);
    await expect(unfollowBusiness(user.id, (await createBusiness(db)).business.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("only customers and NGOs follow; unknown businesses are BUSINESS_NOT_FOUND", async () => {
    const { business } = await createBusiness(db);
    for (const role of ["BUSINESS", "ADMIN"] as const) {
      const u = await createUser(db, { role });
      await expect(followBusiness(u, business.id)).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
      expect(await db.follow.count({ where: { userId: u.id } })).toBe(0);
    }
    const c = await createUser(db);
    await expect(followBusiness(c, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "BUSINESS_NOT_FOUND" });
  });

  it(`stops at ${MAX_FOLLOWS} active follows, even when requests race`, async () => {
    const user = await createUser(db);
    const businesses = [];
    for (let i = 0; i < MAX_FOLLOWS + 2; i++) businesses.push((await createBusiness(db)).business);
    await db.follow.createMany({ data: businesses.slice(0, MAX_FOLLOWS - 1).map((b) => ({ userId: user.id, businessId: b.id })) });
    const results = await Promise.allSettled([followBusiness(user, businesses[MAX_FOLLOWS - 1]!.id), followBusiness(user, businesses[MAX_FOLLOWS]!.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "FOLLOW_LIMIT_REACHED", status: 422 });
    expect(await db.follow.count({ where: { userId: user.id, deletedAt: null } })).toBe(MAX_FOLLOWS);
  });
});

describe("live new follower (R2.3)", () => {
  it("signals business.new_follower on the business's private channel", async () => {
    const { heraldUserClient } = await import("../../../test/pusher");
    const { business, owner } = await createBusiness(db);
    const client = heraldUserClient({
      app: { key: process.env.PUSHER_KEY!, secret: process.env.PUSHER_SECRET! },
      port: Number(process.env.PUSHER_PORT),
      user: { id: owner.id, role: "BUSINESS", businessId: business.id },
    });
    try {
      const channel = client.subscribe(`private-business-${business.id}`);
      await new Promise<void>((resolve, reject) => {
        channel.bind("pusher:subscription_succeeded", () => resolve());
        channel.bind("pusher:subscription_error", reject);
      });
      const events: unknown[] = [];
      channel.bind("business.new_follower", (d: unknown) => events.push(d));
      const fan = await createUser(db, { name: "Jane Smith" });
      await followBusiness(fan, business.id);
      await expect.poll(() => events.length, { timeout: 5000 }).toBe(1);
      expect(events[0]).toEqual({ follower: { id: fan.id, name: "Jane Smith", user_type: "customer" }, total_followers: 1 });
    } finally {
      client.disconnect();
    }
  });
});
