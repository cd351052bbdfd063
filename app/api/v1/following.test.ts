/** `/api/v1/follow`, `/unfollow/{id}`, `/following`, `/followers` through the real route handlers (docs/requirements.md R2, R15.6). */
import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { env } from "@/server/env";
import { createBusiness, createNotification, createUser, follow } from "@/prisma/factory";
import { MAX_FOLLOWS } from "@/server/services/following/follow";
import { engagementScore } from "@/server/services/api/following";
import { POST as followRoute } from "./follow/route";
import { DELETE as unfollowRoute } from "./unfollow/[business_id]/route";
import { GET as followingRoute } from "./following/route";
import { GET as followersRoute } from "./followers/route";
import { call, req, tokenFor, userWithToken } from "./_test/helpers";

const abs = (p: string) => new URL(p, env("app").APP_URL).toString();

describe("POST /api/v1/follow and DELETE /api/v1/unfollow/{business_id}", () => {
  it("follows (201), refuses a second follow (409), unfollows, and refollows (created: false)", async () => {
    const { user, token } = await userWithToken();
    const { business } = await createBusiness(db, { name: "Mario's Trattoria" });
    const r = await call(followRoute, req("POST", "/api/v1/follow", { token, body: { business_id: business.id } }));
    expect(r.status).toBe(201);
    const row = await db.follow.findUniqueOrThrow({ where: { userId_businessId: { userId: user.id, businessId: business.id } } });
    expect(r.body).toEqual({
      message: "Successfully followed business",
      follower_id: row.id,
      created: true,
      business: { id: business.id, name: "Mario's Trattoria", logo: abs(`/businesses/${business.slug}/logo.svg`) },
    });
    const again = await call(followRoute, req("POST", "/api/v1/follow", { token, body: { business_id: business.id } }));
    expect([again.status, again.body.error.code]).toEqual([409, "ALREADY_FOLLOWING"]);

    const un = await call(unfollowRoute, req("DELETE", `/api/v1/unfollow/${business.id}`, { token }), { business_id: business.id });
    expect([un.status, un.body]).toEqual([200, { message: "Successfully unfollowed business" }]);
    expect((await db.follow.findUniqueOrThrow({ where: { id: row.id } })).deletedAt).not.toBeNull();
    const un2 = await call(unfollowRoute, req("DELETE", `/api/v1/unfollow/${business.id}`, { token }), { business_id: business.id });
    expect([un2.status, un2.body.error.code]).toEqual([404, "NOT_FOUND"]);

    const re = await call(followRoute, req("POST", "/api/v1/follow", { token, body: { business_id: business.id } }));
    expect([re.status, re.body.created, re.body.follower_id]).toEqual([201, false, row.id]);
  });

  it("answers 404 BUSINESS_NOT_FOUND, 403 for businesses and admins, 400 for bad bodies", async () => {
    const { token } = await userWithToken();
    const missing = "00000000-0000-4000-8000-000000000000";
    const nf = await call(followRoute, req("POST", "/api/v1/follow", { token, body: { business_id: missing } }));
    expect([nf.status, nf.body.error]).toEqual([404, { code: "BUSINESS_NOT_FOUND", message: "Business profile not found", details: { business_id: missing } }]);
    const { business } = await createBusiness(db);
    for (const role of ["BUSINESS", "ADMIN"] as const) {
      const t = await userWithToken(role);
      const r = await call(followRoute, req("POST", "/api/v1/follow", { token: t.token, body: { business_id: business.id } }));
      expect([r.status, r.body.error.code]).toEqual([403, "PERMISSION_DENIED"]);
    }
    expect((await call(followRoute, req("POST", "/api/v1/follow", { token, body: { business_id: "x" } }))).status).toBe(400);
    expect((await call(followRoute, req("POST", "/api/v1/follow", { token, body: { business_id: business.id, notify: true } }))).status).toBe(400);
    expect(await db.follow.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("answers 422 FOLLOW_LIMIT_REACHED at the follow limit and creates nothing", async () => {
    const { user, token } = await userWithToken("NGO");
    // Fill the limit with businesses already in the database, creating more when there are too few.
    const ids = (await db.business.findMany({ select: { id: true }, take: MAX_FOLLOWS })).map((b) => b.id);
    while (ids.length < MAX_FOLLOWS) ids.push((await createBusiness(db)).business.id);
    await db.follow.createMany({ data: ids.map((businessId) => ({ userId: user.id, businessId })) });
    expect(await db.follow.count({ where: { userId: user.id, deletedAt: null } })).toBe(MAX_FOLLOWS);
    const { business } = await createBusiness(db);
    const r = await call(followRoute, req("POST", "/api/v1/follow", { token, body: { business_id: business.id } }));
    expect([r.status, r.body.error.code]).toEqual([422, "FOLLOW_LIMIT_REACHED"]);
    expect(await db.follow.count({ where: { userId: user.id, businessId: business.id } })).toBe(0);
  });
});

describe("GET /api/v1/following", () => {
  it("lists the caller's follows, most recent first, with the documented fields (R2.4, R15.6) and page links", async () => {
    const { user, token } = await userWithToken();
    const made = [];
    for (let i = 0; i < 3; i++) {
      const { business } = await createBusiness(db, { rating: 4.5 });
      made.push({ business, follow: await follow(db, user.id, business.id, new Date(Date.UTC(2025, 5, 10 + i))) });
    }
    await createNotification(db, { userId: user.id, businessId: made[2]!.business.id });
    await follow(db, (await createUser(db)).id, made[2]!.business.id);
    const r = await call(followingRoute, req("GET", "/api/v1/following?page_size=2", { token }));
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(3);
    expect(r.body.next).toBe(abs("/api/v1/following?page_size=2&page=2"));
    expect(r.body.previous).toBeNull();
    const top = made[2]!;
    expect(r.body.results[0]).toEqual({
      id: top.follow.id,
      business: { id: top.business.id, name: top.business.name, logo: abs(`/businesses/${top.business.slug}/logo.svg`), address: top.business.address, rating: 4.5, followers_count: 2 },
      followed_at: "2025-06-12T00:00:00.000Z",
      notification_count: 1,
    });
    const p2 = await call(followingRoute, req("GET", "/api/v1/following?page=2&page_size=2", { token }));
    expect(p2.body.results.map((x: { id: string }) => x.id)).toEqual([made[0]!.follow.id]);
    expect(p2.body.next).toBeNull();
    expect(p2.body.previous).toBe(abs("/api/v1/following?page=1&page_size=2"));
    expect((await call(followingRoute, req("GET", "/api/v1/following?user_type=ngo", { token }))).status).toBe(400);
  });
});

describe("GET /api/v1/followers", () => {
  it("lists the business's followers with user_type filter and a 30-day read-rate engagement score", async () => {
    const { business, owner } = await createBusiness(db);
    const token = await tokenFor(owner.id);
    const jane = await createUser(db, { name: "Jane Smith" });
    const ngo = await createUser(db, { role: "NGO", name: "Food Bank" });
    await follow(db, jane.id, business.id, new Date(Date.UTC(2025, 5, 15)));
    const ngoFollow = await follow(db, ngo.id, business.id, new Date(Date.UTC(2025, 5, 16)));
    const gone = await follow(db, (await createUser(db)).id, business.id);
    await db.follow.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    // Jane: 4 of this business's notifications in 30 days, 3 read; an older and another business's one don't count.
    for (const readAt of [new Date(), new Date(), new Date(), null]) await createNotification(db, { userId: jane.id, businessId: business.id, readAt });
    await createNotification(db, { userId: jane.id, businessId: business.id, createdAt: new Date(Date.now() - 40 * 86_400_000) });
    await createNotification(db, { userId: jane.id, businessId: (await createBusiness(db)).business.id, readAt: new Date() });

    const r = await call(followersRoute, req("GET", "/api/v1/followers", { token }));
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(2);
    expect(r.body.results[0]).toEqual({ id: ngoFollow.id, user: { id: ngo.id, name: "Food Bank", user_type: "ngo", profile_image: null }, followed_at: "2025-06-16T00:00:00.000Z", engagement_score: 0 });
    expect(r.body.results[1]).toMatchObject({ user: { id: jane.id, name: "Jane Smith", user_type: "customer" }, engagement_score: 7.5 });

    const customers = await call(followersRoute, req("GET", "/api/v1/followers?user_type=customer&page_size=1", { token }));
    expect(customers.body.count).toBe(1);
    expect(customers.body.results.map((x: { user: { id: string } }) => x.user.id)).toEqual([jane.id]);
    expect(customers.body.next).toBeNull();
    const paged = await call(followersRoute, req("GET", "/api/v1/followers?page_size=1", { token }));
    expect(paged.body.next).toBe(abs("/api/v1/followers?page_size=1&page=2"));
    expect((await call(followersRoute, req("GET", "/api/v1/followers?user_type=admin", { token }))).status).toBe(400);
  });

  it("answers 403 for customers, NGOs and admins", async () => {
    for (const role of ["CUSTOMER", "NGO", "ADMIN"] as const) {
      const { token } = await userWithToken(role);
      const r = await call(followersRoute, req("GET", "/api/v1/followers", { token }));
      expect([r.status, r.body.error.code], role).toEqual([403, "PERMISSION_DENIED"]);
    }
  });

  it("engagement score is 10 × read ÷ received, one decimal", () => {
    expect([engagementScore(0, 0), engagementScore(3, 4), engagementScore(1, 3), engagementScore(5, 5)]).toEqual([0, 7.5, 3.3, 10]);
  });
});
