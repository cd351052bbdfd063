import { describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { db } from "../../db";
import { createNotification, createUser } from "../../../prisma/factory";
import { createCaller } from "../../trpc/root";

describe("delivery details", () => {
  it("show the user each channel's outcome with a reason; others' notifications are NOT_FOUND", async () => {
    const u = await createUser(db);
    const n = await createNotification(db, { userId: u.id, type: "new_listing", category: "listings" });
    await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "HELD", reason: "quiet_hours", releaseAt: new Date("2026-06-02T05:00:00Z") } });
    const api = createCaller({ user: { id: u.id, role: "CUSTOMER" } });
    const out = await api.notifications.deliveries({ id: n.id });
    expect(out.map((c) => [c.channel, c.status])).toEqual([["IN_APP", "delivered"], ["EMAIL", "held"], ["PUSH", "unavailable"], ["SMS", "unavailable"]]);
    expect(out[1]).toMatchObject({ reason: "your quiet hours", at: "2026-06-02T05:00:00.000Z" });
    const other = await createUser(db);
    await expect(createCaller({ user: { id: other.id, role: "CUSTOMER" } }).notifications.deliveries({ id: n.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("give admins a user's log; others are FORBIDDEN", async () => {
    const u = await createUser(db);
    const n = await createNotification(db, { userId: u.id, type: "new_listing", category: "listings" });
    await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "SKIPPED", reason: "preference" } });
    const admin = await createUser(db, { role: "ADMIN" });
    const log = await createCaller({ user: { id: admin.id, role: "ADMIN" } }).admin.userDeliveries({ email: u.email });
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ channel: "EMAIL", status: "SKIPPED", reasonText: "you turned this topic off for this channel" });
    const err = await createCaller({ user: { id: u.id, role: "CUSTOMER" } }).admin.userDeliveries({ email: u.email }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("FORBIDDEN");
  });
});
