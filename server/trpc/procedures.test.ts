/**
 * Authorization lives in procedures and services: these call the real router with a session-less,
 * customer, business and other-user context (createCaller), against the real database.
 */
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { createBusiness, createNotification, createUser } from "../../prisma/factory";
import { trpcCode as code } from "../../test/trpc";
import { createCaller } from "./root";

const as = (user: { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" } | null) => createCaller({ user });

const listing = () => ({
  title: "Bagels",
  description: "",
  priceCents: 1000,
  pickupStart: new Date(Date.now() + 3_600_000),
  pickupEnd: new Date(Date.now() + 7_200_000),
  expiresAt: new Date(Date.now() + 7_200_000),
});

describe("tRPC procedures", () => {
  it("refuse signed-out callers with UNAUTHORIZED", async () => {
    expect(await code(as(null).notifications.list({}))).toBe("UNAUTHORIZED");
    expect(await code(as(null).notifications.unreadCount())).toBe("UNAUTHORIZED");
    expect(await code(as(null).following.follow({ businessId: "00000000-0000-4000-8000-000000000000" }))).toBe("UNAUTHORIZED");
    expect(await code(as(null).listings.create(listing()))).toBe("UNAUTHORIZED");
  });

  it("refuse the composer to customers, NGOs and admins (FORBIDDEN), and create nothing", async () => {
    for (const role of ["CUSTOMER", "NGO", "ADMIN"] as const) {
      const u = await createUser(db, { role });
      expect(await code(as(u).listings.create(listing()))).toBe("FORBIDDEN");
    }
    const owner = await createUser(db, { role: "BUSINESS" }); // a business account without a business profile
    expect(await code(as(owner).listings.create(listing()))).toBe("FORBIDDEN");
  });

  it("answer NOT_FOUND for another user's notification and change nothing", async () => {
    const a = await createUser(db);
    const b = await createUser(db);
    const bs = await createNotification(db, { userId: b.id });
    expect(await code(as(a).notifications.get({ id: bs.id }))).toBe("NOT_FOUND");
    expect(await code(as(a).notifications.markRead({ ids: [bs.id] }))).toBe("NOT_FOUND");
    expect(await code(as(a).notifications.delete({ ids: [bs.id] }))).toBe("NOT_FOUND");
    expect(await code(as(a).notifications.archive({ ids: [bs.id] }))).toBe("NOT_FOUND");
    const row = await db.notification.findUniqueOrThrow({ where: { id: bs.id } });
    expect([row.readAt, row.deletedAt, row.archivedAt]).toEqual([null, null, null]);
    expect(await code(as(b).notifications.get({ id: bs.id }))).toBe("OK");
  });

  it("reject unknown fields and malformed input with BAD_REQUEST (strict schemas)", async () => {
    const u = await createUser(db);
    expect(await code(as(u).notifications.list({ filter: "all", sneaky: true } as never))).toBe("BAD_REQUEST");
    expect(await code(as(u).notifications.markRead({ ids: ["not-a-uuid"] }))).toBe("BAD_REQUEST");
    expect(await code(as(u).notifications.markRead({ ids: [] }))).toBe("BAD_REQUEST");
    expect(await code(as(u).notifications.list({ cursor: "garbage" }))).toBe("BAD_REQUEST");
    const { owner } = await createBusiness(db);
    expect(await code(as(owner).listings.create({ ...listing(), priceCents: -1 }))).toBe("BAD_REQUEST");
    expect(await code(as(owner).listings.create({ ...listing(), extra: 1 } as never))).toBe("BAD_REQUEST");
    expect(await db.listing.count({ where: { business: { ownerId: owner.id } } })).toBe(0);
  });

  it("map domain errors to tRPC codes: follow rules", async () => {
    const c = await createUser(db);
    const { business, owner } = await createBusiness(db);
    expect(await code(as(c).following.follow({ businessId: business.id }))).toBe("OK");
    expect(await code(as(c).following.follow({ businessId: business.id }))).toBe("CONFLICT");
    expect(await code(as(owner).following.follow({ businessId: business.id }))).toBe("FORBIDDEN");
    expect(await code(as(c).following.unfollow({ businessId: business.id }))).toBe("OK");
    expect(await code(as(c).following.unfollow({ businessId: business.id }))).toBe("NOT_FOUND");
  });
});

describe("tRPC over HTTP (fetch adapter)", () => {
  it("answers validation errors with field details and no stack trace", async () => {
    const { fetchRequestHandler } = await import("@trpc/server/adapters/fetch");
    const { appRouter } = await import("./root");
    const { owner } = await createBusiness(db);
    const user = { id: owner.id, role: "BUSINESS" as const };
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      createContext: async () => ({ user }),
      req: new Request("http://localhost/api/trpc/listings.create", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { ...listing(), title: "", pickupStart: listing().pickupStart.toISOString(), pickupEnd: listing().pickupEnd.toISOString(), expiresAt: listing().expiresAt.toISOString() } }),
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { json: { message: string; data: Record<string, unknown> } } };
    expect(body.error.json.data).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_ERROR" });
    expect((body.error.json.data.details as Record<string, string[]>).title?.[0]).toMatch(/at least 3/i);
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts:\d+/);
  });
});
