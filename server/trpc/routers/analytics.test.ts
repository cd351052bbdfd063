/**
 * The analytics router (issue 6) through createCaller against the real database: admins only (signed out
 * UNAUTHORIZED, every other role FORBIDDEN), strict inputs, ranges checked, the services' numbers passed
 * through unchanged.
 */
import { describe, expect, it } from "vitest";
import { createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { trpcCode as code } from "@/test/trpc";
import { createCaller } from "../root";

type Role = "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN";
const as = (user: { id: string; role: Role } | null) => createCaller({ user });
const NOWHERE = "00000000-0000-4000-8000-000000000000";

const calls = (api: ReturnType<typeof as>) => ({
  campaigns: () => api.analytics.campaigns({ days: 7 }),
  campaign: () => api.analytics.campaign({ id: NOWHERE }),
  byType: () => api.analytics.byType({ from: "2026-01-01", to: "2026-01-31" }),
  complaintStatus: () => api.analytics.complaintStatus(),
});

describe("analytics router", () => {
  it("answers admins only", async () => {
    for (const [name, call] of Object.entries(calls(as(null)))) expect([name, await code(call())]).toEqual([name, "UNAUTHORIZED"]);
    for (const role of ["CUSTOMER", "NGO", "BUSINESS"] as const) {
      const u = await createUser(db, { role });
      for (const [name, call] of Object.entries(calls(as({ id: u.id, role })))) expect([role, name, await code(call())]).toEqual([role, name, "FORBIDDEN"]);
    }
    const admin = await createUser(db, { role: "ADMIN" });
    const api = as({ id: admin.id, role: "ADMIN" });
    expect(await code(api.analytics.campaigns())).toBe("OK");
    expect(await code(api.analytics.byType())).toBe("OK");
    expect(await code(api.analytics.complaintStatus())).toBe("OK");
    expect(await code(api.analytics.campaign({ id: NOWHERE }))).toBe("NOT_FOUND");
  });

  it("refuses unknown keys, bad dates and ranges over 366 days", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const api = as({ id: admin.id, role: "ADMIN" });
    expect(await code(api.analytics.campaigns({ days: 7, extra: 1 } as never))).toBe("BAD_REQUEST");
    expect(await code(api.analytics.campaigns({ days: 367 }))).toBe("BAD_REQUEST");
    expect(await code(api.analytics.byType({ from: "2024-01-01", to: "2025-01-01" }))).toBe("BAD_REQUEST"); // 367 days
    expect(await code(api.analytics.byType({ from: "2024-01-01", to: "2024-12-31" }))).toBe("OK"); // 366
    expect(await code(api.analytics.byType({ from: "01/02/2026" }))).toBe("BAD_REQUEST");
    expect(await code(api.analytics.byType({ campaignId: "nope" }))).toBe("BAD_REQUEST");
    expect(await code(api.analytics.campaign({ id: NOWHERE, more: true } as never))).toBe("BAD_REQUEST");
  });

  it("passes the service's figures through", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const api = as({ id: admin.id, role: "ADMIN" });
    const c = await db.campaign.create({
      data: { name: "Router analytics", inAppTitle: "t", inAppBody: "", emailSubject: "s", emailBody: "b", channels: ["EMAIL"], audience: { kind: "everyone" }, status: "SENT", startedAt: new Date("2033-07-04T09:00:00Z") },
    });
    const n = await db.notification.create({ data: { userId: admin.id, type: "system_announcement", category: "announcements", title: "t", campaignId: c.id, dedupeKey: `campaign:${c.id}`, createdAt: new Date("2033-07-04T09:00:00Z") } });
    await db.delivery.create({ data: { notificationId: n.id, userId: admin.id, channel: "EMAIL", status: "COMPLAINED" } });
    const list = await api.analytics.campaigns({ from: "2033-07-01", to: "2033-07-31" });
    expect(list.warningRate).toBe(0.001);
    expect(list.rows).toEqual([expect.objectContaining({ id: c.id, name: "Router analytics", complaintWarning: true, metrics: expect.objectContaining({ sent: 1, complained: 1, complaintRate: 1, deliveryRate: 1 }) })]);
    const one = await api.analytics.campaign({ id: c.id });
    expect(one.metrics).toEqual(list.rows[0]!.metrics);
    const series = await api.analytics.byType({ from: "2033-07-01", to: "2033-07-31", campaignId: c.id });
    expect(series.types.map((t) => [t.type, t.days.length, t.totals.recipients])).toEqual([["system_announcement", 31, 1]]);
  });
});
