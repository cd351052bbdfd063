/**
 * GET /api/admin/analytics.csv with a mocked next-auth session: 401 signed out, 403 for every non-admin
 * role, 400 for a bad query, and for admins an RFC 4180 attachment whose cells cannot run as formulas.
 */
import { describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" } }));
vi.mock("../../auth", () => ({ currentUser: async () => session.user, requireUser: async () => session.user }));

const get = async (query = "") => {
  const { GET } = await import("../../../app/api/admin/analytics.csv/route");
  return GET(new Request(`http://localhost/api/admin/analytics.csv${query}`));
};

describe("GET /api/admin/analytics.csv", () => {
  it("is for admins only", async () => {
    session.user = null;
    const anon = await get();
    expect(anon.status).toBe(401);
    expect((await anon.json()).error.code).toBe("UNAUTHORIZED");
    for (const role of ["CUSTOMER", "NGO", "BUSINESS"] as const) {
      session.user = { id: (await createUser(db, { role })).id, role };
      const res = await get();
      expect([role, res.status]).toEqual([role, 403]);
      expect((await res.json()).error.code).toBe("PERMISSION_DENIED");
      expect(res.headers.get("content-disposition")).toBeNull();
    }
  });

  it("refuses a bad query", async () => {
    session.user = { id: (await createUser(db, { role: "ADMIN" })).id, role: "ADMIN" };
    for (const q of ["?kind=all", "?from=2024-01-01&to=2025-01-01", "?days=400", "?days=7&days=8", "?secret=1", "?from=2026-02-30"]) {
      const res = await get(q);
      expect([q, res.status]).toEqual([q, 400]);
      expect((await res.json()).error.code).toBe("VALIDATION_ERROR");
    }
  });

  it("downloads campaigns and per-type days as CSV, formulas neutralized", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    session.user = { id: admin.id, role: "ADMIN" };
    const at = new Date("2034-03-05T07:30:00.000Z");
    const c = await db.campaign.create({
      data: { name: '=HYPERLINK("http://evil.example","Win")', inAppTitle: "t", inAppBody: "", emailSubject: "s", emailBody: "b", channels: ["IN_APP", "EMAIL"], audience: { kind: "everyone" }, status: "SENT", startedAt: at },
    });
    for (const [i, status] of (["DELIVERED", "DELIVERED", "BOUNCED", "SENT"] as const).entries()) {
      const n = await db.notification.create({ data: { userId: admin.id, type: "system_announcement", category: "announcements", title: "t", campaignId: c.id, dedupeKey: `csv:${c.id}:${i}`, createdAt: at, readAt: i === 0 ? at : null } });
      await db.delivery.create({ data: { notificationId: n.id, userId: admin.id, channel: "EMAIL", status, clickedAt: i === 1 ? at : null } });
    }

    const res = await get("?from=2034-03-01&to=2034-03-07");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="herald-analytics-campaigns-2034-03-01-to-2034-03-07.csv"');
    const csv = await res.text();
    const lines = csv.split("\r\n");
    expect(lines.at(-1)).toBe(""); // every record ends with CRLF
    expect(lines[0]).toBe(
      '"campaign_id","name","status","sent_at","recipients","in_app_recipients","read","emails_sent","delivered","bounced","complained","clicked","unsubscribed",' +
        '"delivery_rate","read_rate","click_through_rate","unsubscribe_rate","bounce_rate","complaint_rate","complaint_warning"',
    );
    expect(lines[1]).toBe(`"${c.id}","'=HYPERLINK(""http://evil.example"",""Win"")","SENT","2034-03-05T07:30:00.000Z","4","4","1","4","2","1","0","1","0","0.5","0.25","0.25","0","0.25","0","no"`);
    expect(lines).toHaveLength(3);

    const types = await get("?kind=types&from=2034-03-05&to=2034-03-06");
    expect(types.headers.get("content-disposition")).toBe('attachment; filename="herald-analytics-types-2034-03-05-to-2034-03-06.csv"');
    const rows = (await types.text()).split("\r\n");
    expect(rows[0]!.startsWith('"day","type","recipients"')).toBe(true);
    expect(rows[1]).toBe('"2034-03-05","system_announcement","4","4","1","4","2","1","0","1","0","0.5","0.25","0.25","0","0.25","0"');
    expect(rows[2]).toBe('"2034-03-06","system_announcement","0","0","0","0","0","0","0","0","0","","","","","",""'); // no email: rates empty, not 0 or NaN
  });
});
